"""Task `Finalize`: totals, error report and the job's final status."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.imports.common import job_of
from orion.imports.service import finalize_import
from orion.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant, job_id = job_of(event)
    job = finalize_import(tenant, job_id)
    metrics.add_metric(name=f"Imports{job.status.value.title().replace('_', '')}", unit="Count", value=1)
    return {"job_id": job.id, "status": job.status.value, "counts": job.counts.model_dump()}
