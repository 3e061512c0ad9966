"""Write e-mails to the outbox and deliver them (SES on AWS; printed and listed locally)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from orion.ids import new_id
from orion.outbox.models import OutboxMessage
from orion.outbox.repository import OutboxRepository
from orion.settings import get_settings
from orion.tenancy.models import Tenant


def enqueue_email(
    tenant: Tenant, *, to: str, subject: str, text: str, kind: str, data: dict[str, Any] | None = None
) -> OutboxMessage:
    """Put an e-mail in ``tenant``'s outbox; the sender delivers it after the request has finished."""
    message = OutboxMessage(
        id=new_id(),
        platform=tenant.platform,
        store=tenant.store,
        kind=kind,
        to=to,
        subject=subject,
        text=text,
        data=data or {},
        created_at=datetime.now(UTC),
    )
    OutboxRepository().add(message)
    return message


def list_messages(tenant: Tenant, limit: int = 100) -> list[OutboxMessage]:
    """The newest messages of ``tenant``'s platform (dev outbox, tests)."""
    return OutboxRepository().list(tenant.platform, limit)


class MailSender(Protocol):
    def send(self, message: OutboxMessage, sender: str) -> None: ...


class SesMailSender:
    """Sends plain-text e-mail through Amazon SES (v2)."""

    def send(self, message: OutboxMessage, sender: str) -> None:
        from orion.data.clients import aws_client

        aws_client("sesv2").send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [message.to]},
            Content={
                "Simple": {
                    "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
                }
            },
        )


def deliver(tenant: Tenant, message: OutboxMessage, sender: MailSender | None = None) -> None:
    """Send one outbox message and mark it sent (a retried delivery of a sent message is skipped)."""
    if message.sent_at is not None:
        return
    (sender or SesMailSender()).send(message, get_settings().mail_from)
    OutboxRepository().mark_sent(tenant.platform, message.id)
