"""``/api/v1/auth``: sign in, rotate the refresh token, sign out, who am I, and a platform admin's
one-time sign-in link (choose a password, signed in)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, EmailStr, Field, ValidationError

from functions.staff_api.common.access import Authenticated, Tenancy
from functions.staff_api.common.forms import form_or_json_body, form_or_json_schema
from functions.staff_api.common.html import html_page, text
from orion.errors import FieldError, Invalid, OrionError
from orion.identity import service as identity
from orion.identity import sign_in_links
from orion.identity.models import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, TokenPair
from orion.modules.manifest import Role
from orion.tenant import Tenant

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


class SignInLinkRequest(BaseModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]


SIGN_IN_LINK_BODY = form_or_json_schema("SignInLinkRequest")


@router.get(
    "/sign-in-link",
    response_class=HTMLResponse,
    summary="The page a platform admin's one-time sign-in link opens: choose a password",
)
def sign_in_link_page(
    resolved: Tenancy, token: Annotated[str, Query(min_length=1, max_length=200)]
) -> HTMLResponse:
    """For a browser (the e-mail's link). Opening it spends nothing; the form posts back here."""
    try:
        _, user = sign_in_links.open_sign_in_link(resolved.tenant, token)
    except OrionError as error:
        return html_page("Sign-in link", f"<p>{text(error)}</p>", error.status)
    return _password_form(user.email, token)


@router.post(
    "/sign-in-link",
    name="sign_in_link",
    summary="Spend a one-time sign-in link: set the password and get a token pair",
    openapi_extra=SIGN_IN_LINK_BODY,
    response_model=TokenResponse,
)
def redeem_sign_in_link(
    resolved: Tenancy,
    response: Response,
    given: Annotated[tuple[dict[str, Any], bool], Depends(form_or_json_body)],
) -> TokenResponse | HTMLResponse:
    """The link works once: a second use, or one after it expired, is 410. A JSON body gets the token
    pair (signed in); the link page's form gets a page saying the password is set."""
    data, from_form = given
    try:
        body = _sign_in_link_request(data)
        pair = sign_in_links.redeem_sign_in_link(resolved.tenant, body.token, body.password)
    except OrionError as error:
        if not from_form:
            raise
        return _form_again(resolved.tenant, str(data.get("token") or ""), error)
    if from_form:
        return html_page(
            "Password set",
            "<p>Your password is set. Sign in to the admin API with your e-mail address and it"
            " (POST /api/v1/auth/login on this host).</p>",
        )
    response.headers.update(NO_STORE)
    return TokenResponse.of(pair)


def _sign_in_link_request(data: dict[str, Any]) -> SignInLinkRequest:
    try:
        return SignInLinkRequest.model_validate(data)
    except ValidationError as exc:
        errors = [FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        raise Invalid("The request is not valid.", errors=errors) from exc


def _form_again(tenant: Tenant, token: str, error: OrionError) -> HTMLResponse:
    try:
        _, user = sign_in_links.open_sign_in_link(tenant, token)
    except OrionError as gone:  # the link itself is wrong, used or expired: nothing to fill in
        return html_page("Sign-in link", f"<p>{text(gone)}</p>", gone.status)
    return _password_form(user.email, token, error=error)


def _password_form(email: str, token: str, *, error: OrionError | None = None) -> HTMLResponse:
    problems = ""
    if error is not None:
        details = "".join(f"<li>{text(e.field)}: {text(e.message)}</li>" for e in error.errors)
        problems = f'<div class="error" role="alert"><p>{text(error)}</p><ul>{details}</ul></div>'
    body = (
        f"{problems}<p>Choose the password of {text(email)} (at least {MIN_PASSWORD_LENGTH} characters)."
        " This link works once.</p>"
        '<form method="post">'
        f'<input type="hidden" name="token" value="{text(token)}">'
        f'<label for="password">Password</label><input id="password" name="password" type="password"'
        f' required minlength="{MIN_PASSWORD_LENGTH}" maxlength="{MAX_PASSWORD_LENGTH}"'
        ' autocomplete="new-password">'
        '<button type="submit">Set my password</button></form>'
    )
    return html_page("Choose your password", body, error.status if error else 200)
