"""Task `Prepare`: claim the job named by the uploaded object's key, then chunk the file."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.imports.common import PrepareTask, read_input
from orion.imports.service import PrepareOutcome, prepare_import
from orion.imports.sources.service import job_id_finished
from orion.observability import logger, metrics
from orion.settings import get_settings


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = read_input(PrepareTask, event)
    location = task.upload.location
    if location is None or task.upload.bucket != get_settings().uploads_bucket:
        logger.warning("not an import upload", extra={"upload": task.upload.model_dump()})
        return {"outcome": PrepareOutcome.IGNORED.value}
    result = prepare_import(location.tenant, location.job_id, task.upload.key, task.execution)
    if result.outcome is PrepareOutcome.FINISHED:
        job_id_finished(location.tenant, location.job_id)  # a rejected file ends a source run's job here
    metrics.add_metric(name="ImportChunks", unit="Count", value=result.chunks)
    return {
        "outcome": result.outcome.value,
        "platform": location.tenant.platform,
        "store": location.tenant.store,
        "job_id": location.job_id,
        "chunks": result.chunks,
        "manifest": {"bucket": task.upload.bucket, "key": result.manifest_key},
    }
