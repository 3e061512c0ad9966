"""The shape of a function a wiring queue triggers (SQS, partial batch responses): each record's body is
read into its message, a malformed one is logged and dropped (it would fail the same way every time),
the others are handled one by one, and the answer names those whose handling raised, so SQS delivers
only them again. Powertools' ``BatchProcessor`` does the bookkeeping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from orion.observability import logger

Message = TypeVar("Message")
BatchHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def queue_batch(
    read: Callable[[str], Message], handle: Callable[[Message, SQSRecord], None], *, kind: str
) -> BatchHandler:
    """A handler of SQS batches whose messages ``read`` parses from a body (ValueError for a malformed
    one, e.g. pydantic's ValidationError) and ``handle`` acts on; ``kind`` names them in the log line of a
    dropped one ("malformed <kind> message dropped")."""
    # A batch whose every message failed for now is an answer, not an error (no Lambda error alarm
    # during an outage): the failures are reported like any others.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: SQSRecord) -> None:
        try:
            message = read(record.body)
        except ValueError as exc:
            logger.error(
                f"malformed {kind} message dropped",
                extra={"message_id": record.message_id, "problem": str(exc)},
            )
            return
        handle(message, record)

    def handle_batch(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        response = process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
        return cast(dict[str, Any], response)

    return handle_batch
