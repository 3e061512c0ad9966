"""Task `ProcessBatch` (one Map item): validate one chunk and stage its valid rows."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.imports.common import job_of
from orion.imports.models import ChunkRef
from orion.imports.service import process_chunk
from orion.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant, job_id = job_of(event)
    result = process_chunk(tenant, job_id, ChunkRef.model_validate(event["chunk"]))
    metrics.add_metric(name="ImportRowsAccepted", unit="Count", value=result.accepted)
    metrics.add_metric(name="ImportRowsRejected", unit="Count", value=result.rejected)
    return {"index": result.index, "accepted": result.accepted, "rejected": result.rejected}
