"""Source runner Lambda: the source-runs queue's messages (SQS, partial batch responses), one source run
each: ``run`` fetches a saved source's feeds and starts its import jobs, ``finish`` applies its policy
once the jobs have ended (orion.imports.sources.service). Both are idempotent per run id: a duplicate
message finds the run taken or finished and does nothing. A malformed message is logged and dropped."""

from __future__ import annotations

from typing import Any, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.common.imported_images import image_fetches
from orion.imports.sources.queue import read_message
from orion.imports.sources.service import execute_run, finish_run
from orion.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@tracer.capture_method
def process(record: SQSRecord) -> None:
    try:
        message = read_message(record.body)
    except ValueError as exc:
        logger.error(
            "malformed source message dropped", extra={"message_id": record.message_id, "problem": str(exc)}
        )
        return
    tenant = message.tenant
    if message.type == "run":
        run = execute_run(tenant, message.source_id, message.run_id, on_published=image_fetches(tenant))
    else:
        run = finish_run(tenant, message.source_id, message.run_id, on_published=image_fetches(tenant))
    if run is not None:
        metrics.add_metric(name=f"ImportSourceRuns{run.status.value.title()}", unit="Count", value=1)


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=process, processor=processor, context=context
    )
    return cast(dict[str, Any], response)
