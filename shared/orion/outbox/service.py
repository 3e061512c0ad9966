"""Write e-mails to the outbox and deliver them (SES on AWS; printed and listed locally) from the
platform's sender, retrying failed deliveries with backoff until they are sent or given up, and never
sending to an address the platform suppressed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from orion import runtime
from orion.errors import NotFound
from orion.ids import new_id
from orion.observability import logger, tenant_metric
from orion.outbox.models import Delivery, OutboxMessage
from orion.outbox.repository import OutboxRepository
from orion.outbox.suppression import is_suppressed
from orion.settings import MissingSetting, get_settings
from orion.tenancy.platforms import get_platform
from orion.tenant import Tenant

# SES message tags: they come back in the mail service's bounce and complaint notifications, so the
# feedback handler knows which platform's suppression list (and which message) a bounce is about.
PLATFORM_TAG = "platform"
MESSAGE_TAG = "message"


def enqueue_email(
    tenant: Tenant, *, to: str, subject: str, text: str, kind: str, data: dict[str, Any] | None = None
) -> OutboxMessage:
    """Put an e-mail in ``tenant``'s outbox; the sender delivers it after the request has finished.

    It is due for a retry ``outbox_retry_after_seconds`` later, so a message the sender never got to
    (or could not send) is picked up by the retry task."""
    now = datetime.now(UTC)
    message = OutboxMessage(
        id=new_id(),
        platform=tenant.platform,
        store=tenant.store,
        kind=kind,
        to=to,
        subject=subject,
        text=text,
        data=data or {},
        created_at=now,
    )
    due = now + timedelta(seconds=get_settings().outbox_retry_after_seconds)
    runtime.repository(OutboxRepository).add(message, due)
    return message.model_copy(update={"next_attempt_at": due})


def list_messages(tenant: Tenant, limit: int = 100) -> list[OutboxMessage]:
    """The newest messages of ``tenant``'s platform (dev outbox, tests)."""
    return runtime.repository(OutboxRepository).newest(tenant.platform, limit)


def list_undelivered(tenant: Tenant, *, failed: bool, limit: int = 100) -> list[OutboxMessage]:
    """The platform's messages given up after their last attempt (``failed``), or still waiting."""
    repository = runtime.repository(OutboxRepository)
    if failed:
        return repository.list_failed(tenant.platform, limit)
    return repository.list_undelivered(tenant.platform, limit)


def requeue(tenant: Tenant, message_id: str) -> OutboxMessage:
    """Give a failed message a fresh set of attempts, the first at once (operators, after fixing the
    cause); NotFound unless the message exists and was given up."""
    repository = runtime.repository(OutboxRepository)
    if not repository.requeue(tenant.platform, message_id, datetime.now(UTC)):
        raise NotFound("No given-up e-mail with this id on this platform.")
    found = repository.get(tenant.platform, message_id)
    if found is None:
        raise NotFound("No given-up e-mail with this id on this platform.")
    return found


class MailSender(Protocol):
    def send(self, message: OutboxMessage, sender: str) -> None: ...


class SesMailSender:
    """Sends plain-text e-mail through Amazon SES (v2), with the configuration set that reports bounces
    and complaints, tagged with the platform and message they are about."""

    def send(self, message: OutboxMessage, sender: str) -> None:
        from orion.data.clients import aws_client

        configuration_set = get_settings().mail_configuration_set
        aws_client("sesv2").send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [message.to]},
            Content={
                "Simple": {
                    "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
                }
            },
            EmailTags=[
                {"Name": PLATFORM_TAG, "Value": message.platform},
                {"Name": MESSAGE_TAG, "Value": message.id},
            ],
            **({"ConfigurationSetName": configuration_set} if configuration_set else {}),
        )


def mail_sender(tenant: Tenant) -> str:
    """The address ``tenant``'s platform sends from: the sender of the first of its domains that has one
    (``mail_senders``), else the deployment's ``mail_from``; MissingSetting when neither names one."""
    settings = get_settings()
    if settings.mail_senders:
        for domain in get_platform(Tenant(tenant.platform)).domains:
            if domain in settings.mail_senders:
                return settings.mail_senders[domain]
    if settings.mail_from:
        return settings.mail_from
    raise MissingSetting(
        f"no mail sender for platform {tenant.platform!r}: ORION_MAIL_SENDERS names none of its domains "
        "and ORION_MAIL_FROM is not set"
    )


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failure a message is tried again: the base delay, doubled
    after each failure (5, 10, 20, 40 minutes by default)."""
    return timedelta(seconds=get_settings().outbox_retry_after_seconds * 2 ** max(attempts - 1, 0))


def deliver(
    tenant: Tenant, message: OutboxMessage, sender: MailSender | None = None, *, now: datetime | None = None
) -> Delivery:
    """Send one outbox message and mark it sent (SENT, also when it was already).

    A message to an address the platform suppressed (a hard bounce or complaint before) is not sent:
    it is marked suppressed and leaves the retry line (SUPPRESSED). A failed send is recorded on the
    message (attempts, error, when to try again, or given up after ``outbox_max_attempts``) and
    answered with FAILED: the retry task owns retries, so the caller must not retry it itself (the
    stream sender would otherwise hold up its shard)."""
    if message.sent_at is not None:
        return Delivery.SENT
    if message.suppressed_at is not None:
        return Delivery.SUPPRESSED
    if message.failed_at is not None:
        return Delivery.FAILED
    at = now or datetime.now(UTC)
    repository = runtime.repository(OutboxRepository)
    try:
        if is_suppressed(tenant, message.to):
            repository.mark_suppressed(tenant.platform, message.id, at)
            logger.info("e-mail not sent: its address is suppressed", extra={"message_id": message.id})
            return Delivery.SUPPRESSED
        (sender or SesMailSender()).send(message, mail_sender(tenant))
    except Exception as exc:  # whatever the mail service raised, the message waits for its next attempt
        _record_failure(tenant, message, exc, at)
        return Delivery.FAILED
    repository.mark_sent(tenant.platform, message.id)
    return Delivery.SENT


def _record_failure(tenant: Tenant, message: OutboxMessage, exc: Exception, now: datetime) -> None:
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"
    give_up = attempts >= get_settings().outbox_max_attempts
    retry_at = None if give_up else now + retry_delay(attempts)
    runtime.repository(OutboxRepository).record_failure(
        tenant.platform, message.id, attempts=attempts, error=error, retry_at=retry_at, now=now
    )
    extra = {"message_id": message.id, "kind": message.kind, "attempts": attempts, "error": error}
    if give_up:
        logger.error("e-mail given up after its last attempt", extra=extra)
        tenant_metric("EmailsGivenUp", tenant)
    else:
        logger.warning("e-mail delivery failed; will retry", extra={**extra, "retry_at": str(retry_at)})
