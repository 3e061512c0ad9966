"""Team ``/admin/team``: members and their roles, invitations (invite, resend, revoke), role changes and
removal; and the page an invitation e-mail opens, which lands the new member on the console's sign-in.

The same ``orion.identity`` services, permissions, grant rules, seat limits and audit records as the
staff API's ``/api/v1/team``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from functions.common import edge
from functions.console import auditing
from functions.console.web import (
    LOGIN_CSRF_COOKIE,
    Anonymous,
    Console,
    Posted,
    SignedIn,
    field_errors,
    login_csrf,
    login_csrf_matches,
    read_form,
    same_origin,
    set_console_cookie,
)
from orion.errors import Invalid, OrionError
from orion.identity import service as identity
from orion.identity.models import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, NewUser, StaffAccess
from orion.modules.manifest import Role

router = APIRouter()

ACCEPT_PAGE = "/admin/invitations/accept"
ACCEPT_API = "/api/v1/team/invitations/accept"


def audit(console: Console, action: str, target: str, details: dict[str, Any] | None = None) -> None:
    """The audit record the staff API writes for the same change, by the signed-in member."""
    auditing.record(console, action, target, details)


def absolute_url(console: Console, path: str) -> str:
    """``path`` (``/admin/...``, ``/api/...``) as a link on the host the member uses (for e-mails)."""
    headers = console.request.headers
    return f"{edge.viewer_scheme(headers)}://{edge.viewer_host(headers) or ''}{console.url(path)}"


def _links(console: Console) -> dict[str, str]:
    """The invitation's links: the console's acceptance page for people, the API's for programs."""
    return {"accept_url": absolute_url(console, ACCEPT_API), "page_url": absolute_url(console, ACCEPT_PAGE)}


def _team_page(console: Console, status: int = 200, **context: Any) -> HTMLResponse:
    access = console.need("team.view")
    tier = console.resolved.store.tier if console.resolved.store is not None else None
    found = identity.team(access, tier)
    return console.render(
        "team.html",
        status,
        team=found,
        roles=identity.grantable_roles(access),
        me=access.user_id,
        **context,
    )


@router.get("/admin/team")
def team_page(console: SignedIn) -> HTMLResponse:
    return _team_page(console)


def _again(console: Console, error: OrionError, errors: dict[str, str] | None = None) -> HTMLResponse:
    """The team page again with the invite form as posted and the reason (422 invalid, 409 conflict)."""
    return _team_page(
        console,
        error.status,
        values=console.form.as_dict(),
        errors={k: console._(v) for k, v in (errors or field_errors(error)).items()},
        message=console.error_message(error),
    )


@router.post("/admin/team/invitations")
def invite(console: Posted) -> Response:
    access = console.need("team.invite")
    email, role_value = console.form.get("email").strip(), console.form.get("role")
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "Enter the e-mail address to invite."
    if role_value not in {role.value for role in Role}:
        errors["role"] = "Choose a role."
    if errors:
        return _again(console, Invalid("Please correct the fields marked below."), errors)
    try:
        invitation = identity.invite(access, email, Role(role_value), **_links(console))
    except Invalid as error:
        return _again(console, error, field_errors(error) or {"email": str(error)})
    except OrionError as error:  # already a member, or every seat taken (the limit's message)
        if error.status != 409:
            raise
        return _again(console, error)
    audit(console, "team.invite", f"invitation:{invitation.id}", {"role": invitation.role.value})
    return console.redirect("/admin/team", "The invitation is sent.")


@router.post("/admin/team/invitations/{invitation_id}/resend")
def resend(invitation_id: str, console: Posted) -> Response:
    access = console.need("team.invite")
    try:
        invitation = identity.resend_invitation(access, invitation_id, **_links(console))
    except OrionError as error:
        if error.status != 409:
            raise
        return _again(console, error)
    audit(console, "team.invite", f"invitation:{invitation.id}", {"role": invitation.role.value})
    return console.redirect("/admin/team", "The invitation is sent again; the earlier link no longer works.")


@router.post("/admin/team/invitations/{invitation_id}/revoke")
def revoke(invitation_id: str, console: Posted) -> Response:
    access = console.need("team.invite")
    identity.revoke_invitation(access, invitation_id)
    audit(console, "team.revoke_invitation", f"invitation:{invitation_id}")
    return console.redirect("/admin/team", "The invitation is revoked.")


