"""An e-mail waiting in the outbox."""

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
