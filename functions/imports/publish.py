"""Task `PublishPages` of the import-publish state machine: publish pages while this invocation has time."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.imports.common import job_of
from orion.imports.publish import run_background_publish
from orion.observability import logger, metrics, tracer

# Stop starting pages this long before the Lambda's timeout: a page of products takes seconds.
RESERVE_MS = 3 * 60 * 1000


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant, job_id = job_of(event)
    publish_id = str(event["publish_id"])
    done = run_background_publish(
        tenant, job_id, publish_id, keep_going=lambda: context.get_remaining_time_in_millis() > RESERVE_MS
    )
    return {"done": done, "publish_id": publish_id}
