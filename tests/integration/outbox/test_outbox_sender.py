"""The outbox sender: a stream record of a new outbox item becomes one SES e-mail, marked sent."""

from __future__ import annotations

from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from functions.outbox_sender.handler import handler
from orion.outbox.service import enqueue_email, list_messages
from orion.settings import get_settings
from orion.tenant import Tenant
from tests.events import FakeContext

WIZAMART = Tenant("oms", "wizamart")


def stream_event(image: dict[str, Any], event_name: str = "INSERT") -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventID": "1",
                "eventName": event_name,
                "eventSource": "aws:dynamodb",
                "dynamodb": {"NewImage": image, "SequenceNumber": "1", "StreamViewType": "NEW_IMAGE"},
            }
        ]
    }


def test_a_new_outbox_item_is_sent_once_and_marked_sent(aws: None) -> None:
    boto3.client("sesv2", region_name="eu-west-1").create_email_identity(EmailIdentity="orion.localhost")
    message = enqueue_email(WIZAMART, to="someone@example.com", subject="Hello", text="Body", kind="test")
    image = boto3.client("dynamodb", region_name="eu-west-1").get_item(
        TableName=get_settings().table_name, Key={"PK": {"S": "P#oms#OUTBOX"}, "SK": {"S": message.id}}
    )["Item"]
    result = handler(stream_event(image), FakeContext())
    assert result["batchItemFailures"] == []
    [sent] = list_messages(WIZAMART)
    assert sent.sent_at is not None
    assert ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_message_count == 1


def test_other_items_and_updates_are_ignored(aws: None) -> None:
    result = handler(stream_event({"kind": {"S": "Product"}, "PK": {"S": "P#oms#S#x"}}), FakeContext())
    assert result["batchItemFailures"] == []
