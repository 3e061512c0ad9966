"""Channels: requests to a destination per publish of 1,000 products, first and unchanged (goal 0), and per
change event of unchanged products, through the channel queue and worker, in moto in-process.

The destination is a counting stand-in (tests/integration/channels/pipeline.py's FakeDestination); the
path is the real one: the staff publish of all (a background job in chunks past 200 products), the
table's stream through channel_changes, and the channel worker taking the queue's SQS batches. Times
are printed for context only.
"""

from __future__ import annotations

import time
import warnings

PRODUCTS = 1_000
# Change events cost moto a table-wide index rebuild per record marked outdated (a write between two
# index Queries), not what they cost DynamoDB: a share of the products keeps the run short.
EVENT_PRODUCTS = 200


def main() -> None:
    # Most worker batches publish no custom metric; Powertools warns about each.
    warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)
    from orion import runtime
    from orion.catalog import service as catalog
    from orion.catalog.models import ProductInput, ProductStatus, Variant
    from orion.channels import adapters, jobs
    from orion.channels.models import ChannelPlatform, IntegrationInput, PublishRequest
    from orion.channels.service import create_integration, get_job
    from orion.tenancy import stores
    from orion.tenancy.models import Tier
    from orion.tenant import Tenant
    from tests.bench.support import seeded_account

    with seeded_account():
        # (after the benchmark's environment is set: the handlers' metrics stay quiet)
        from tests.integration.channels.pipeline import (
            FakeDestination,
            hand_over,
            queued,
            recorded_changes,
            work,
        )

        wizamart = stores.store_profile(Tenant("oms", "wizamart"))
        assert wizamart is not None
        shop = Tenant("oms", "bench-shop")  # a store of its own: only these products are on sale there
        stores.create_store(
            Tenant("oms"), "bench-shop", "Bench shop", wizamart.merchant_id, tier=Tier.ENTERPRISE
        )
        inputs = [
            ProductInput(
                title=f"Bench lamp {n}",
                status=ProductStatus.ACTIVE,
                variants=(Variant(sku=f"BENCH-{n}", price=1000 + n, stock=5),),
            )
            for n in range(PRODUCTS)
        ]
        with recorded_changes() as created:
            products = catalog.bulk_create_products(shop, inputs)
        destination = FakeDestination()
        adapters.ADAPTER_OVERRIDES[ChannelPlatform.WORDPRESS] = destination.adapter
        integration = create_integration(
            shop,
            IntegrationInput.model_validate(
                {
                    "platform": "wordpress",
                    "config": {"site_url": "https://blog.example.com"},
                    "credentials": {"username": "bench", "application_password": "abcd efgh ijkl mnop"},
                }
            ),
        )
        runtime.reset()

        def publish_all() -> tuple[int, float, str]:
            before, started = destination.requests, time.perf_counter()
            job, _ = jobs.publish(shop, integration.id, PublishRequest(all=True))
            work(max_batches=10_000)
            done = get_job(shop, integration.id, job.id)
            counts = f"created {done.created}, unchanged {done.unchanged}, failed {done.failed}"
            outcome = f"{done.status.value}: {counts}"
            return destination.requests - before, time.perf_counter() - started, outcome

        first, first_seconds, first_outcome = publish_all()
        again, again_seconds, again_outcome = publish_all()

        # change events of some of them, unchanged: re-saved as they are, and their first writes
        # replayed (the stream delivers at least once)
        chosen = {product.id for product in products[:EVENT_PRODUCTS]}
        replay = [r for r in created if any(i in r["dynamodb"]["Keys"]["PK"]["S"] for i in chosen)]
        before, started = destination.requests, time.perf_counter()
        with recorded_changes() as resaved:
            for product in products[:EVENT_PRODUCTS]:
                current = catalog.get_product(shop, product.id)
                catalog.update_product(
                    shop,
                    product.id,
                    ProductInput(**current.model_dump(include=set(ProductInput.model_fields))),
                )
        for start in range(0, len(resaved), 100):
            hand_over(resaved[start : start + 100])
        messages_for_resaves = queued()
        for start in range(0, len(replay), 100):
            hand_over(replay[start : start + 100])
        replayed = queued()
        work(max_batches=10_000)
        events = destination.requests - before
        events_seconds = time.perf_counter() - started

        print(f"requests to the destination for {PRODUCTS:,} products (goal for unchanged: 0):")
        print(f"  first publish of all:       {first:>5} requests  ({first_outcome}; {first_seconds:.1f} s)")
        print(f"  unchanged republish of all: {again:>5} requests  ({again_outcome}; {again_seconds:.1f} s)")
        print(
            f"  unchanged change events:    {events:>5} requests  ({messages_for_resaves} messages for "
            f"{EVENT_PRODUCTS} unchanged saves, {replayed} for {EVENT_PRODUCTS} replayed creations; "
            f"{events_seconds:.1f} s)"
        )
        ratio = again / first if first else float("nan")
        print(f"  unchanged / first: {again} / {first} = {ratio:.3f}")
        if first != PRODUCTS or again or events:
            raise SystemExit(1)
