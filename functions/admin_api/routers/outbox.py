"""``/api/v1/admin/outbox``: the e-mails not delivered yet or given up, and retrying one (audit-logged)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from functions.admin_api.access import Admin, audit_admin
from functions.admin_api.params import Id
from orion.outbox import service as outbox
from orion.outbox.models import OutboxMessage

router = APIRouter(prefix="/admin", tags=["admin"])


class OutboxEntry(BaseModel):
    """An e-mail of the platform's outbox as operators see it (without its body: it may hold links
    with single-use tokens)."""

    id: str
    store: str | None
    kind: str
    to: str
    subject: str
    created_at: datetime
    status: str
    attempts: int
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    failed_at: datetime | None = None

    @classmethod
    def of(cls, message: OutboxMessage) -> OutboxEntry:
        return cls(
            **message.model_dump(
                include={
                    "id",
                    "store",
                    "kind",
                    "to",
                    "subject",
                    "created_at",
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "failed_at",
                }
            ),
            status=message.status,
        )


@router.get("/outbox", summary="E-mails given up after their last attempt (failed) or still waiting")
def list_outbox(
    admin: Admin,
    status_filter: Annotated[str, Query(alias="status", pattern="^(failed|pending)$")] = "failed",
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> list[OutboxEntry]:
    messages = outbox.list_undelivered(admin.tenant, failed=status_filter == "failed", limit=limit)
    return [OutboxEntry.of(m) for m in messages]


@router.post("/outbox/{message_id}/retry", summary="Give a failed e-mail a fresh set of attempts")
def retry_outbox_message(request: Request, admin: Admin, message_id: Id) -> OutboxEntry:
    message = outbox.requeue(admin.tenant, message_id)
    audit_admin(request, admin, "outbox.retry", message_id, store=message.store)
    return OutboxEntry.of(message)
