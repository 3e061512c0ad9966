"""The platform console's users ``/admin/users``: the platform's staff users by e-mail (one Query per
page), a user's memberships, lock/unlock and password reset with the admin API's rules and audit
actions (``orion.identity.service``)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from functions.console.auditing import record_admin
from functions.console.web import Posted, SignedIn
from orion.errors import BadRequest, Invalid
from orion.identity import service as identity
from orion.identity.models import User

router = APIRouter()

PAGE_SIZE = 50
MAX_EMAIL = 254


@router.get("/admin/users")
def users(console: SignedIn, *, email: str = "", cursor: str = "") -> HTMLResponse:
    console.admin()
    email = email.strip()
    errors: dict[str, str] = {}
    message: str | None = None
    found: list[User] = []
    next_cursor: str | None = None
    if len(email) > MAX_EMAIL or "#" in email:
        errors["email"] = console._("This value is not valid.")
        message = console._("Please correct the fields marked below.")
    else:
        try:
            found, next_cursor = identity.list_users(
                console.access.tenant, email=email, limit=PAGE_SIZE, cursor=cursor or None
            )
        except (Invalid, BadRequest):
            message = console._("This page link is out of date; start again from the first page.")
    kept = {"email": email} if email else {}
    return console.render(
        "platform/users.html",
        422 if errors else (400 if message else 200),
        users=found,
        errors=errors,
        message=message,
        values={"email": email},
        cursor=cursor,
        first_query=urlencode(kept),
        next_query=urlencode({**kept, "cursor": next_cursor}) if next_cursor else "",
    )


@router.get("/admin/users/{user_id}")
def user(console: SignedIn, user_id: str) -> HTMLResponse:
    console.admin()
    found, memberships = identity.get_user(console.access.tenant, user_id)
    return console.render("platform/user.html", person=found, memberships=memberships)


@router.post("/admin/users/{user_id}/lock")
def lock(console: Posted, user_id: str) -> RedirectResponse:
    console.admin()
    if user_id == console.access.user_id:
        raise Invalid("You cannot lock yourself out.")
    person = identity.set_user_locked(console.access.tenant, user_id, locked=True)
    record_admin(console, "user.lock", user_id)
    return console.redirect(
        f"/admin/users/{user_id}",
        console._("{name} is locked out: every session ends now.", name=person.name),
    )


@router.post("/admin/users/{user_id}/unlock")
def unlock(console: Posted, user_id: str) -> RedirectResponse:
    console.admin()
    person = identity.set_user_locked(console.access.tenant, user_id, locked=False)
    record_admin(console, "user.unlock", user_id)
    return console.redirect(
        f"/admin/users/{user_id}", console._("{name} can sign in again.", name=person.name)
    )


@router.post("/admin/users/{user_id}/reset-password")
def reset_password(console: Posted, user_id: str) -> RedirectResponse:
    console.admin()
    person = identity.reset_password(console.access.tenant, user_id)
    record_admin(console, "user.reset_password", user_id)
    return console.redirect(
        f"/admin/users/{user_id}",
        console._("A new password was sent to {email}; the old one no longer works.", email=person.email),
    )
