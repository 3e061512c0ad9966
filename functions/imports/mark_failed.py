"""Task `MarkFailed`: the Catch of every other task; ends the job FAILED so it never stays RUNNING."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.imports.common import error_type_of, upload_of
from orion.imports.service import fail_import
from orion.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    location = upload_of(event)
    if location is None:
        logger.warning("failure of an execution without a job", extra={"upload": event.get("upload")})
        return {"failed": False}
    failed = fail_import(location.tenant, location.job_id, error_type_of(event.get("error")))
    metrics.add_metric(name="ImportsFailed", unit="Count", value=1)
    return {"failed": failed, "job_id": location.job_id}
