"""Source runner Lambda: the source-runs queue's messages (SQS, partial batch responses), one source run
each: ``run`` fetches a saved source's feeds and starts its import jobs, ``finish`` applies its policy
once the jobs have ended (orion.imports.sources.service). Both are idempotent per run id: a duplicate
message finds the run taken or finished and does nothing. A malformed message is logged and dropped
(functions/common/queue_batch.py)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.common.imported_images import image_fetches
from functions.common.queue_batch import queue_batch
from orion.imports.sources.queue import SourceMessage, read_message
from orion.imports.sources.service import execute_run, finish_run
from orion.observability import metrics, tracer


@tracer.capture_method
def process(message: SourceMessage, record: SQSRecord) -> None:
    tenant = message.tenant
    if message.type == "run":
        run = execute_run(tenant, message.source_id, message.run_id, on_published=image_fetches(tenant))
    else:
        run = finish_run(tenant, message.source_id, message.run_id, on_published=image_fetches(tenant))
    if run is not None:
        metrics.add_metric(name=f"ImportSourceRuns{run.status.value.title()}", unit="Count", value=1)


batch = queue_batch(read_message, process, kind="source")


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return batch(event, context)
