"""``/api/v1/auth``: sign in, rotate the refresh token, sign out, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, EmailStr, Field

from functions.staff_api.common.access import Authenticated, Tenancy
from orion.identity import service as identity
from orion.identity.models import MAX_PASSWORD_LENGTH, TokenPair
from orion.modules.manifest import Role

router = APIRouter(prefix="/auth", tags=["auth"])
NO_STORE = {"Cache-Control": "no-store"}


class LoginRequest(BaseModel):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class RefreshRequest(BaseModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=200)]


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int = Field(description="seconds until the access token expires")

    @classmethod
    def of(cls, pair: TokenPair) -> TokenResponse:
        return cls(
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            token_type=pair.token_type,
            expires_in=pair.expires_in,
        )


class UserOut(BaseModel):
    id: str
    email: str
    name: str


class MembershipOut(BaseModel):
    store: str
    role: Role
    permissions: list[str]


class MeResponse(BaseModel):
    platform: str
    user: UserOut
    memberships: list[MembershipOut]


def _source(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login", summary="Sign in with e-mail and password")
def login(body: LoginRequest, request: Request, resolved: Tenancy, response: Response) -> TokenResponse:
    """An access token (JWT, at most 15 minutes) and a rotating refresh token for this platform."""
    response.headers.update(NO_STORE)
    pair = identity.login(resolved.tenant, body.email, body.password, _source(request))
    return TokenResponse.of(pair)


@router.post("/refresh", summary="Exchange a refresh token for a new token pair")
def refresh(body: RefreshRequest, resolved: Tenancy, response: Response) -> TokenResponse:
    """The presented refresh token is spent; presenting a spent one again revokes its whole family."""
    response.headers.update(NO_STORE)
    return TokenResponse.of(identity.refresh(resolved.tenant, body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out (revoke the refresh token)")
def logout(body: RefreshRequest, resolved: Tenancy) -> Response:
    identity.logout(resolved.tenant, body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", summary="The signed-in user and their roles and permissions per store")
def me(resolved: Tenancy, principal: Authenticated, response: Response) -> MeResponse:
    response.headers.update(NO_STORE)
    found = identity.profile(resolved.tenant, principal, enabled_modules=resolved.platform.enabled_modules)
    return MeResponse(
        platform=resolved.tenant.platform,
        user=UserOut(id=found.user.id, email=found.user.email, name=found.user.name),
        memberships=[
            MembershipOut(store=m.store, role=m.role, permissions=sorted(m.permissions))
            for m in found.memberships
        ],
    )
