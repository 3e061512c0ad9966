"""The console's request plumbing: the store from the host, the signed-in session, CSRF and Origin
checks on every POST, the member's language, and rendering pages from the templates shipped with this
function. Routes (functions/console/pages) parse a form, call ``orion`` and render; they hold no rule.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from functions.common import edge
from orion.errors import FieldError, Forbidden, Invalid, NotFound, OrionError
from orion.identity import sessions
from orion.identity.models import StaffAccess
from orion.identity.sessions import ConsoleSession
from orion.modules.registry import menu_for, module_of_permission
from orion.observability import logger
from orion.rendering.phrases import Phrase
from orion.rendering.phrases import render as render_phrases
from orion.settings import get_settings
from orion.tenancy.models import HostKind, ResolvedTenant

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LANGUAGES = ("en", "fr", "de")
SESSION_COOKIE = "orion_console"
LOGIN_CSRF_COOKIE = "orion_console_login"
NOTICE_COOKIE = "orion_console_notice"
NO_STORE = {"Cache-Control": "no-store"}
MAX_FORM_BYTES = 1_000_000


# --- the store from the host ---------------------------------------------------------------------------


# The console's faces: which host kind serves which, and the prefix its routes are declared under (the
# browser never sees it). A store host has the store console, the platform's admin host (api.) the
# platform console, the platform's own site the merchant sign-up.
FACES: dict[HostKind, str] = {HostKind.STORE: "", HostKind.API: "/platform", HostKind.PLATFORM: "/site"}


class TenantFromHost:
    """ASGI middleware: resolves the tenant from the viewer host (and the dev path prefix) exactly as for
    shoppers and hands the app the path it should route: ``/admin/...`` on a store host,
    ``/platform/admin/...`` on the platform's admin host, ``/site/...`` on the platform's own site.
    Anything else is a 404 page; a malformed Host never gets here (``http_entry`` answers it with 400)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        resolved = edge.resolve_tenant(headers, scope["path"])
        face = FACES.get(resolved.host_kind) if resolved is not None else None
        if resolved is None or face is None or (face == "" and resolved.store is None):
            response = HTMLResponse(_bare_page("Not found", "No store is served on this host."), 404)
            await response(scope, receive, send)
            return
        path = face + resolved.path
        scope = {**scope, "path": path, "raw_path": path.encode()}
        state = scope.setdefault("state", {})
        state["tenant"], state["face"] = resolved, face
        await self.app(scope, receive, send)


def face_of(request: Request) -> str:
    """``""`` (a store's console), ``/platform`` (the platform console) or ``/site`` (the platform site)."""
    return str(getattr(request.state, "face", ""))


def page_path(request: Request) -> str:
    """The path the browser asked for under the tenant's prefix, without the face's routing prefix."""
    return request.url.path.removeprefix(face_of(request))


def _bare_page(title: str, message: str) -> str:
    from html import escape

    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p></main></body></html>"
    )


BAD_ADDRESS = ("This address is not valid", "Please check the web address and try again.")


def refused_at_the_edge(event: dict[str, Any], error: OrionError) -> dict[str, Any]:
    """A request refused before routing (a malformed Host): a plain page for a browser, problem+json
    for a JSON client; no store is known, so the page is in English."""
    if edge.wants_json(edge.lower_headers(event.get("headers"))):
        return edge.problem_result(event, error)
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": "text/html; charset=utf-8", **NO_STORE},
        "body": _bare_page(*BAD_ADDRESS),
        "isBase64Encoded": False,
    }


def resolved_of(request: Request) -> ResolvedTenant:
    resolved: ResolvedTenant = request.state.tenant
    return resolved


# --- language --------------------------------------------------------------------------------------------


@cache
def _catalogue(lang: str) -> Mapping[str, str]:
    """Every ``messages/<lang>/*.json`` (one file per area of the console), merged."""
    import json

    merged: dict[str, str] = {}
    folder = HERE / "messages" / lang
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


# Joins a context to an English string in a catalogue key ("page|Published"); English never has one.
CONTEXT_MARK = "|"


