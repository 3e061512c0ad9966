"""Task `MarkFailed`: the Catch of every other task; ends the job FAILED so it never stays RUNNING."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.imports.common import ImportFailedTask, read_input
from orion.imports.service import fail_import
from orion.imports.sources.service import job_id_finished
from orion.observability import logger, metrics, tenant_metric


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = read_input(ImportFailedTask, event)
    location = task.upload.location
    if location is None:
        logger.warning("failure of an execution without a job", extra={"upload": task.upload.model_dump()})
        return {"failed": False}
    failed = fail_import(location.tenant, location.job_id, task.error.error_type if task.error else None)
    job_id_finished(location.tenant, location.job_id)  # a saved source's run learns its job ended
    metrics.add_metric(name="ImportsFailed", unit="Count", value=1)
    tenant_metric("ImportsFailed", location.tenant)
    return {"failed": failed, "job_id": location.job_id}
