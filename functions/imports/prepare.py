"""Task `Prepare`: claim the job named by the uploaded object's key, then chunk the file."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.imports.common import upload_of
from orion.imports.service import PrepareOutcome, prepare_import
from orion.observability import logger, metrics, tracer
from orion.settings import get_settings


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    location = upload_of(event)
    bucket = str(event.get("upload", {}).get("bucket", ""))
    if location is None or bucket != get_settings().uploads_bucket:
        logger.warning("not an import upload", extra={"upload": event.get("upload")})
        return {"outcome": PrepareOutcome.IGNORED.value}
    result = prepare_import(
        location.tenant, location.job_id, event["upload"]["key"], str(event.get("execution", ""))
    )
    metrics.add_metric(name="ImportChunks", unit="Count", value=result.chunks)
    return {
        "outcome": result.outcome.value,
        "platform": location.tenant.platform,
        "store": location.tenant.store,
        "job_id": location.job_id,
        "chunks": result.chunks,
        "manifest": {"bucket": bucket, "key": result.manifest_key},
    }
