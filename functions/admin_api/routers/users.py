"""``/api/v1/admin/users``: find the platform's staff users, lock them out, let them back in, reset
their passwords (audit-logged)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, EmailStr

from functions.admin_api.access import Admin, audit_admin
from functions.admin_api.params import Id
from orion.errors import Invalid
from orion.identity import service as identity
from orion.identity.models import Membership, User

router = APIRouter(prefix="/admin", tags=["admin"])


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    active: bool
    platform_admin: bool
    created_at: datetime | None = None
    memberships: list[dict[str, str]] = []  # every answer about a user lists them

    @classmethod
    def of(cls, user: User, memberships: list[Membership] | None = None) -> UserOut:
        return cls(
            **user.model_dump(include={"id", "email", "name", "active", "platform_admin", "created_at"}),
            memberships=[{"store": m.store, "role": m.role.value} for m in memberships or []],
        )


@router.get("/users", summary="Find a staff user of this platform by e-mail")
def find_user(admin: Admin, email: Annotated[EmailStr, Query()]) -> UserOut:
    user = identity.find_user(admin.tenant, email)
    return UserOut.of(*identity.get_user(admin.tenant, user.id))


@router.get("/users/{user_id}", summary="A staff user and their memberships")
def get_user(admin: Admin, user_id: Id) -> UserOut:
    return UserOut.of(*identity.get_user(admin.tenant, user_id))


@router.post(
    "/users/{user_id}/lock",
    summary="Lock a user out at once: their tokens get 401 on the next request, refresh is refused",
)
def lock_user(request: Request, admin: Admin, user_id: Id) -> UserOut:
    if user_id == admin.user.id:
        raise Invalid("You cannot lock yourself out.")
    identity.set_user_locked(admin.tenant, user_id, locked=True)
    audit_admin(request, admin, "user.lock", user_id)
    return UserOut.of(*identity.get_user(admin.tenant, user_id))


@router.post("/users/{user_id}/unlock", summary="Let a locked user sign in again")
def unlock_user(request: Request, admin: Admin, user_id: Id) -> UserOut:
    identity.set_user_locked(admin.tenant, user_id, locked=False)
    audit_admin(request, admin, "user.unlock", user_id)
    return UserOut.of(*identity.get_user(admin.tenant, user_id))


@router.post(
    "/users/{user_id}/reset-password",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send the user a new password by e-mail (the old one and every earlier token stop working)",
)
def reset_password(request: Request, admin: Admin, user_id: Id) -> UserOut:
    identity.reset_password(admin.tenant, user_id)
    audit_admin(request, admin, "user.reset_password", user_id)
    return UserOut.of(*identity.get_user(admin.tenant, user_id))
