"""``/api/v1/team``: members, invitations (invite, accept, revoke), role changes and removal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, EmailStr, Field, ValidationError

from functions.staff_api.common.access import Tenancy, public_url, record_audit, record_audit_as, require
from functions.staff_api.common.forms import form_or_json_body as accept_input
from functions.staff_api.common.forms import form_or_json_schema
from functions.staff_api.common.html import html_page, text
from orion.errors import FieldError, Invalid, OrionError
from orion.identity import service as identity
from orion.identity.models import Invitation, Member, NewUser, StaffAccess
from orion.modules.manifest import Role
from orion.tenancy.models import ResolvedTenant

router = APIRouter(prefix="/team", tags=["team"])

UserId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="the member's user id")]
InvitationId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$")]


class InviteRequest(BaseModel):
    email: EmailStr
    role: Role


class InvitationOut(BaseModel):
    id: str
    email: str
    role: Role
    invited_by: str
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationOut:
        return cls(**invitation.model_dump(include=set(cls.model_fields)))


class AcceptRequest(BaseModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    name: Annotated[str | None, Field(min_length=1, max_length=120)] = None
    password: Annotated[str | None, Field(min_length=10, max_length=256)] = None


class AcceptResponse(BaseModel):
    store: str
    role: Role
    user_id: str


class RoleChange(BaseModel):
    role: Role


class MemberList(BaseModel):
    members: list[Member]


class InvitationList(BaseModel):
    invitations: list[InvitationOut]


@router.get("", summary="List the store's members")
def list_members(access: Annotated[StaffAccess, Depends(require("team.view"))]) -> MemberList:
    return MemberList(members=identity.list_members(access))


@router.get("/invitations", summary="List pending invitations")
def list_invitations(access: Annotated[StaffAccess, Depends(require("team.view"))]) -> InvitationList:
    return InvitationList(invitations=[InvitationOut.of(i) for i in identity.list_invitations(access)])


@router.post("/invitations", status_code=status.HTTP_201_CREATED, summary="Invite someone by e-mail")
def invite(
    body: InviteRequest, request: Request, access: Annotated[StaffAccess, Depends(require("team.invite"))]
) -> InvitationOut:
    """The invitation link goes to the invitee by e-mail (the outbox); the answer holds nothing secret."""
    accept_url = public_url(request, request.app.url_path_for("accept_invitation"))
    invitation = identity.invite(access, str(body.email), body.role, accept_url)
    record_audit(request, access, "team.invite", f"invitation:{invitation.id}", {"role": body.role.value})
    return InvitationOut.of(invitation)


@router.delete(
    "/invitations/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke an invitation"
)
def revoke_invitation(
    invitation_id: InvitationId,
    request: Request,
    access: Annotated[StaffAccess, Depends(require("team.invite"))],
) -> Response:
    identity.revoke_invitation(access, invitation_id)
    record_audit(request, access, "team.revoke_invitation", f"invitation:{invitation_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


ACCEPT_BODY = form_or_json_schema("AcceptRequest")


@router.get(
    "/invitations/accept",
    response_class=HTMLResponse,
    summary="The page an invitation link opens: who invites whom, and the form to accept",
)
def invitation_page(
    resolved: Tenancy, token: Annotated[str, Query(min_length=1, max_length=200)]
) -> HTMLResponse:
    """For a browser (the e-mail's link): the store and role, and for an e-mail without an account
    yet, name and password fields. The form posts back here; nothing is spent by opening it."""
    try:
        found = identity.open_invitation(resolved.tenant, token)
    except OrionError as error:
        return html_page("Invitation", f"<p>{text(error)}</p>", error.status)
    return _accept_form(found, token)


@router.post(
    "/invitations/accept",
    name="accept_invitation",
    status_code=status.HTTP_201_CREATED,
    summary="Accept an invitation (no sign-in needed: the token is the proof)",
    openapi_extra=ACCEPT_BODY,
    response_model=AcceptResponse,
)
def accept_invitation(
    request: Request, resolved: Tenancy, given: Annotated[tuple[dict[str, Any], bool], Depends(accept_input)]
) -> AcceptResponse | HTMLResponse:
    """Joins the store. Without an account on this platform yet, ``name`` and ``password`` create one.
    A JSON body gets JSON; the invitation page's form (urlencoded) gets a page back."""
    data, from_form = given
    try:
        body = _accept_request(data)
        new_user = NewUser(name=body.name, password=body.password) if body.name and body.password else None
        membership = identity.accept_invitation(resolved.tenant, body.token, new_user)
    except OrionError as error:
        if not from_form:
            raise
        return _form_again(resolved, data, error)
    record_audit_as(
        request,
        resolved.tenant,
        membership.user_id,
        action="team.accept_invitation",
        target=f"member:{membership.user_id}",
        details={"role": membership.role.value},
    )
    if from_form:
        console = f"{resolved.base_path}/admin/login"
        return html_page(
            "Welcome to the team",
            f"<p>You are now {text(membership.role.value)} of {text(membership.store)}."
            f' <a href="{text(console)}">Sign in to the store console</a> with your e-mail address and'
            " password.</p>",
            status.HTTP_201_CREATED,
        )
    return AcceptResponse(store=membership.store, role=membership.role, user_id=membership.user_id)


def _accept_request(data: dict[str, Any]) -> AcceptRequest:
    try:
        return AcceptRequest.model_validate(data)
    except ValidationError as exc:
        errors = [FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        raise Invalid("The request is not valid.", errors=errors) from exc


def _form_again(resolved: ResolvedTenant, data: dict[str, Any], error: OrionError) -> HTMLResponse:
    token = str(data.get("token") or "")
    try:
        found = identity.open_invitation(resolved.tenant, token)
    except OrionError as gone:  # the link itself is wrong, used or expired: nothing to fill in
        return html_page("Invitation", f"<p>{text(gone)}</p>", gone.status)
    return _accept_form(found, token, error=error, name=str(data.get("name") or ""))


def _accept_form(
    found: identity.OpenInvitation, token: str, *, error: OrionError | None = None, name: str = ""
) -> HTMLResponse:
    invitation = found.invitation
    problems = ""
    if error is not None:
        details = "".join(f"<li>{text(e.field)}: {text(e.message)}</li>" for e in error.errors)
        problems = f'<div class="error" role="alert"><p>{text(error)}</p><ul>{details}</ul></div>'
    account = (
        "<p>Accept with the account you already have for this e-mail address.</p>"
        if found.has_account
        else (
            "<p>Choose your name and a password (at least 10 characters) for your new account.</p>"
            f'<label for="name">Your name</label><input id="name" name="name" required maxlength="120"'
            f' autocomplete="name" value="{text(name)}">'
            '<label for="password">Password</label><input id="password" name="password" type="password"'
            ' required minlength="10" maxlength="256" autocomplete="new-password">'
        )
    )
    body = (
        f"{problems}<p>{text(invitation.email)} is invited to join <strong>{text(invitation.store)}</strong>"
        f" as {text(invitation.role.value)}. The invitation expires on"
        f" {invitation.expires_at:%Y-%m-%d %H:%M} UTC.</p>"
        '<form method="post">'
        f'<input type="hidden" name="token" value="{text(token)}">{account}'
        '<button type="submit">Accept the invitation</button></form>'
    )
    return html_page("Join the team", body, error.status if error else 200)


@router.patch("/members/{user_id}", summary="Change a member's role")
def change_role(
    user_id: UserId,
    body: RoleChange,
    request: Request,
    access: Annotated[StaffAccess, Depends(require("team.manage"))],
) -> Member:
    """The last Owner cannot be demoted (409)."""
    member = identity.change_role(access, user_id, body.role)
    record_audit(request, access, "team.change_role", f"member:{user_id}", {"role": body.role.value})
    return member


@router.delete("/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a member")
def remove_member(
    user_id: UserId, request: Request, access: Annotated[StaffAccess, Depends(require("team.remove"))]
) -> Response:
    """The last Owner cannot be removed (409)."""
    identity.remove_member(access, user_id)
    record_audit(request, access, "team.remove", f"member:{user_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
