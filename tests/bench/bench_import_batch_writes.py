"""Imports: DynamoDB BatchWriteItem requests to stage 1,000 valid rows (one chunk of process_batch)."""

from __future__ import annotations

from tests.bench.support import counting_requests, seeded_account
from tests.feeds import letzshop_feed

GOAL = 40  # 1,000 rows / 25 items per request


def main() -> None:
    import boto3

    from orion.imports.service import prepare_import, process_chunk, request_upload
    from orion.imports.storage import ImportFiles
    from orion.tenant import Tenant

    with seeded_account():
        tenant = Tenant("oms", "wizamart")
        ticket = request_upload(tenant, "bench_fr.tsv")
        boto3.client("s3").put_object(
            Bucket="orion-uploads", Key=ticket.job.upload_key, Body=letzshop_feed(1000)
        )
        prepare_import(tenant, ticket.job.id, ticket.job.upload_key, "bench")
        (chunk,) = ImportFiles().read_manifest(tenant, ticket.job.id)
        with counting_requests() as counter:
            result = process_chunk(tenant, ticket.job.id, chunk)
        batch_writes = counter.calls[("dynamodb", "BatchWriteItem")]
        per_thousand = batch_writes * 1000 / result.accepted
        print(
            f"BatchWriteItem requests per 1,000 valid rows: {per_thousand:.0f} (goal {GOAL}; "
            f"ratio {per_thousand / GOAL:.2f}x of the goal; {result.writes.retries} retries)"
        )
        print(f"  all AWS calls of the chunk: {dict(counter.calls)}")
