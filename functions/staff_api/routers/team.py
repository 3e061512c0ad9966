"""``/api/v1/team``: members, invitations (invite, accept, revoke), role changes and removal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel, EmailStr, Field

from functions.staff_api.common.access import Tenancy, public_url, record_audit, record_audit_as, require
from orion.identity import service as identity
from orion.identity.models import Invitation, Member, NewUser, StaffAccess
from orion.modules.manifest import Role

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


@router.post(
    "/invitations/accept",
    name="accept_invitation",
    status_code=status.HTTP_201_CREATED,
    summary="Accept an invitation (no sign-in needed: the token is the proof)",
)
def accept_invitation(body: AcceptRequest, request: Request, resolved: Tenancy) -> AcceptResponse:
    """Joins the store. Without an account on this platform yet, ``name`` and ``password`` create one."""
    new_user = NewUser(name=body.name, password=body.password) if body.name and body.password else None
    membership = identity.accept_invitation(resolved.tenant, body.token, new_user)
    record_audit_as(
        request,
        resolved.tenant,
        membership.user_id,
        action="team.accept_invitation",
        target=f"member:{membership.user_id}",
        details={"role": membership.role.value},
    )
    return AcceptResponse(store=membership.store, role=membership.role, user_id=membership.user_id)


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
