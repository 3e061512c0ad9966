"""The audit log ``/admin/audit``: who changed what in the store, newest first, by member, action and
dates (``orion.audit``, one Query per page; the same ``audit.view`` permission as the staff API)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from functions.console.web import SignedIn
from orion.audit import service as audit
from orion.errors import Invalid
from orion.identity import service as identity

router = APIRouter()

PAGE_SIZE = 50
MAX_ACTION = 80


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@router.get("/admin/audit")
def audit_log(
    console: SignedIn,
    *,
    member: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
    cursor: str = "",
) -> HTMLResponse:
    access = console.need("audit.view")
    errors: dict[str, str] = {}
    first = _day(since) if since else None
    last = _day(until) if until else None
    if since and first is None:
        errors["since"] = console._("Enter a date as YYYY-MM-DD.")
    if until and last is None:
        errors["until"] = console._("Enter a date as YYYY-MM-DD.")
    if first and last and first > last:
        errors["until"] = console._("The end date must not be before the start date.")
    action = action.strip()
    if len(action) > MAX_ACTION:
        errors["action"] = console._("At most {n} characters.", n=MAX_ACTION)
    members = identity.list_members(access)
    names = {m.user_id: m.name for m in members}
    if member and member not in names:
        errors["member"] = console._("Choose a member from the list.")
    entries: list[audit.AuditEntry] = []
    next_cursor: str | None = None
    message: str | None = None
    if not errors:
        try:
            entries, next_cursor = audit.list_entries(
                access.tenant,
                limit=PAGE_SIZE,
                cursor=cursor or None,
                actor=member or None,
                action=action or None,
                since=datetime.combine(first, time.min, UTC) if first else None,
                until=datetime.combine(last, time.max, UTC) if last else None,
            )
        except Invalid:
            message = console._("This page link is out of date; start again from the first page.")
    if errors:
        message = console._("Please correct the fields marked below.")
    values = {"member": member, "action": action, "since": since, "until": until}
    from urllib.parse import urlencode

    choices = [(m.user_id, f"{m.name} ({m.email})") for m in members]
    kept = {name: value for name, value in values.items() if value}
    return console.render(
        "audit.html",
        422 if errors else (400 if message else 200),
        entries=entries,
        names=names,
        member_options=[("", console._("Anyone")), *sorted(choices, key=lambda o: o[1].lower())],
        errors=errors,
        message=message,
        values=values,
        cursor=cursor,
        first_query=urlencode(kept),
        next_query=urlencode({**kept, "cursor": next_cursor}) if next_cursor else "",
    )
