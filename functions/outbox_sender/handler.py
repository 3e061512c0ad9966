"""Outbox sender Lambda: for each new outbox item in the table's stream, send the e-mail with SES and
mark it sent. A send that fails is recorded on the message for the scheduled retry task (backoff, then
given up), so one bad address never holds up the shard; only a record whose failure could not even be
recorded is reported back (partial batch response) for the stream to retry."""

from __future__ import annotations

import json
from typing import Any, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from orion.observability import logger, metrics, tracer
from orion.outbox.models import OutboxMessage
from orion.outbox.repository import OUTBOX_KIND
from orion.outbox.service import deliver
from orion.tenancy.models import Tenant

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def message_of(image: dict[str, Any]) -> OutboxMessage | None:
    """The outbox message in a stream image (already deserialised), or None for other items."""
    if image.get("kind") != OUTBOX_KIND:
        return None
    return OutboxMessage(
        id=image["id"],
        platform=image["platform"],
        store=image.get("store"),
        kind=image["message_kind"],
        to=image["to"],
        subject=image["subject"],
        text=image["text"],
        data=json.loads(image.get("data") or "{}"),
        created_at=image["created_at"],
        sent_at=image.get("sent_at"),
        attempts=int(image.get("attempts") or 0),
        next_attempt_at=image.get("next_attempt_at"),
    )


@tracer.capture_method
def send_record(record: DynamoDBRecord) -> None:
    if record.event_name is None or record.event_name.name != "INSERT" or record.dynamodb is None:
        return
    message = message_of(record.dynamodb.new_image or {})
    if message is None:
        return
    if deliver(Tenant(message.platform, message.store), message):
        metrics.add_metric(name="EmailsSent", unit="Count", value=1)
    else:
        metrics.add_metric(name="EmailsFailed", unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=send_record, processor=processor, context=context
    )
    return cast(dict[str, Any], response)
