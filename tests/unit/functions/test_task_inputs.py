"""The inputs the state machines hand the import tasks, and the outbox sender's stream images, read
as typed models: what the workflows send is understood, anything else fails the task before it reads
or writes a thing (the state's Catch then ends the job FAILED)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from functions.imports import finalize, mark_failed, prepare, process_batch, publish, publish_failed
from functions.imports.common import (
    CaughtError,
    ChunkTask,
    ImportFailedTask,
    PrepareTask,
    PublishFailedTask,
    TaskInputError,
    read_input,
)
from functions.outbox_sender.handler import MalformedOutboxItem, message_of
from orion.tenant import Tenant
from tests.events import FakeContext

JOB_ID = "01HZX3K5QG8V7M2N4P6R8T0W1Y"
PUBLISH_ID = "01HZX3K9AB8V7M2N4P6R8T0W2Z"
JOB = {"platform": "oms", "store": "wizamart", "job_id": JOB_ID}
UPLOAD = {"bucket": "orion-uploads", "key": f"uploads/oms/wizamart/{JOB_ID}/feed.tsv"}
LAMBDA_FAILURE = {
    "Error": "ConnectionError",
    "Cause": json.dumps({"errorMessage": "injected failure", "errorType": "ConnectionError"}),
}


def test_what_the_workflows_send_is_read_as_the_tenant_and_job() -> None:
    prepared = read_input(PrepareTask, {"upload": UPLOAD, "execution": "s3-1234"})
    assert prepared.job() == (Tenant("oms", "wizamart"), JOB_ID)
    assert prepared.execution == "s3-1234"
    chunk = read_input(ChunkTask, {**JOB, "chunk": {"index": 3, "key": "work/c/3.json", "records": 1000}})
    assert (chunk.tenant, chunk.job_id, chunk.chunk.index) == (Tenant("oms", "wizamart"), JOB_ID, 3)
    failed = read_input(PublishFailedTask, {**JOB, "publish_id": PUBLISH_ID, "error": LAMBDA_FAILURE})
    assert failed.publish_id == PUBLISH_ID
    assert failed.error is not None and failed.error.error_type == "ConnectionError"


def test_a_catch_without_a_lambda_cause_names_the_step_functions_error() -> None:
    assert CaughtError(Error="States.Timeout", Cause="").error_type == "States.Timeout"
    assert CaughtError(Error="States.TaskFailed", Cause="not json").error_type == "States.TaskFailed"
    assert CaughtError().error_type is None
    task = read_input(ImportFailedTask, {"upload": UPLOAD})  # no error: a Catch always adds one
    assert task.error is None


@pytest.mark.parametrize(
    ("handler", "event"),
    [
        (prepare.handler, {"execution": "s3-1234"}),  # no upload
        (prepare.handler, {"upload": {"key": UPLOAD["key"]}}),  # no bucket
        (process_batch.handler, {**JOB, "chunk": {"index": "first", "key": "k", "records": 1}}),
        (process_batch.handler, JOB),  # no chunk
        (finalize.handler, {**JOB, "store": "Wiz#Mart"}),  # not a store code: never part of a key
        (finalize.handler, {**JOB, "job_id": "../../other-job"}),
        (finalize.handler, None),
        (mark_failed.handler, {"error": LAMBDA_FAILURE}),  # no upload
        (mark_failed.handler, {"upload": UPLOAD, "error": "boom"}),
        (publish.handler, JOB),  # no publish id
        (publish_failed.handler, {**JOB, "publish_id": "latest", "error": LAMBDA_FAILURE}),
    ],
)
def test_a_malformed_input_fails_the_task_with_a_typed_error(handler: Any, event: Any) -> None:
    # No moto here: a task that got past its input would fail differently (no AWS to reach).
    with pytest.raises(TaskInputError, match=r"^not a "):
        handler(event, FakeContext())


def test_uploads_that_are_not_imports_are_ignored_not_failed() -> None:
    foreign_key = {"upload": {"bucket": "orion-uploads", "key": "uploads/notes.txt"}, "execution": "x"}
    other_bucket = {"upload": {**UPLOAD, "bucket": "someone-elses"}, "execution": "x"}
    for event in (foreign_key, other_bucket):
        assert prepare.handler(event, FakeContext()) == {"outcome": "IGNORED"}
    failure = {"upload": foreign_key["upload"], "error": LAMBDA_FAILURE}
    assert mark_failed.handler(failure, FakeContext()) == {"failed": False}


# --- the outbox sender's stream images ----------------------------------------------------------------

OUTBOX_IMAGE = {  # a new outbox item as the stream delivers it, deserialised (numbers are Decimals)
    "PK": "P#oms#OUTBOX",
    "SK": JOB_ID,
    "kind": "OutboxEmail",
    "GSI2PK": "P#oms#OUTBOX#DUE",
    "GSI2SK": f"2025-05-01T10:05:00.000000Z#{JOB_ID}",
    "id": JOB_ID,
    "platform": "oms",
    "store": "wizamart",
    "message_kind": "order_confirmation",
    "to": "alice@example.com",
    "subject": "Your order",
    "text": "Thank you",
    "data": json.dumps({"order_id": "O-1"}),
    "created_at": "2025-05-01T10:00:00.000000+0000",
    "next_attempt_at": "2025-05-01T10:05:00.000000+0000",
    "attempts": Decimal(0),
}


def test_an_outbox_items_image_is_read_as_the_message_it_stores() -> None:
    message = message_of(OUTBOX_IMAGE)
    assert message is not None
    assert (message.id, message.platform, message.store) == (JOB_ID, "oms", "wizamart")
    assert message.kind == "order_confirmation"
    assert message.data == {"order_id": "O-1"}
    assert message.created_at.isoformat() == "2025-05-01T10:00:00+00:00"
    assert message.attempts == 0 and message.status == "pending"


def test_items_of_other_kinds_are_not_messages() -> None:
    assert message_of({"kind": "Product", "PK": "P#oms#S#wizamart#PRODUCT#1", "title": "Lamp"}) is None
    assert message_of({}) is None


@pytest.mark.parametrize(
    "broken",
    [
        {k: v for k, v in OUTBOX_IMAGE.items() if k != "to"},
        {**OUTBOX_IMAGE, "data": "{not json"},
        {**OUTBOX_IMAGE, "created_at": "yesterday"},
    ],
)
def test_a_malformed_outbox_item_is_refused_rather_than_sent_half_read(broken: dict[str, Any]) -> None:
    with pytest.raises(MalformedOutboxItem):
        message_of(broken)
