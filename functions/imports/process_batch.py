"""Task `ProcessBatch` (one Map item): validate one chunk and stage its valid rows."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.imports.common import ChunkTask, read_input
from orion.imports.service import process_chunk
from orion.observability import metrics


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = read_input(ChunkTask, event)
    result = process_chunk(task.tenant, task.job_id, task.chunk)
    metrics.add_metric(name="ImportRowsAccepted", unit="Count", value=result.accepted)
    metrics.add_metric(name="ImportRowsRejected", unit="Count", value=result.rejected)
    return {"index": result.index, "accepted": result.accepted, "rejected": result.rejected}
