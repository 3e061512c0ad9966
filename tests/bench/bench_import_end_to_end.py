"""Imports: a local end-to-end 10,000-row import (S3 -> EventBridge -> Step Functions -> staging)."""

from __future__ import annotations

import time

ROWS = 10_000


def main() -> None:
    import boto3

    from infra.local.cloud import install_bridges
    from orion.imports.service import get_import_job, request_upload
    from orion.tenant import Tenant
    from tests.bench.support import seeded_account
    from tests.feeds import letzshop_feed

    install_bridges()
    with seeded_account(execute_state_machines=True):
        tenant = Tenant("oms", "wizamart")
        content = letzshop_feed(ROWS, "fr")
        ticket = request_upload(tenant, "bench_fr.tsv")
        started = time.perf_counter()
        boto3.client("s3").put_object(Bucket="orion-uploads", Key=ticket.job.upload_key, Body=content)
        job = get_import_job(tenant, ticket.job.id)
        while not job.status.is_final:
            time.sleep(0.1)
            job = get_import_job(tenant, ticket.job.id)
        took = time.perf_counter() - started
        print(
            f"end-to-end import of {ROWS:,} rows ({len(content) / 1e6:.1f} MB, "
            f"{job.progress.chunks_total} chunks): "
            f"{job.status.value} in {took:.1f} s -> {job.counts.accepted / took:,.0f} rows/s "
            f"(in-process moto; no baseline: a completion check)"
        )
