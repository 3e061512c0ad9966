"""Functions a queue triggers (functions/common/queue_batch.py): a malformed message is logged and
dropped (never handed on, never delivered again), a message whose handling raised is reported to SQS
as a batch item failure, the others are done (docs/channels.md, change events; docs/imports.md, saved
sources)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import BaseModel

from functions.channel_worker.handler import handler as channel_worker
from functions.common.queue_batch import queue_batch
from functions.imports.source_runner import handler as source_runner
from tests.events import FakeContext


def record(message_id: str, body: str) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:orion-test",
        "awsRegion": "eu-west-1",
    }


class Note(BaseModel):
    text: str


def test_malformed_messages_are_dropped_failures_reported_and_the_rest_handled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    handled: list[str] = []

    def handle(note: Note, sqs_record: SQSRecord) -> None:
        if note.text == "boom":
            raise RuntimeError("the destination is down")
        handled.append(f"{sqs_record.message_id}:{note.text}")

    batch = queue_batch(Note.model_validate_json, handle, kind="note")
    event = {
        "Records": [
            record("m1", '{"text": "hello"}'),
            record("m2", "not json"),
            record("m3", '{"text": "boom"}'),
            record("m4", '{"other": 1}'),
            record("m5", '{"text": "again"}'),
        ]
    }

    answer = batch(event, FakeContext())  # type: ignore[arg-type]

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m3"}]}
    assert handled == ["m1:hello", "m5:again"]
    dropped = [(r.getMessage(), getattr(r, "message_id", None)) for r in caplog.records]
    assert dropped == [
        ("malformed note message dropped", "m2"),
        ("malformed note message dropped", "m4"),
    ]


@pytest.mark.parametrize(
    ("handler", "kind"), [(channel_worker, "channel"), (source_runner, "source")], ids=["channel", "source"]
)
def test_the_queue_functions_drop_a_malformed_message_without_failing_the_batch(
    handler: Any, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    wrong_type = json.dumps({"type": "nothing-we-know", "platform": "oms", "store": "wizamart"})
    event = {"Records": [record("m1", "{"), record("m2", wrong_type)]}

    answer = handler(event, FakeContext())

    assert answer == {"batchItemFailures": []}  # deleted: it would fail the same way every time
    assert [r.getMessage() for r in caplog.records] == [f"malformed {kind} message dropped"] * 2