def translator(lang: str) -> Callable[..., str]:
    """A function translating an English string (with ``{placeholders}``) into ``lang`` (English when
    the catalogue has no entry). ``context`` tells apart one English word that reads differently by
    what it is said of (``_("Published", context="page")``: French "Publiée" for a page): the key
    ``page|Published`` is looked up first, then ``Published``, then the English is kept."""
    table = _catalogue(lang)

    def translate(text: str, context: str = "", **values: object) -> str:
        found = (context and table.get(f"{context}{CONTEXT_MARK}{text}")) or table.get(text) or text
        return found.format(**values) if values else found

    return translate


def choose_language(preferred: str | None, accept_language: str | None) -> str:
    """The member's own choice, else the best Accept-Language match among en, fr and de."""
    from orion.rendering.i18n import choose_language as best

    if preferred in LANGUAGES:
        return str(preferred)
    return best(LANGUAGES, "en", None, accept_language)


# --- static assets ---------------------------------------------------------------------------------------


@cache
def asset_version() -> str:
    """A digest of every static asset: their URLs change when they do, so they can be cached for a year."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


# --- forms ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """A posted ``application/x-www-form-urlencoded`` body: every value of a name, in order."""

    pairs: tuple[tuple[str, str], ...] = ()

    def get(self, name: str, default: str = "") -> str:
        for key, value in self.pairs:
            if key == name:
                return value
        return default

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def names(self) -> Iterable[str]:
        return (key for key, _ in self.pairs)

    def as_dict(self) -> dict[str, str]:
        """The first value of each name (what a form re-rendered with the person's entries shows)."""
        found: dict[str, str] = {}
        for key, value in self.pairs:
            found.setdefault(key, value)
        return found


def field_errors(error: OrionError) -> dict[str, str]:
    """``{field name: message}`` of an :class:`Invalid` (the first message per field)."""
    found: dict[str, str] = {}
    for item in error.errors:
        found.setdefault(item.field, item.message)
    return found


# Validation messages written for programs (pydantic's, the services' own) as people read them: a
# pattern, and the English sentence (translated like every console string) with its placeholders.
_HUMANE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"^(?:String|Value) should have at least 1 (?:character|item).*", "This field is required."),
        (r"^String should have at most (?P<n>\d+) characters?$", "Use at most {n} characters."),
        (r"^String should have at least (?P<n>\d+) characters?$", "Use at least {n} characters."),
        (r"^(?:Tuple|List|Set|Dictionary) should have at most (?P<n>\d+) items?.*", "Choose at most {n}."),
        (r"^(?:Tuple|List|Set|Dictionary) should have at least (?P<n>\d+) items?.*", "Choose at least {n}."),
        (r"^Field required$", "This field is required."),
        (r"^Input should be a valid (?:integer|number).*", "Enter a number."),
        (r"^Input should be greater than or equal to (?P<n>-?[\d.]+)$", "Enter {n} or more."),
        (r"^Input should be greater than (?P<n>-?[\d.]+)$", "Enter more than {n}."),
        (r"^Input should be less than or equal to (?P<n>-?[\d.]+)$", "Enter {n} or less."),
        (r"^Input should be .*", "This value is not valid."),
        (r"^String should match pattern .*", "This value is not valid."),
        (r".*(?:not a valid email address|not an e-mail address).*", "Enter a valid e-mail address."),
        (
            r"^must be 1-(?P<n>\d+) characters of a-z, 0-9 and '-'.*",
            "Use 1 to {n} lowercase letters, digits and hyphens.",
        ),
        (r"^must be 8, 12, 13 or 14 digits.*", "A GTIN has 8, 12, 13 or 14 digits."),
        (
            r"^Choose between (?P<n>\d+) and (?P<m>\d+) characters\.$",
            "Choose between {n} and {m} characters.",
        ),
        (
            r"^the store already has a page at this address.*",
            "This store already has a page at this address.",
        ),
        (r"^Your role \((?P<role>\w+)\) does not allow .*", "Your role ({role}) does not allow this."),
        (r"^Feeds are only fetched from (?P<hosts>.+)\.$", "Feeds are only fetched from {hosts}."),
        (
            r"^(?:a|the) language must be one of (?P<languages>[a-z, ]+)\.?$",
            "The language must be one of {languages}.",
        ),
        (r"^(?P<n>\d+) of (?P<m>\d+) rows ready to publish\.?$", "{n} of {m} rows ready to publish."),
        (r"^(?P<n>\d+) products published\.$", "{n} products published."),
        (
            r"^(?P<n>\d+) products published, (?P<m>\d+) could not be\.$",
            "{n} products published, {m} could not be.",
        ),
    )
)


