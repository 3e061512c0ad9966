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


class UserSummary(BaseModel):
    """A user in the list (their memberships: ``GET /admin/users/{id}``)."""

    id: str
    email: str
    name: str
    active: bool
    platform_admin: bool
    created_at: datetime | None = None

    @classmethod
    def of(cls, user: User) -> UserSummary:
        return cls(**user.model_dump(include=set(cls.model_fields)))


class UserPage(BaseModel):
    users: list[UserSummary]
    next_cursor: str | None = None


@router.get(
    "/users",
    summary="The platform's staff users sorted by e-mail (a page), or the one user with `email`",
    description=(
        "With `email` (a whole address): that user and their memberships, 404 if none. Without it: a page "
        "of users sorted by e-mail, those whose address starts with `email_starts_with` only; follow "
        "`next_cursor` with `cursor`."
    ),
)
def find_users(
    admin: Admin,
    email: Annotated[EmailStr | None, Query()] = None,
    email_starts_with: Annotated[str, Query(max_length=254)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> UserOut | UserPage:
    if email is not None:
        user = identity.find_user(admin.tenant, email)
        return UserOut.of(*identity.get_user(admin.tenant, user.id))
    users, next_cursor = identity.list_users(
        admin.tenant, email=email_starts_with, limit=limit, cursor=cursor
    )
    return UserPage(users=[UserSummary.of(u) for u in users], next_cursor=next_cursor)


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
