"""A new merchant's first console session: the sign-up (on the platform's host) hands over a one-time,
short-lived token, exchanged here, on the store's own host, for the session cookie."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from functions.console.pages.auth import _set_session_cookie
from functions.console.web import NO_STORE, Anonymous
from orion.errors import Unauthorized
from orion.identity import sessions

router = APIRouter()


@router.get("/admin/welcome")
def welcome(console: Anonymous, token: str = "") -> Response:
    try:
        signed = sessions.welcome(console.resolved.tenant, token, enabled_modules=console.enabled_modules)
    except Unauthorized as refused:
        return console.redirect("/admin/login", str(refused))
    response = RedirectResponse(console.url("/admin/"), status_code=303, headers=NO_STORE)
    _set_session_cookie(console, response, signed.cookie)
    from urllib.parse import quote

    from functions.console.web import NOTICE_COOKIE, set_console_cookie

    set_console_cookie(console, response, NOTICE_COOKIE, quote("Welcome! Your store is open."), max_age=60)
    return response