def humane(message: str) -> tuple[str, dict[str, str]]:
    """``message`` as an English sentence for people, and the values of its placeholders."""
    text = message.removeprefix("Value error, ").strip()
    for pattern, sentence in _HUMANE:
        found = pattern.fullmatch(text)
        if found:
            return sentence, found.groupdict()
    return text, {}


def invalid(message: str, **errors: str) -> Invalid:
    return Invalid(message, errors=[FieldError(name, text) for name, text in errors.items()])


# --- the per-request console -------------------------------------------------------------------------------


@dataclass
class Console:
    """What a console route works with: the store, the signed-in member, their language, rendering."""

    request: Request
    resolved: ResolvedTenant
    session: ConsoleSession | None
    lang: str
    form: Form = field(default_factory=Form)

    @property
    def access(self) -> StaffAccess:
        if self.session is None:
            raise Forbidden("Sign in first.")
        return self.session.access

    @property
    def enabled_modules(self) -> frozenset[str]:
        return self.resolved.platform.enabled_modules

    def _(self, text: str, context: str = "", **values: object) -> str:
        return translator(self.lang)(text, context=context, **values)

    def error_message(self, error: Exception) -> str:
        """A refusal's sentence in the member's language: from its template and values when the service
        worded it so (``OrionError.worded``), else its English through the catalogue."""
        return _error_text(translator(self.lang), error)

    def url(self, path: str) -> str:
        """``path`` (``/admin/...``) under the prefix that selected the store (dev path mode)."""
        return f"{self.resolved.base_path}{path}"

    def store_console_url(self, store: str) -> str:
        """Another store's console on this platform, reached the way this one was: its path-mode prefix
        on a dev host, its subdomain next to this one's, else its subdomain of the platform's domain."""
        resolved = self.resolved
        here = resolved.tenant.require_store()
        if resolved.base_path:
            return resolved.base_path.rsplit(f"/stores/{here}", 1)[0] + f"/stores/{store}/admin/"
        scheme = edge.viewer_scheme(self.request.headers)
        host = edge.viewer_host(self.request.headers) or ""  # with its port, if the viewer gave one
        if host.startswith(f"{here}."):
            return f"{scheme}://{store}.{host.removeprefix(f'{here}.')}/admin/"
        domain = resolved.platform.domains[0] if resolved.platform.domains else host
        return f"{scheme}://{store}.{domain}/admin/"

    def other_stores(self) -> list[tuple[str, str]]:
        """``(store, console URL)`` of the member's other stores (the header's store switcher)."""
        if self.session is None:
            return []
        here = self.resolved.tenant.store
        return [(store, self.store_console_url(store)) for store in self.session.stores if store != here]

    def can(self, permission: str) -> bool:
        return self.session is not None and permission in self.session.access.permissions

    @property
    def platform_face(self) -> bool:
        return face_of(self.request) == "/platform"

    def admin(self) -> StaffAccess:
        """The platform admin's access on the platform console (sessions there are admins' only)."""
        if not self.platform_face:
            raise NotFound("There is no such page in the console.")
        return self.access

    def need(self, permission: str) -> StaffAccess:
        """The member's access if their role grants ``permission``: a switched-off module's page is
        404, a permission the role lacks is 403 (the same rule the staff API applies)."""
        if not module_of_permission(permission).is_enabled(self.enabled_modules):
            raise NotFound("This feature is not enabled on this platform.")
        access = self.access
        if permission not in access.permissions:
            raise Forbidden(f"Your role ({access.role.value}) does not allow {permission}.")
        return access

    def menu(self) -> list[dict[str, str]]:
        """The menu the member sees: the platform's running modules and the member's permissions, as
        ``/api/v1/menu``, plus the console's own pages (dashboard, account)."""
        if self.platform_face:
            return [{"label": label, "path": path} for label, path in PLATFORM_MENU]
        items = [{"label": "Dashboard", "path": "/admin/"}]
        if self.session is not None:
            entries = menu_for(self.enabled_modules, self.session.access.permissions)
            for _, entry in sorted(entries, key=lambda found: _menu_rank(found[1].path)):
                items.append(
                    {"label": CONSOLE_LABELS.get(entry.path, entry.label), "path": f"/admin{entry.path}"}
                )
                items.extend(
                    {"label": label, "path": path}
                    for label, path, permission in CONSOLE_EXTRAS.get(entry.path, ())
                    if permission in self.session.access.permissions
                )
        items.append({"label": "Account", "path": "/admin/account"})
        return items

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        response = HTMLResponse(render(self, template, **context), status_code=status, headers=NO_STORE)
        if self.request.cookies.get(edge_cookie(self, NOTICE_COOKIE)):
            forget_cookie(self, response, NOTICE_COOKIE)
        return response

    def redirect(self, path: str, notice: str | None = None) -> RedirectResponse:
        """303 to ``path`` (``/admin/...``); ``notice`` shows once on the page it lands on."""
        response = RedirectResponse(self.url(path), status_code=303, headers=NO_STORE)
        if notice:
            set_console_cookie(self, response, NOTICE_COOKIE, quote(notice), max_age=60)
        return response


