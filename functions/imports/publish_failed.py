"""Task `MarkPublishFailed`: the Catch of the publish task; ends the publish FAILED, never left running."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.imports.common import error_type_of, job_of
from orion.imports.publish import fail_publish
from orion.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant, job_id = job_of(event)
    failed = fail_publish(tenant, job_id, str(event["publish_id"]), error_type_of(event.get("error")))
    metrics.add_metric(name="ImportPublishesFailed", unit="Count", value=1)
    return {"failed": failed}
