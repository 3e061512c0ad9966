"""Scheduled tasks Lambda: EventBridge Scheduler (or the local cloud's scheduler) sends
``{"task": "<name>"}``; the task runs for every platform (tenancy's list) with its module enabled."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from orion.errors import OrionError
from orion.modules.tasks import run_task
from orion.observability import logger, metrics
from orion.tenancy.platforms import list_platforms


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    name = event.get("task") if isinstance(event, dict) else None
    if not isinstance(name, str) or not name:
        logger.error("scheduled invocation without a task name", extra={"event_keys": sorted(event or {})})
        return {"error": 'the event must name a task: {"task": "<name>"}'}
    logger.append_keys(task=name)
    try:
        run = run_task(name, list_platforms)
    except OrionError as error:
        logger.error("unknown scheduled task", extra={"detail": str(error)})
        return {"task": name, "error": str(error)}
    metrics.add_metric(name="ScheduledTaskRuns", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ScheduledTaskFailures", unit=MetricUnit.Count, value=len(run.failed))
    if run.failed:
        logger.error("scheduled task failed on some platforms", extra=run.as_dict())
    else:
        logger.info("scheduled task done", extra=run.as_dict())
    return run.as_dict()