# The platform console's menu (every page is a platform admin's).
PLATFORM_MENU = (
    ("Dashboard", "/admin/"),
    ("Merchants", "/admin/merchants"),
    ("Stores", "/admin/stores"),
    ("Users", "/admin/users"),
    ("Modules", "/admin/modules"),
    ("Tiers", "/admin/tiers"),
    ("Platform pages", "/admin/pages"),
    ("Platform settings", "/admin/settings"),
    ("Store look defaults", "/admin/theme"),
    ("Bulk store import", "/admin/bulk-import"),
    ("Import jobs", "/admin/imports"),
    ("Outbox", "/admin/outbox"),
    ("Audit log", "/admin/audit"),
    ("Account", "/admin/account"),
)

# Menu labels the console words differently, and console pages reached under a module's entry.
CONSOLE_LABELS = {"/pages": "Content"}
CONSOLE_EXTRAS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "/products": (
        ("Categories", "/admin/categories", "products.view"),
        ("Stock", "/admin/stock", "products.view"),
    ),
    "/theme": (("Look and colours", "/admin/theme/settings", "theme.edit"),),
    "/settings": (
        ("Domains", "/admin/domains", "settings.view"),
        ("Shipping and VAT", "/admin/settings/shipping", "settings.view"),
    ),
}


# The console's menu order (a module's entries the list does not name come last, in module order).
MENU_ORDER = (
    "/products",
    "/orders",
    "/customers",
    "/pages",
    "/theme",
    "/team",
    "/imports",
    "/channels",
    "/settings",
    "/audit",
    "/analytics",
)


def _menu_rank(path: str) -> int:
    return MENU_ORDER.index(path) if path in MENU_ORDER else len(MENU_ORDER)


def set_console_cookie(console: Console, response: Response, name: str, value: str, *, max_age: int) -> None:
    """Set a console cookie: HttpOnly, SameSite=Strict, Secure (``__Host-``) wherever the site is HTTPS."""
    response.set_cookie(
        edge_cookie(console, name),
        value,
        max_age=max_age,
        path=cookie_path(console),
        secure=get_settings().secure_cookies,
        httponly=True,
        samesite="strict",
    )


def forget_cookie(console: Console, response: Response, name: str) -> None:
    """Delete a console cookie (with the attributes it was set with: a ``__Host-`` cookie is only
    replaced by a Secure one)."""
    response.delete_cookie(
        edge_cookie(console, name),
        path=cookie_path(console),
        secure=get_settings().secure_cookies,
        httponly=True,
        samesite="strict",
    )


def cookie_path(console: Console | Request) -> str:
    resolved = console.resolved if isinstance(console, Console) else resolved_of(console)
    return "/" if get_settings().secure_cookies else f"{resolved.base_path}/admin"


def edge_cookie(console: Console | Request, name: str) -> str:
    """The cookie's name as sent: ``__Host-`` prefixed (exact host, path /) wherever cookies are Secure;
    on plain-HTTP local runs, scoped to this store's ``/admin`` path instead (path-mode stores share a
    host there)."""
    return edge.cookie_name(name)


def _session_cookie_value(request: Request) -> str | None:
    return request.cookies.get(edge_cookie(request, SESSION_COOKIE))


def _language(request: Request, session: ConsoleSession | None) -> str:
    preferred = session.user.language if session is not None else None
    return choose_language(preferred, request.headers.get("accept-language"))


