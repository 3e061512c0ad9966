"""Channel worker Lambda: the channel queue's messages (SQS, partial batch responses) bring changed items
to the store's integrations and run the chunks of large publishes (orion.channels.worker).

A message that failed for now is put off by its backoff (its visibility moved) and reported, so SQS
delivers it again then; after the queue's receive limit it moves to the dead-letter queue. A malformed
message is logged and dropped (it would fail the same way every time).
"""

from __future__ import annotations

from typing import Any, cast

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from orion.channels.queue import read_message
from orion.channels.worker import handle_message, put_off
from orion.observability import logger, metrics, tracer

# A batch whose every message failed for now is an answer, not an error (no Lambda error alarm during
# an outage): the failures are reported like any others.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


class TryAgainLater(Exception):
    """The message failed for now: reported to SQS as a batch item failure (after its backoff)."""


@tracer.capture_method
def process(record: SQSRecord) -> None:
    try:
        message = read_message(record.body)
    except ValueError as exc:
        logger.error(
            "malformed channel message dropped", extra={"message_id": record.message_id, "problem": str(exc)}
        )
        return
    receives = int(record.attributes.approximate_receive_count or 1)
    wait = handle_message(message, receives)
    if wait is None:
        return
    put_off(record.receipt_handle, wait)
    metrics.add_metric(name="ChannelRetries", unit=MetricUnit.Count, value=1)
    raise TryAgainLater(f"message {record.message_id} is tried again in {wait} s")


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=process, processor=processor, context=context
    )
    return cast(dict[str, Any], response)
