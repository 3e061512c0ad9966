"""``/api/v1/admin/audit``: the audit log across the platform's stores."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from functions.admin_api.access import Admin
from orion.audit import service as audit
from orion.audit.service import AuditEntry
from orion.tenant import CODE_PATTERN

router = APIRouter(prefix="/admin", tags=["admin"])


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    next_cursor: str | None = None


@router.get("/audit", summary="The audit log across the platform's stores, newest first")
def list_audit(
    admin: Admin,
    store: Annotated[str | None, Query(pattern=CODE_PATTERN.pattern)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> AuditPage:
    entries, next_cursor = audit.list_platform_entries(admin.tenant, limit=limit, cursor=cursor, store=store)
    return AuditPage(entries=entries, next_cursor=next_cursor)