class SignInRequired(Exception):
    """No live session: the browser is sent to the sign-in page, then back to where it was going."""


class CsrfRefused(Exception):
    """A POST without this session's CSRF token, or from another origin: 403, nothing changes."""


def _current(request: Request) -> Console:
    resolved = resolved_of(request)
    session = sessions.resume(
        resolved.tenant, _session_cookie_value(request), enabled_modules=resolved.platform.enabled_modules
    )
    if session is None:
        raise SignInRequired
    logger.append_keys(user=session.user.id)
    return Console(request=request, resolved=resolved, session=session, lang=_language(request, session))


def signed_in(request: Request) -> Console:
    """A GET page's console: the member's live session, or a redirect to sign in."""
    return _current(request)


def same_origin(request: Request) -> bool:
    """The Origin check: a browser's POST names the page's origin (Origin, or Referer when a browser
    withholds Origin); one naming another origin is refused. A request naming neither (not a browser)
    still needs the session's CSRF token."""
    expected = f"{edge.viewer_scheme(request.headers)}://{edge.viewer_host(request.headers) or ''}"
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.rstrip("/") == expected
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == expected
    return origin != "null"


def _same_origin_referer(request: Request) -> str | None:
    """The page the browser came from, when it is one of this host's (an error page links back to it)."""
    referer = request.headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    expected = f"{edge.viewer_scheme(request.headers)}://{edge.viewer_host(request.headers) or ''}"
    if f"{parts.scheme}://{parts.netloc}" != expected or (
        request.method == "GET" and referer == str(request.url)
    ):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def read_form(request: Request) -> Form:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise Invalid("The form is too large.")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", ""):
        raise Invalid("Send the form as application/x-www-form-urlencoded.")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=2000)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Invalid("The form could not be read.") from exc
    return Form(tuple(pairs))


async def posted(request: Request) -> Console:
    """A POST's console: a live session, the same origin and this session's CSRF token (else 403 and
    nothing changes), and the parsed form."""
    console = _current(request)
    form = await read_form(request)
    assert console.session is not None
    if not same_origin(request) or not sessions.csrf_matches(console.session, form.get("csrf_token")):
        raise CsrfRefused
    console.form = form
    return console


SignedIn = Annotated[Console, Depends(signed_in)]
Posted = Annotated[Console, Depends(posted)]


def anonymous(request: Request) -> Console:
    """The console of a page open to anyone (sign-in): no session needed."""
    return Console(
        request=request, resolved=resolved_of(request), session=None, lang=_language(request, None)
    )


Anonymous = Annotated[Console, Depends(anonymous)]


def login_csrf(request: Request) -> str:
    """The sign-in form's CSRF token (there is no session yet): a random value in a Strict cookie that
    the form must repeat."""
    return request.cookies.get(edge_cookie(request, LOGIN_CSRF_COOKIE)) or secrets.token_urlsafe(24)


def login_csrf_matches(request: Request, presented: str) -> bool:
    expected = request.cookies.get(edge_cookie(request, LOGIN_CSRF_COOKIE))
    return bool(expected and presented) and hmac.compare_digest(expected or "", presented)


# --- rendering ---------------------------------------------------------------------------------------------


@cache
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from orion.rendering.i18n import format_money

    env.filters["money"] = format_money
    return env


def render(console: Console, template: str, **context: Any) -> str:
    from urllib.parse import unquote

    notice_raw = console.request.cookies.get(edge_cookie(console, NOTICE_COOKIE))
    store = console.resolved.store
    values = {
        "_": _speaking(translator(console.lang)),
        "lang": console.lang,
        "url": console.url,
        "static": lambda name: console.url(f"/admin/static/{asset_version()}/{name}"),
        "store": store,
        "platform": console.resolved.platform,
        "session": console.session,
        "user": console.session.user if console.session else None,
        "csrf_token": console.session.csrf_token if console.session else "",
        "can": console.can,
        "menu": console.menu() if console.session else [],
        "other_stores": console.other_stores(),
        "current_path": page_path(console.request),
        "site_name": store.name if store is not None else console.resolved.platform.name,
        "platform_face": console.platform_face,
        "notice": unquote(notice_raw) if notice_raw else None,
        "errors": {},
        "values": {},
        **context,
    }
    translate = values["_"]
    values.setdefault("said", _saying(translate))
    if isinstance(values.get("errors"), Mapping):
        values["errors"] = {
            name: _humane_text(translate, str(text)) for name, text in values["errors"].items()
        }
    return str(_environment().get_template(template).render(**values))