@router.post("/admin/team/members/{user_id}/role")
def change_role(user_id: str, console: Posted) -> Response:
    access: StaffAccess = console.need("team.manage")
    value = console.form.get("role")
    if value not in {role.value for role in Role}:
        return _again(console, Invalid("Please correct the fields marked below."), {"role": "Choose a role."})
    try:
        member = identity.change_role(access, user_id, Role(value))
    except OrionError as error:
        if error.status != 409:  # 403 (a role above one's own), 404 (no such member)
            raise
        return _again(console, error)
    audit(console, "team.change_role", f"member:{user_id}", {"role": member.role.value})
    return console.redirect("/admin/team", "The role is changed.")


@router.post("/admin/team/members/{user_id}/remove")
def remove(user_id: str, console: Posted) -> Response:
    access = console.need("team.remove")
    try:
        identity.remove_member(access, user_id)
    except OrionError as error:
        if error.status != 409:
            raise
        return _again(console, error)
    audit(console, "team.remove", f"member:{user_id}")
    return console.redirect("/admin/team", "The member is removed from the team.")


# --- accepting an invitation (no session: the token is the proof) -------------------------------------


def _accept_form(
    console: Console,
    token: str,
    status: int = 200,
    *,
    name: str = "",
    message: str | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    try:
        found = identity.open_invitation(console.resolved.tenant, token)
    except OrionError as gone:  # a wrong, used or expired link: nothing to fill in
        return console.render(
            "error.html",
            gone.status,
            title=console._("Invitation"),
            message=console.error_message(gone),
        )
    csrf = login_csrf(console.request)
    response = console.render(
        "invitation.html",
        status,
        invitation=found.invitation,
        has_account=found.has_account,
        token=token,
        values={"name": name},
        message=message,
        errors=errors or {},
        login_token=csrf,
    )
    set_console_cookie(console, response, LOGIN_CSRF_COOKIE, csrf, max_age=3600)
    return response


@router.get(ACCEPT_PAGE)
def invitation_page(console: Anonymous, token: str = "") -> HTMLResponse:
    """The page an invitation e-mail opens: who invites whom, and (for a new account) name and
    password. Opening it spends nothing."""
    return _accept_form(console, token[:200])


@router.post(ACCEPT_PAGE)
async def accept(console: Anonymous) -> Response:
    form = await read_form(console.request)
    console.form = form
    token, name, password = form.get("token")[:200], form.get("name").strip(), form.get("password")
    if not same_origin(console.request) or not login_csrf_matches(console.request, form.get("csrf_token")):
        message = console._("This form is out of date. Please try again.")
        return _accept_form(console, token, 403, name=name, message=message)
    try:
        found = identity.open_invitation(console.resolved.tenant, token)
    except OrionError:
        return _accept_form(console, token)
    errors: dict[str, str] = {}
    new_user = None
    if not found.has_account:
        if not name:
            errors["name"] = console._("Enter your name.")
        elif len(name) > 120:
            errors["name"] = console._("At most {n} characters.", n=120)
        if len(password) < MIN_PASSWORD_LENGTH:
            errors["password"] = console._("At least {n} characters.", n=MIN_PASSWORD_LENGTH)
        elif len(password) > MAX_PASSWORD_LENGTH:
            errors["password"] = console._("At most {n} characters.", n=MAX_PASSWORD_LENGTH)
        if not errors:
            new_user = NewUser(name=name, password=password)
    if errors:
        message = console._("Please correct the fields marked below.")
        return _accept_form(console, token, 422, name=name, message=message, errors=errors)
    try:
        membership = identity.accept_invitation(console.resolved.tenant, token, new_user)
    except Invalid as error:
        return _accept_form(
            console,
            token,
            422,
            name=name,
            message=console.error_message(error),
            errors={k: console._(v) for k, v in field_errors(error).items()},
        )
    auditing.record_in(
        console,
        console.resolved.tenant,
        membership.user_id,
        action="team.accept_invitation",
        target=f"member:{membership.user_id}",
        details={"role": membership.role.value},
    )
    return console.redirect(
        "/admin/login", "You joined the team. Sign in with your e-mail address and password."
    )
