"""Sign in, sign out, and the member's own account: password, language, sign out everywhere."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from functions.console.web import (
    LOGIN_CSRF_COOKIE,
    NO_STORE,
    SESSION_COOKIE,
    Anonymous,
    Console,
    Posted,
    SignedIn,
    field_errors,
    forget_cookie,
    invalid,
    login_csrf,
    login_csrf_matches,
    read_form,
    same_origin,
    set_console_cookie,
)
from orion.errors import Forbidden, Invalid, TooManyRequests, Unauthorized
from orion.identity import sessions
from orion.identity.service import BAD_CREDENTIALS
from orion.settings import get_settings

router = APIRouter()


def _source(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(console: Console, wanted: str) -> str:
    """Where to go after signing in: a console page of this very host, else the dashboard."""
    home = console.url("/admin/")
    prefix = console.url("/admin")
    if (
        wanted.startswith(prefix)
        and not wanted.startswith("//")
        and "\\" not in wanted
        and "://" not in wanted
    ):
        return wanted
    return home


def _login_form(
    console: Console,
    status: int,
    *,
    email: str = "",
    next_url: str = "",
    message: str | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    token = login_csrf(console.request)
    response = console.render(
        "login.html",
        status,
        email=email,
        next_url=next_url,
        message=message,
        errors=errors or {},
        login_token=token,
    )
    set_console_cookie(console, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.get("/admin/login")
def login_page(console: Anonymous, next: str = "") -> HTMLResponse:
    return _login_form(console, 200, next_url=next)


@router.post("/admin/login")
async def login(console: Anonymous) -> Response:
    form = await read_form(console.request)
    if not same_origin(console.request) or not login_csrf_matches(console.request, form.get("csrf_token")):
        return _login_form(
            console,
            403,
            email=form.get("email"),
            next_url=form.get("next"),
            message=console._("This form is out of date. Please sign in again."),
        )
    email, password, next_url = form.get("email").strip(), form.get("password"), form.get("next")
    errors = {}
    if not email:
        errors["email"] = console._("Enter your e-mail address.")
    if not password:
        errors["password"] = console._("Enter your password.")
    if errors:
        return _login_form(
            console,
            422,
            email=email,
            next_url=next_url,
            errors=errors,
            message=console._("Please correct the fields marked below."),
        )
    try:
        signed = sessions.sign_in(
            console.resolved.tenant,
            email,
            password,
            _source(console.request),
            enabled_modules=console.enabled_modules,
        )
    except Unauthorized:
        return _login_form(console, 401, email=email, next_url=next_url, message=console._(BAD_CREDENTIALS))
    except TooManyRequests:
        return _login_form(
            console,
            429,
            email=email,
            next_url=next_url,
            message=console._("Too many failed sign-in attempts; try again later."),
        )
    except Forbidden as refused:  # not of this store's team, or (platform console) not an admin
        return _login_form(
            console, 403, email=email, next_url=next_url, message=console.error_message(refused)
        )
    redirect = RedirectResponse(_safe_next(console, next_url), status_code=303, headers=NO_STORE)
    _set_session_cookie(console, redirect, signed.cookie)
    forget_cookie(console, redirect, LOGIN_CSRF_COOKIE)
    return redirect


def _set_session_cookie(console: Console, response: Response, value: str) -> None:
    set_console_cookie(
        console, response, SESSION_COOKIE, value, max_age=get_settings().console_session_max_seconds
    )


def _signed_out(console: Console, notice: str) -> Response:
    response = console.redirect("/admin/login", notice)
    forget_cookie(console, response, SESSION_COOKIE)
    return response


@router.post("/admin/logout")
def logout(console: Posted) -> Response:
    assert console.session is not None
    sessions.sign_out(console.session)
    return _signed_out(console, "You are signed out.")


@router.get("/admin/account")
def account(console: SignedIn) -> HTMLResponse:
    return _account_page(console)


def _account_page(console: Console, status: int = 200, **context: object) -> HTMLResponse:
    from orion.identity.service import profile

    assert console.session is not None
    found = profile(
        console.resolved.tenant, console.access.principal, enabled_modules=console.enabled_modules
    )
    return console.render(
        "account.html", status, memberships=found.memberships, switch_url=console.store_console_url, **context
    )


@router.post("/admin/account/password")
def change_password(console: Posted) -> Response:
    assert console.session is not None
    form = console.form
    if form.get("new_password") != form.get("confirm_password"):
        error = invalid(
            "The new password is not valid.", confirm_password=console._("The two new passwords differ.")
        )
        return _account_page(console, 422, errors=field_errors(error), message=console.error_message(error))
    try:
        signed = sessions.change_password(
            console.session,
            form.get("current_password"),
            form.get("new_password"),
            console.request.client.host if console.request.client else "unknown",
            enabled_modules=console.enabled_modules,
        )
    except Invalid as error:
        return _account_page(
            console,
            422,
            errors={k: console._(v) for k, v in field_errors(error).items()},
            message=console.error_message(error),
        )
    response = console.redirect(
        "/admin/account", console._("Your password is changed; your other sessions are signed out.")
    )
    _set_session_cookie(console, response, signed.cookie)
    return response


@router.post("/admin/account/language")
def choose_language(console: Posted) -> Response:
    assert console.session is not None
    try:
        sessions.set_language(console.session, console.form.get("language"))
    except Invalid as error:
        return _account_page(console, 422, errors=field_errors(error), message=console.error_message(error))
    return console.redirect("/admin/account", "Saved.")


@router.post("/admin/account/sign-out-everywhere")
def sign_out_everywhere(console: Posted) -> Response:
    assert console.session is not None
    sessions.sign_out_everywhere(console.session)
    return _signed_out(console, "You are signed out everywhere.")
