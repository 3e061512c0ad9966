"""``/api/v1/audit``: the store's audit log for Owners and Managers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from functions.staff_api.common.access import require
from orion.audit import service as audit
from orion.audit.service import AuditEntry
from orion.identity.models import StaffAccess

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    next_cursor: str | None = None


@router.get("", summary="The store's audit log, newest first")
def list_audit(
    access: Annotated[StaffAccess, Depends(require("audit.view"))],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AuditPage:
    entries, next_cursor = audit.list_entries(access.tenant, limit=limit, cursor=cursor)
    return AuditPage(entries=entries, next_cursor=next_cursor)
