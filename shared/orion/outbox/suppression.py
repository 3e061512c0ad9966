"""Suppressed addresses: the mail service's bounces and complaints stop a platform sending to an address.

Sending again to an address that hard-bounced, or whose owner marked our mail as spam, hurts the
account's sending reputation (SES pauses accounts whose bounce or complaint rate stays high). So a
permanent bounce or a complaint suppresses the address on the platform whose e-mail it was: the outbox
then marks messages to it suppressed instead of sending them. A transient bounce (mailbox full, server
busy) suppresses nothing. The list is per platform: another platform's e-mail to the same address is
not affected.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from orion import runtime
from orion.observability import logger
from orion.outbox.models import FeedbackKind, MailFeedback, Suppression
from orion.outbox.repository import OutboxRepository
from orion.tenant import Tenant


def suppresses(feedback: MailFeedback) -> bool:
    """Whether the feedback means the address must not get mail again: a complaint, or a bounce the
    mail service calls permanent."""
    return feedback.kind is FeedbackKind.COMPLAINT or feedback.permanent


def record_feedback(tenant: Tenant, feedback: MailFeedback) -> list[Suppression]:
    """Suppress, on ``tenant``'s platform, the addresses the feedback is about when it calls for it;
    the suppressions written (none for a transient bounce)."""
    if not suppresses(feedback):
        logger.info(
            "transient bounce: address kept", extra={"platform": tenant.platform, "detail": feedback.detail}
        )
        return []
    repository = runtime.repository(OutboxRepository)
    written: list[Suppression] = []
    for address in dict.fromkeys(a.strip().lower() for a in feedback.addresses if a.strip()):
        suppression = Suppression(
            platform=tenant.platform,
            address=address,
            reason=feedback.kind,
            detail=feedback.detail,
            message_id=feedback.message_id,
            suppressed_at=feedback.at,
        )
        repository.suppress(suppression)
        written.append(suppression)
    if written:
        # The address itself stays out of logs and metrics (personal data); the message id finds it.
        logger.warning(
            "addresses suppressed",
            extra={
                "platform": tenant.platform,
                "reason": feedback.kind.value,
                "count": len(written),
                "message_id": feedback.message_id,
            },
        )
        with single_metric(
            name="EmailAddressesSuppressed", unit=MetricUnit.Count, value=len(written), namespace="Orion"
        ) as metric:
            metric.add_dimension(name="reason", value=feedback.kind.value)
    return written


def is_suppressed(tenant: Tenant, address: str) -> bool:
    """Whether ``tenant``'s platform no longer sends to ``address`` (one GetItem)."""
    return get_suppression(tenant, address) is not None


def get_suppression(tenant: Tenant, address: str) -> Suppression | None:
    return runtime.repository(OutboxRepository).suppression(tenant.platform, address)
