"""Outbox sender Lambda: for each new outbox item in the table's stream, send the e-mail with SES and
mark it sent. A send that fails is recorded on the message for the scheduled retry task (backoff, then
given up), so one bad address never holds up the shard; only a record whose failure could not even be
recorded is reported back (partial batch response) for the stream to retry."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from functions.common.entry import lambda_entry
from orion.observability import logger, metrics, tenant_metric, tracer
from orion.outbox.models import Delivery, OutboxMessage
from orion.outbox.repository import OUTBOX_KIND
from orion.outbox.service import deliver
from orion.tenant import Tenant

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class MalformedOutboxItem(Exception):
    """An outbox item's image that is not a message: its record is reported failed (and retried by the
    stream) rather than sent half-read."""


def message_of(image: Mapping[str, Any]) -> OutboxMessage | None:
    """The outbox message in a stream image (already deserialised), or None for items of other kinds.

    The image has the item's layout (orion.outbox.repository.OutboxItem): its ``kind`` is the item's
    type, the message's is ``message_kind``, and ``data`` is stored as a JSON string.
    """
    if image.get("kind") != OUTBOX_KIND:
        return None
    try:
        fields = {**image, "kind": image.get("message_kind"), "data": json.loads(image.get("data") or "{}")}
        return OutboxMessage.model_validate(fields)
    except (ValueError, ValidationError) as exc:  # a ValidationError is a ValueError too
        logger.error("malformed outbox item", extra={"id": image.get("id"), "problem": str(exc)})
        raise MalformedOutboxItem(f"outbox item {image.get('id')!r} is not a message") from exc


@tracer.capture_method
def send_record(record: DynamoDBRecord) -> None:
    if record.event_name is None or record.event_name.name != "INSERT" or record.dynamodb is None:
        return
    message = message_of(record.dynamodb.new_image or {})
    if message is None:
        return
    tenant = Tenant(message.platform, message.store)
    delivery = deliver(tenant, message)
    metric = {
        Delivery.SENT: "EmailsSent",
        Delivery.FAILED: "EmailsFailed",
        Delivery.SUPPRESSED: "EmailsSuppressed",
    }
    metrics.add_metric(name=metric[delivery], unit="Count", value=1)
    if delivery is not Delivery.SUPPRESSED:
        tenant_metric(metric[delivery], tenant)


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=send_record, processor=processor, context=context
    )
    return cast(dict[str, Any], response)
