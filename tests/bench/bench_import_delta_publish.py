"""Imports: DynamoDB write requests for re-publishing 1,000 products of which 10 changed (delta publishing).

Goal: the writes of the 10 changed products (one TransactWriteItems each), plus the job's own
bookkeeping (staged rows marked published, the publish's progress), which a re-publish of the
unchanged feed measures on its own. Counts, not times: in-process moto.
"""

from __future__ import annotations

import csv
import io
import time

ROWS = 1_000
CHANGED = 10
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def feed(changed: int) -> bytes:
    """The English feed (the store's default language) with the first ``changed`` prices raised."""
    from tests.feeds import FEED_HEADER, feed_rows

    rows = feed_rows(ROWS, "en")
    for row in rows[:changed]:
        row[6] = "99,00 EUR"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows([FEED_HEADER, *rows])
    return buffer.getvalue().encode()


def main() -> None:
    import boto3

    from infra.local.cloud import install_bridges
    from orion.imports.models import ImportJob
    from orion.imports.publish import PublishRequest, publish_staged_products
    from orion.imports.service import get_import_job, request_upload
    from orion.tenancy.models import Tier
    from orion.tenancy.stores import change_tier
    from orion.tenant import Tenant
    from tests.bench.support import counting_requests, seeded_account

    install_bridges()
    with seeded_account(execute_state_machines=True):
        tenant = Tenant("oms", "wizamart")
        change_tier(Tenant("oms"), "wizamart", Tier.ENTERPRISE)  # 1,000 more than the demo catalogue

        def staged(content: bytes) -> ImportJob:
            ticket = request_upload(tenant, "bench_en.tsv", language="en")
            boto3.client("s3").put_object(Bucket="orion-uploads", Key=ticket.job.upload_key, Body=content)
            job = get_import_job(tenant, ticket.job.id)
            while not job.status.is_final:
                time.sleep(0.1)
                job = get_import_job(tenant, ticket.job.id)
            return job

        first = publish_staged_products(tenant, staged(feed(0)).id, PublishRequest(all=True))
        same, changed = staged(feed(0)), staged(feed(CHANGED))
        writes: dict[str, dict[str, int]] = {}
        for name, job in (("unchanged", same), ("changed", changed)):
            with counting_requests() as counter:
                result = publish_staged_products(tenant, job.id, PublishRequest(all=True))
            if result.failed or len(result.updated) != ROWS:
                raise SystemExit(f"re-publish {name} went wrong: {len(result.updated)} updated")
            writes[name] = {
                op: n for (svc, op), n in counter.calls.items() if svc == "dynamodb" and op in WRITES
            }
        product_writes = {name: counts.get("TransactWriteItems", 0) for name, counts in writes.items()}
        extra = sum(writes["changed"].values()) - sum(writes["unchanged"].values())
        ok = len(first.created) == ROWS and product_writes == {"unchanged": 0, "changed": CHANGED}
        print(
            f"re-publish {ROWS:,} products, {CHANGED} changed: {sum(writes['changed'].values())} DynamoDB "
            f"write requests {dict(sorted(writes['changed'].items()))}; the unchanged feed's re-publish "
            f"(bookkeeping only): {sum(writes['unchanged'].values())} "
            f"{dict(sorted(writes['unchanged'].items()))}; the changed products cost {extra} more "
            f"({extra / CHANGED:.1f} per changed product; goal 1 transaction each: "
            f"{'met' if ok else f'MISSED {product_writes}'})"
        )
        if not ok:
            raise SystemExit(1)