def _saying(say: Callable[..., str]) -> Callable[..., str]:
    """The templates' ``said(parts, english)``: a message a service kept as phrases
    (orion.rendering.phrases), each translated; a message kept before phrases were (``parts`` empty)
    falls back to its English, translated when the catalogue knows it."""

    def said(parts: Iterable[Phrase], english: str | None = None) -> str:
        parts = tuple(parts)
        if parts:
            return render_phrases(parts, say)
        return say(english) if english else ""

    return said


def _speaking(translate: Callable[..., str]) -> Callable[..., str]:
    """The templates' ``_``: a console string translated, and a message from a service (which has no
    catalogue entry) first worded for people (:func:`humane`)."""

    def say(text: str, context: str = "", **values: object) -> str:
        if values or context:
            return translate(text, context=context, **values)
        return _humane_text(translate, text)

    return say


def _humane_text(translate: Callable[..., str], text: str) -> str:
    """A field's message for people, in the member's language."""
    sentence, placeholders = humane(text)
    return translate(sentence, **placeholders)


def _error_text(translate: Callable[..., str], error: Exception) -> str:
    """A refusal's sentence in the member's language: from its template and values when the service
    worded it so (``OrionError.worded``), else its English worded for people (:func:`_humane_text`)."""
    if isinstance(error, OrionError) and error.template:
        return translate(error.template, **error.params)
    return _humane_text(translate, str(error))


# --- errors -------------------------------------------------------------------------------------------------


def install_error_pages(app: FastAPI) -> None:
    """Every refusal is a page in the member's language with the right status, never a stack trace."""

    def page(request: Request, status: int, title: str, message: str | OrionError) -> Response:
        try:
            resolved = resolved_of(request)
        except AttributeError:
            return HTMLResponse(_bare_page(title, str(message)), status)
        session = None
        try:
            session = sessions.resume(
                resolved.tenant,
                _session_cookie_value(request),
                enabled_modules=resolved.platform.enabled_modules,
            )
        except OrionError:
            session = None
        console = Console(
            request=request, resolved=resolved, session=session, lang=_language(request, session)
        )
        t = translator(console.lang)
        return HTMLResponse(
            render(
                console,
                "error.html",
                title=t(title),
                message=_error_text(t, message)
                if isinstance(message, OrionError)
                else _humane_text(t, message),
                status=status,
                back_url=_same_origin_referer(request),
            ),
            status,
            headers=NO_STORE,
        )

    async def sign_in_required(request: Request, _: Exception) -> Response:
        target = page_path(request) + (f"?{request.url.query}" if request.url.query else "")
        resolved = resolved_of(request)
        # The dashboard is where a sign-in goes anyway: no need to say so.
        wanted = quote(resolved.base_path + target, safe="")
        back = "" if target in ("/admin/", "/admin") else f"?next={wanted}"
        return RedirectResponse(
            f"{resolved.base_path}/admin/login{back}",
            status_code=303,
            headers=NO_STORE,
        )

    async def csrf_refused(request: Request, _: Exception) -> Response:
        return page(
            request,
            403,
            "Request refused",
            "This form is out of date or came from another site. Go back, reload the page and try again.",
        )

    async def orion_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, OrionError)
        titles = {403: "Not allowed", 404: "Not found", 409: "Changed meanwhile", 429: "Too many attempts"}
        return page(request, exc.status, titles.get(exc.status, "Cannot do that"), exc)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = int(getattr(exc, "status_code", 404))
        if status == 405:
            return page(request, 405, "Cannot do that", "This page does not accept that request.")
        return page(request, 404, "Not found", "There is no such page in the console.")

    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("console page failed")
        return page(request, 500, "Something went wrong", "Please try again in a moment.")

    from starlette.exceptions import HTTPException

    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(CsrfRefused, csrf_refused)
    app.add_exception_handler(OrionError, orion_error)
    app.add_exception_handler(HTTPException, not_found)
    app.add_exception_handler(Exception, unexpected)


Route = Callable[..., Awaitable[Response] | Response]
