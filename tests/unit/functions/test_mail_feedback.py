"""The mail feedback handler reads SES's bounce and complaint notifications (events/mail, as SNS
delivers them) into feedback for the platform the sender tagged, and drops what it cannot read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.mail_feedback.handler import SesNotification, feedback_of, handle_notification
from orion.outbox.models import FeedbackKind
from tests.events import EVENTS


def notification(name: str) -> dict[str, Any]:
    event = json.loads((EVENTS / "mail" / f"{name}.json").read_text())
    body: dict[str, Any] = json.loads(event["Records"][0]["Sns"]["Message"])
    return body


@pytest.mark.parametrize(
    ("name", "kind", "permanent"),
    [
        ("bounce-permanent", FeedbackKind.BOUNCE, True),
        ("bounce-transient", FeedbackKind.BOUNCE, False),
        ("complaint", FeedbackKind.COMPLAINT, False),
    ],
)
def test_a_notification_becomes_feedback_on_its_recipients(
    name: str, kind: FeedbackKind, permanent: bool
) -> None:
    feedback = feedback_of(SesNotification.model_validate(notification(name)))

    assert feedback is not None
    assert (feedback.kind, feedback.permanent) == (kind, permanent)
    assert feedback.addresses == ("someone@example.com",)
    assert feedback.message_id == "01JEXAMPLE0000000000000000"


def test_an_identity_notification_reads_like_an_event() -> None:
    body = notification("complaint")
    body["notificationType"] = body.pop("eventType")

    feedback = feedback_of(SesNotification.model_validate(body))

    assert feedback is not None and feedback.kind is FeedbackKind.COMPLAINT


def test_a_delivery_event_is_no_feedback() -> None:
    body = notification("bounce-permanent")
    body["eventType"] = "Delivery"

    assert feedback_of(SesNotification.model_validate(body)) is None


@pytest.mark.parametrize("body", ["not json", json.dumps({"eventType": "Bounce"})])
def test_an_unreadable_notification_is_dropped(body: str) -> None:
    assert handle_notification(body) == 0


def test_feedback_without_a_platform_tag_suppresses_nothing() -> None:
    body = notification("bounce-permanent")
    del body["mail"]["tags"]["platform"]

    assert handle_notification(json.dumps(body)) == 0
