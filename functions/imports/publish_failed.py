"""Task `MarkPublishFailed`: the Catch of the publish task; ends the publish FAILED, never left running."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.imports.common import PublishFailedTask, read_input
from orion.imports.publish import fail_publish
from orion.imports.sources.service import publish_ended
from orion.observability import metrics


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = read_input(PublishFailedTask, event)
    error_type = task.error.error_type if task.error else None
    failed = fail_publish(task.tenant, task.job_id, task.publish_id, error_type)
    publish_ended(task.tenant, task.job_id)  # a saved source's run learns its publish failed
    metrics.add_metric(name="ImportPublishesFailed", unit="Count", value=1)
    return {"failed": failed}
