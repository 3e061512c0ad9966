"""An e-mail waiting in the outbox, what became of its delivery attempts, and the mail service's
feedback (bounces, complaints) that stops sending to an address."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class OutboxMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    platform: str
    store: str | None
    kind: str
    to: str
    subject: str
    text: str
    data: dict[str, Any] = {}
    created_at: datetime
    sent_at: datetime | None = None
    # Delivery attempts that failed so far, the last error, and when the next attempt is due; after
    # the last allowed attempt ``failed_at`` is set and nobody tries again.
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    failed_at: datetime | None = None
    # Not sent because its address is suppressed on the platform (an earlier hard bounce or complaint).
    suppressed_at: datetime | None = None

    @property
    def status(self) -> str:
        """``sent``, ``suppressed`` (never sent: the address is suppressed), ``failed`` (given up) or
        ``pending``."""
        if self.sent_at is not None:
            return "sent"
        if self.suppressed_at is not None:
            return "suppressed"
        return "failed" if self.failed_at is not None else "pending"


class Delivery(StrEnum):
    """What one delivery attempt of an outbox message came to."""

    SENT = "sent"  # sent now, or before
    FAILED = "failed"  # recorded for the retry task, or given up
    SUPPRESSED = "suppressed"  # not sent: the address is suppressed on the platform


class FeedbackKind(StrEnum):
    BOUNCE = "bounce"
    COMPLAINT = "complaint"


class MailFeedback(BaseModel):
    """The mail service reporting on one sent e-mail: a bounce (``permanent`` for a hard bounce, the
    address will never take mail) or a complaint (the recipient marked it as spam)."""

    model_config = ConfigDict(frozen=True)

    kind: FeedbackKind
    addresses: tuple[str, ...]
    permanent: bool = False
    detail: str = ""
    message_id: str | None = None  # the outbox message it was about, when the mail service says
    at: datetime


class Suppression(BaseModel):
    """An address a platform no longer sends to, and why."""

    model_config = ConfigDict(frozen=True)

    platform: str
    address: str
    reason: FeedbackKind
    detail: str = ""
    message_id: str | None = None
    suppressed_at: datetime
