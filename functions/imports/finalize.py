"""Task `Finalize`: totals, error report and the job's final status."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.imports.common import JobTask, read_input
from orion.imports.service import finalize_import
from orion.imports.sources.service import job_finished
from orion.observability import metrics, tenant_metric


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = read_input(JobTask, event)
    job = finalize_import(task.tenant, task.job_id)
    job_finished(task.tenant, job)  # a saved source's run goes on once all its jobs have ended
    outcome = f"Imports{job.status.value.title().replace('_', '')}"
    metrics.add_metric(name=outcome, unit="Count", value=1)
    tenant_metric(outcome, task.tenant)  # ImportsCompleted, ImportsCompletedWithErrors or ImportsFailed
    return {"job_id": job.id, "status": job.status.value, "counts": job.counts.model_dump()}
