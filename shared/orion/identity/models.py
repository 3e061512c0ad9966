"""Identity domain models: staff users, store memberships, invitations and the authenticated principal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from orion.modules.manifest import Role
from orion.tenant import Tenant

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# Models only the team and sign-in paths use are built on first use, not when a function that merely
# checks tokens imports this module at cold start.
_BUILT_ON_FIRST_USE = ConfigDict(frozen=True, defer_build=True)


class User(BaseModel):
    """A staff user of one platform (their tokens are valid on that platform only)."""

    model_config = ConfigDict(frozen=True)

    id: str
    platform: str
    email: str
    name: str
    active: bool = True
    # A platform admin runs the whole platform through the admin API (api.<platform domain>).
    platform_admin: bool = False
    created_at: datetime | None = None
    # Raised by a lock or a password reset: tokens carrying an older version are refused.
    token_version: int = 0
    # The staff console's language the user chose; None: their browser's.
    language: str | None = None


class Membership(BaseModel):
    """A user's role in one store, with the permissions that role has on the store's platform."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    platform: str
    store: str
    role: Role
    permissions: frozenset[str] = frozenset()
    created_at: datetime | None = None


class Member(BaseModel):
    """A row of a store's team list."""

    model_config = _BUILT_ON_FIRST_USE

    user_id: str
    email: str
    name: str
    role: Role
    joined_at: datetime | None = None


class Invitation(BaseModel):
    """An invitation as staff see it; the token itself is only ever sent to the invitee."""

    model_config = _BUILT_ON_FIRST_USE

    id: str
    platform: str
    store: str
    email: str
    role: Role
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None


class SignInLink(BaseModel):
    """A platform admin's one-time sign-in link as stored (its secret only ever goes to the admin)."""

    model_config = _BUILT_ON_FIRST_USE

    id: str
    platform: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class NewUser(BaseModel):
    """What an invitee without an account supplies on acceptance."""

    model_config = ConfigDict(defer_build=True)

    name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who an access token says is calling, on which platform."""

    user_id: str
    platform: str
    token_id: str
    token_version: int = 0


@dataclass(frozen=True, slots=True)
class StaffAccess:
    """An authenticated member acting in one store, with their role and effective permissions."""

    tenant: Tenant
    principal: Principal
    role: Role
    permissions: frozenset[str]

    @property
    def user_id(self) -> str:
        return self.principal.user_id


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"
