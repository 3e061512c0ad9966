"""The platform console's audit log ``/admin/audit``: every store's log and the platform's own, newest
first, one store's only with ``store`` (``orion.audit.service.list_platform_entries``, as
``GET /api/v1/admin/audit``; one Query per page)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from functions.console.web import SignedIn
from orion.audit import service as audit
from orion.errors import BadRequest, Invalid
from orion.tenant import is_valid_code

router = APIRouter()

PAGE_SIZE = 50


@router.get("/admin/audit")
def audit_log(console: SignedIn, *, store: str = "", cursor: str = "") -> HTMLResponse:
    console.admin()
    store = store.strip().lower()
    errors: dict[str, str] = {}
    message: str | None = None
    entries: list[audit.AuditEntry] = []
    next_cursor: str | None = None
    if store and not is_valid_code(store):
        errors["store"] = console._("Use 2 to 40 lowercase letters, digits and hyphens.")
        message = console._("Please correct the fields marked below.")
    else:
        try:
            entries, next_cursor = audit.list_platform_entries(
                console.access.tenant, limit=PAGE_SIZE, cursor=cursor or None, store=store or None
            )
        except (Invalid, BadRequest):
            message = console._("This page link is out of date; start again from the first page.")
    kept = {"store": store} if store else {}
    return console.render(
        "platform/audit.html",
        422 if errors else (400 if message else 200),
        entries=entries,
        errors=errors,
        message=message,
        values={"store": store},
        cursor=cursor,
        first_query=urlencode(kept),
        next_query=urlencode({**kept, "cursor": next_cursor}) if next_cursor else "",
    )
