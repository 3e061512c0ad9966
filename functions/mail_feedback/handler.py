"""Mail feedback Lambda: SES publishes bounce and complaint events of the configuration set to an SNS
topic; each notification names the platform (the message tag the sender set) and the addresses, and
orion suppresses them on that platform. A notification it cannot read is logged and dropped, not
retried: SNS would only deliver the same unreadable message again."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from functions.common.entry import lambda_entry
from orion.observability import logger, metrics
from orion.outbox.models import FeedbackKind, MailFeedback
from orion.outbox.service import MESSAGE_TAG, PLATFORM_TAG
from orion.outbox.suppression import record_feedback
from orion.tenant import Tenant, is_valid_code


class Recipient(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    address: str = Field(alias="emailAddress")


class Bounce(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    bounce_type: str = Field(alias="bounceType")
    bounce_sub_type: str = Field(default="", alias="bounceSubType")
    recipients: list[Recipient] = Field(alias="bouncedRecipients")
    timestamp: datetime


class Complaint(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    feedback_type: str = Field(default="", alias="complaintFeedbackType")
    recipients: list[Recipient] = Field(alias="complainedRecipients")
    timestamp: datetime


class Mail(BaseModel):
    tags: dict[str, list[str]] = {}


class SesNotification(BaseModel):
    """An SES event (configuration-set event publishing says ``eventType``; identity notifications
    say ``notificationType``), reduced to what suppression needs."""

    model_config = ConfigDict(populate_by_name=True)

    event_type: str | None = Field(default=None, alias="eventType")
    notification_type: str | None = Field(default=None, alias="notificationType")
    mail: Mail
    bounce: Bounce | None = None
    complaint: Complaint | None = None

    def tag(self, name: str) -> str | None:
        values = self.mail.tags.get(name) or []
        return values[0] if values else None


def feedback_of(notification: SesNotification) -> MailFeedback | None:
    """The bounce or complaint a notification reports; None for other events (deliveries, opens)."""
    kind = (notification.event_type or notification.notification_type or "").lower()
    message_id = notification.tag(MESSAGE_TAG)
    if kind == FeedbackKind.BOUNCE and notification.bounce is not None:
        bounce = notification.bounce
        return MailFeedback(
            kind=FeedbackKind.BOUNCE,
            addresses=tuple(r.address for r in bounce.recipients),
            permanent=bounce.bounce_type == "Permanent",
            detail=f"{bounce.bounce_type}/{bounce.bounce_sub_type}",
            message_id=message_id,
            at=bounce.timestamp,
        )
    if kind == FeedbackKind.COMPLAINT and notification.complaint is not None:
        complaint = notification.complaint
        return MailFeedback(
            kind=FeedbackKind.COMPLAINT,
            addresses=tuple(r.address for r in complaint.recipients),
            detail=complaint.feedback_type,
            message_id=message_id,
            at=complaint.timestamp,
        )
    return None


def handle_notification(body: str) -> int:
    """Suppress what one SNS message's notification calls for; how many addresses were suppressed."""
    try:
        notification = SesNotification.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:  # a ValidationError is a ValueError too
        logger.error("unreadable mail notification", extra={"problem": str(exc)[:500]})
        return 0
    feedback = feedback_of(notification)
    if feedback is None:
        return 0
    platform = notification.tag(PLATFORM_TAG)
    if platform is None or not is_valid_code(platform):
        # Sent without the platform tag (not by the outbox): no platform's list to put the address on.
        logger.error("mail feedback without a platform tag", extra={"message_id": feedback.message_id})
        return 0
    return len(record_feedback(Tenant(platform), feedback))


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    suppressed = 0
    for record in event.get("Records") or []:
        body = (record.get("Sns") or {}).get("Message")
        if isinstance(body, str):
            suppressed += handle_notification(body)
    metrics.add_metric(name="MailFeedbackSuppressions", unit=MetricUnit.Count, value=suppressed)
    return {"suppressed": suppressed}
