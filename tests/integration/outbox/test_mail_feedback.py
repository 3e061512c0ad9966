"""Bounces and complaints on moto: SES's notification (events/mail, as SNS delivers it) suppresses the
address on the platform that sent to it; the next e-mail to it there is not sent but marked
suppressed, while another platform still sends to the same address."""

from __future__ import annotations

import json
from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from functions.mail_feedback.handler import handler as feedback_handler
from functions.outbox_sender.handler import handler as stream_handler
from orion.outbox.models import OutboxMessage
from orion.outbox.repository import OutboxRepository
from orion.outbox.service import enqueue_email
from orion.outbox.suppression import get_suppression
from orion.settings import get_settings
from orion.tenant import Tenant
from tests.events import EVENTS, FakeContext
from tests.integration.outbox.test_outbox_sender import stream_event

WIZAMART = Tenant("oms", "wizamart")
LOYALTY_SHOP = Tenant("loyalty", "bakery")
ADDRESS = "someone@example.com"


def mail_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / "mail" / f"{name}.json").read_text())
    return event


def sent_count() -> int:
    return int(ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_message_count)


def send_through_the_stream(tenant: Tenant) -> OutboxMessage:
    """Enqueue an e-mail to ADDRESS and hand its new item to the outbox sender, as the stream does."""
    message = enqueue_email(tenant, to=ADDRESS, subject="Hello", text="Body", kind="test")
    image = boto3.client("dynamodb", region_name="eu-west-1").get_item(
        TableName=get_settings().table_name,
        Key={"PK": {"S": f"P#{tenant.platform}#OUTBOX"}, "SK": {"S": message.id}},
    )["Item"]
    assert stream_handler(stream_event(image), FakeContext())["batchItemFailures"] == []
    stored = OutboxRepository().get(tenant.platform, message.id)
    assert stored is not None
    return stored


def test_a_bounce_suppresses_the_address_on_its_platform_only(aws: None) -> None:
    boto3.client("sesv2", region_name="eu-west-1").create_email_identity(EmailIdentity="orion.localhost")
    assert send_through_the_stream(WIZAMART).status == "sent"

    # when SES reports a hard bounce of that e-mail (tagged with platform oms)
    assert feedback_handler(mail_event("bounce-permanent"), FakeContext()) == {"suppressed": 1}

    # then the next e-mail to the address on oms is not sent, and leaves the retry line
    before = sent_count()
    suppressed = send_through_the_stream(WIZAMART)
    assert suppressed.status == "suppressed"
    assert sent_count() == before
    assert OutboxRepository().list_undelivered("oms", 10) == []
    found = get_suppression(WIZAMART, ADDRESS)
    assert found is not None and found.detail == "Permanent/General"
    # and another platform still sends to the same address
    assert send_through_the_stream(LOYALTY_SHOP).status == "sent"
    assert sent_count() == before + 1


def test_a_transient_bounce_keeps_the_address(aws: None) -> None:
    boto3.client("sesv2", region_name="eu-west-1").create_email_identity(EmailIdentity="orion.localhost")

    assert feedback_handler(mail_event("bounce-transient"), FakeContext()) == {"suppressed": 0}

    assert send_through_the_stream(WIZAMART).status == "sent"


def test_a_complaint_suppresses_the_address(aws: None) -> None:
    assert feedback_handler(mail_event("complaint"), FakeContext()) == {"suppressed": 1}

    assert send_through_the_stream(WIZAMART).status == "suppressed"
