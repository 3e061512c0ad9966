"""Merchant self-service sign-up on the platform's own site (``/signup`` on ``oms.lu``): the form, the
live store-code check, the "check your e-mail" page, and the confirmation that opens the store and
signs its owner in to the new store's console (on the store's own host, through a one-time token).

There is no session here: forms carry the same double-submit token as the console's sign-in. Every
rule lives in ``orion.signup.service``.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from functions.common import asgi, edge
from functions.console.web import (
    LOGIN_CSRF_COOKIE,
    NO_STORE,
    Anonymous,
    Console,
    edge_cookie,
    field_errors,
    login_csrf,
    login_csrf_matches,
    read_form,
    same_origin,
)
from orion.errors import Conflict, Gone, Invalid, NotFound, TooManyRequests
from orion.identity import sessions
from orion.settings import get_settings
from orion.signup import service as signup
from orion.tenancy.models import LANGUAGES

router = APIRouter()

FIELDS = ("business_name", "code", "owner_name", "email", "accept_terms")
SIGNUP_JS = """(function () {
  var input = document.getElementById("f-code"), out = document.getElementById("code-status");
  if (!input || !out || !window.fetch) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var code = input.value.trim().toLowerCase();
      if (!code) { out.textContent = ""; return; }
      fetch(out.dataset.check + "?code=" + encodeURIComponent(code), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (d) {
          out.textContent = d.message;
          out.className = d.available ? "ok" : "field-error";
        })
        .catch(function () { out.textContent = ""; });
    }, 300);
  });
})();
"""


def _source(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _set_token_cookie(console: Console, response: Response, token: str) -> None:
    secure = get_settings().secure_cookies
    response.set_cookie(
        edge_cookie(console, LOGIN_CSRF_COOKIE),
        token,
        max_age=3600,
        path="/" if secure else f"{console.resolved.base_path}/signup",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def _page(console: Console, template: str, status: int = 200, **context: object) -> HTMLResponse:
    token = login_csrf(console.request)
    terms = f"{console.resolved.base_path}/terms"
    response = console.render(
        template, status, form_token=token, terms_url=terms, signup_url=console.url("/signup"), **context
    )
    _set_token_cookie(console, response, token)
    return response


def _form(
    console: Console,
    status: int,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
) -> HTMLResponse:
    return _page(
        console,
        "site/signup.html",
        status,
        values=values or {},
        errors=errors or {},
        message=message,
        domain=_domain(console),
    )


def _domain(console: Console) -> str:
    platform = console.resolved.platform
    return platform.domains[0] if platform.domains else (edge.viewer_host(console.request.headers) or "")


@router.get("/signup")
def signup_page(console: Anonymous) -> HTMLResponse:
    return _form(console, 200)


@router.get("/signup/signup.js")
def signup_js() -> Response:
    return Response(
        SIGNUP_JS, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/signup/check")
def check_code(console: Anonymous, code: str = "") -> JSONResponse:
    """Whether ``code`` can be a new store's code now (the page's live check; the POST checks again)."""
    code = code.strip().lower()
    problem = signup.code_problem(console.resolved.tenant, code)
    message = (
        console._(problem)
        if problem
        else console._("{host} is available.", host=f"{code}.{_domain(console)}")
    )
    return JSONResponse({"code": code, "available": problem is None, "message": message}, headers=NO_STORE)


@router.post("/signup")
async def start(console: Anonymous) -> Response:
    form = await read_form(console.request)
    values = {name: form.get(name) for name in FIELDS}
    values["code"] = values["code"].strip().lower()
    if not same_origin(console.request) or not login_csrf_matches(console.request, form.get("csrf_token")):
        return _form(console, 403, values, message=console._("This form is out of date. Please try again."))
    data = signup.SignupInput(
        business_name=values["business_name"],
        code=values["code"],
        owner_name=values["owner_name"],
        email=values["email"],
        password=form.get("password"),
        accept_terms=form.get("accept_terms") in ("on", "yes", "1", "true"),
        language=console.lang if console.lang in LANGUAGES else "en",
    )
    try:
        signup.start_signup(
            console.resolved.tenant,
            data,
            _source(console.request),
            _verify_url(console),
            console.resolved.platform.name,
        )
    except Invalid as refused:
        errors = field_errors(refused)
        return _form(console, 422, values, errors, console._("Please correct the fields marked below."))
    except TooManyRequests as refused:
        return _form(console, 429, values, message=console.error_message(refused))
    return RedirectResponse(console.url("/signup/sent"), status_code=303, headers=NO_STORE)


@router.get("/signup/sent")
def sent(console: Anonymous) -> HTMLResponse:
    return _page(console, "site/signup_sent.html")


def _verify_url(console: Console) -> str:
    scheme = edge.viewer_scheme(console.request.headers)
    host = edge.viewer_host(console.request.headers) or _domain(console)
    return f"{scheme}://{host}{console.url('/signup/verify')}"


def _refusal(console: Console, error: NotFound | Gone | Conflict) -> HTMLResponse:
    return _page(
        console,
        "site/signup_link.html",
        error.status,
        message=console.error_message(error),
        token="",
        pending=None,
    )


@router.get("/signup/verify")
def verify_page(console: Anonymous, token: str = "") -> HTMLResponse:
    """Shows the sign-up and a button: a GET never spends the link (mail scanners prefetch links)."""
    try:
        pending = signup.open_signup(console.resolved.tenant, token)
    except (NotFound, Gone) as refused:
        return _refusal(console, refused)
    return _page(
        console,
        "site/signup_link.html",
        token=token,
        pending=pending,
        message=None,
        store_host=f"{pending.code}.{_domain(console)}",
    )


@router.post("/signup/verify")
async def verify(console: Anonymous) -> Response:
    form = await read_form(console.request)
    token = form.get("token")
    if not same_origin(console.request) or not login_csrf_matches(console.request, form.get("csrf_token")):
        return _page(
            console,
            "site/signup_link.html",
            403,
            token="",
            pending=None,
            message=console._("This form is out of date. Open the link from the e-mail again."),
        )
    try:
        opened = signup.complete_signup(console.resolved.tenant, token)
    except (NotFound, Gone, Conflict) as refused:
        return _refusal(console, refused)
    from orion.audit import service as audit
    from orion.tenant import Tenant

    store_tenant = Tenant(console.resolved.tenant.platform, opened.store.code)
    request_id = asgi.request_id(console.request)
    audit.record(
        Tenant(console.resolved.tenant.platform),
        actor=opened.user.id,
        action="merchant.create",
        target=opened.merchant.id,
        request_id=request_id,
        details={"name": opened.merchant.name, "via": "signup"},
    )
    audit.record(
        store_tenant,
        actor=opened.user.id,
        action="store.create",
        target=opened.store.code,
        request_id=request_id,
        details={"tier": opened.store.tier.value, "merchant": opened.merchant.id, "via": "signup"},
    )
    welcome = sessions.issue_welcome(store_tenant, opened.user.id)
    return RedirectResponse(
        f"{_store_origin(console, opened.store.code)}/admin/welcome?token={quote(welcome)}",
        status_code=303,
        headers=NO_STORE,
    )


def _store_origin(console: Console, code: str) -> str:
    """The new store's origin, reached the way this site was (its path-mode prefix on a dev host)."""
    scheme = edge.viewer_scheme(console.request.headers)
    host = edge.viewer_host(console.request.headers) or _domain(console)
    if console.resolved.base_path:
        return f"{scheme}://{host}{console.resolved.base_path}/stores/{code}"
    return f"{scheme}://{code}.{host}"
