"""An e-mail waiting in the outbox, and what became of its delivery attempts."""

from __future__ import annotations

from datetime import datetime
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

    @property
    def status(self) -> str:
        """``sent``, ``failed`` (given up) or ``pending``."""
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.failed_at is not None else "pending"
