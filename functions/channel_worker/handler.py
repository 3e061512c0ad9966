"""Channel worker Lambda: the channel queue's messages (SQS, partial batch responses) bring changed items
to the store's integrations and run the chunks of large publishes (orion.channels.worker).

A message that failed for now is put off by its backoff (its visibility moved) and reported, so SQS
delivers it again then; after the queue's receive limit it moves to the dead-letter queue. A malformed
message is logged and dropped (it would fail the same way every time: functions/common/queue_batch.py).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.common.queue_batch import queue_batch
from orion.channels.queue import ItemChanged, JobChunk, read_message
from orion.channels.worker import handle_message, put_off
from orion.observability import metrics, tracer


class TryAgainLater(Exception):
    """The message failed for now: reported to SQS as a batch item failure (after its backoff)."""


@tracer.capture_method
def process(message: ItemChanged | JobChunk, record: SQSRecord) -> None:
    receives = int(record.attributes.approximate_receive_count or 1)
    wait = handle_message(message, receives)
    if wait is None:
        return
    put_off(record.receipt_handle, wait)
    metrics.add_metric(name="ChannelRetries", unit=MetricUnit.Count, value=1)
    raise TryAgainLater(f"message {record.message_id} is tried again in {wait} s")


batch = queue_batch(read_message, process, kind="channel")


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return batch(event, context)
