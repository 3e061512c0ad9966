"""Imports: publishing 1,000 staged products, then their German translations, in moto in-process."""

from __future__ import annotations

import time

ROWS = 1_000


def main() -> None:
    import boto3

    from infra.local.cloud import install_bridges
    from orion.imports.models import ImportJob
    from orion.imports.publish import PublishRequest, publish_staged_products
    from orion.imports.service import get_import_job, request_upload
    from orion.tenancy.models import Tier
    from orion.tenancy.stores import change_tier
    from orion.tenant import Tenant
    from tests.bench.support import seeded_account
    from tests.feeds import letzshop_feed

    install_bridges()
    with seeded_account(execute_state_machines=True):
        tenant = Tenant("oms", "wizamart")
        # The demo catalogue and 1,000 more products exceed the Professional plan's allowance.
        change_tier(Tenant("oms"), "wizamart", Tier.ENTERPRISE)

        def staged(language: str) -> ImportJob:
            ticket = request_upload(tenant, f"bench_{language}.tsv")
            boto3.client("s3").put_object(
                Bucket="orion-uploads", Key=ticket.job.upload_key, Body=letzshop_feed(ROWS, language)
            )
            job = get_import_job(tenant, ticket.job.id)
            while not job.status.is_final:
                time.sleep(0.1)
                job = get_import_job(tenant, ticket.job.id)
            return job

        french, german = staged("fr"), staged("de")
        started = time.perf_counter()
        first = publish_staged_products(tenant, french.id, PublishRequest(all=True))
        created = time.perf_counter() - started
        second = publish_staged_products(tenant, german.id, PublishRequest(all=True))
        took = time.perf_counter() - started
        counts = (len(first.created), len(first.updated), len(second.created), len(second.updated))
        complete = counts == (ROWS, 0, 0, ROWS) and not first.failed and not second.failed
        print(
            f"publish {ROWS:,} products in French, then their German translations: "
            f"{created:.1f} s + {took - created:.1f} s = {took:.1f} s "
            f"({'complete' if complete else f'INCOMPLETE {counts}'}; in-process moto; no baseline: a "
            f"completion check, formerly tests/integration/imports/test_publish.py at full size)"
        )
        if not complete:
            raise SystemExit(1)
