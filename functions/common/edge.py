"""The HTTP edge of every API Gateway function: its Lambda entry (which refuses a malformed Host before
any framework reads it), the viewer's host and the tenant it names, the cookies shopper functions set,
HEAD answered as GET, and one outcome answered as a page or as JSON.

The shopper functions (Powertools resolver), the staff and admin APIs (FastAPI) and health all take
these from here, so a request is read the same way whichever function it reaches.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec

from functions.common import origin_gate
from functions.common.entry import HTTP_API, Handler, LambdaEntry, lambda_entry
from functions.common.origin_gate import origin_verify_accepts
from orion import runtime
from orion.data.clients import aws_client
from orion.errors import BadRequest, Forbidden, OrionError, problem_details
from orion.observability import logger
from orion.settings import get_settings
from orion.tenancy import hosts
from orion.tenancy.directory import tenant_directory
from orion.tenancy.models import ResolvedTenant

if TYPE_CHECKING:  # the resolver's package costs ~35 ms of imports the FastAPI functions never need
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
    from aws_lambda_powertools.shared.cookies import Cookie
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

# Rotating a secret reaches every warm function within this time (docs/operations.md, Secrets); the
# origin-verify secret is read with its previous and pending versions (orion.tenancy.origin_verify).
SECRET_MAX_AGE_SECONDS = 300

# --- the Lambda entry -------------------------------------------------------------------------------

BAD_HOST = "The Host header does not name a host."
BAD_PORT = "The X-Forwarded-Port header is not a port."

# How a function answers a request refused before it runs: given the event and the error, the result.
Refuse = Callable[[dict[str, Any], OrionError], dict[str, Any]]


def host_error(headers: Mapping[str, str]) -> BadRequest | None:
    """Why the request's host cannot be read (a 400), or None (``headers`` by lower-case name).

    Mangum splits ``Host`` at ":" and reads the port as an integer (``X-Forwarded-Port`` where Host has
    none), so garbage there raised inside it, before any error handler of ours could answer: a 500.
    Hence a missing or malformed ``Host`` or ``X-Forwarded-Host`` (the viewer's host behind
    CloudFront), or an ``X-Forwarded-Port`` that is not a port, is refused for every function alike.
    A well-formed host that serves no tenant is not an error here: it is the function's 404.
    """
    forwarded = headers.get("x-forwarded-host")
    if not hosts.is_well_formed_host(headers.get("host")) or (
        forwarded is not None and not hosts.is_well_formed_host(forwarded)
    ):
        return BadRequest(BAD_HOST)
    port = headers.get("x-forwarded-port")
    if port is not None and not hosts.is_port(port.strip()):
        return BadRequest(BAD_PORT)
    return None


def problem_result(event: Mapping[str, Any], error: OrionError) -> dict[str, Any]:
    """``error`` as an RFC 9457 problem+json Lambda result, never cached (the APIs and health)."""
    body = problem_details(error, str(event.get("rawPath") or "/"))
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": PROBLEM_JSON, "Cache-Control": "no-store"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def http_entry(refuse: Refuse = problem_result) -> Callable[[Handler], LambdaEntry]:
    """The entry of an API Gateway HTTP API function: :func:`functions.common.entry.lambda_entry`
    (the request id as correlation id), and inside it, before the handler, a request that did not come
    through CloudFront where the origin gate is on (:mod:`functions.common.origin_gate`) answered 403,
    and one whose host cannot be read (:func:`host_error`) 400, by ``refuse`` (problem+json unless the
    function says otherwise; a HEAD without the body). Checked here once, so no framework ever parses
    garbage and nothing answers around CloudFront."""

    def wear(handler: Handler) -> LambdaEntry:
        @functools.wraps(handler)
        def guarded(event: dict[str, Any], context: Any) -> dict[str, Any]:
            error: OrionError | None = (
                Forbidden(origin_gate.NOT_THROUGH_CLOUDFRONT)
                if origin_gate.refused(event)
                else host_error(lower_headers(event.get("headers")))
            )
            if error is None:
                return handler(event, context)
            logger.info("request refused at the edge", extra={"reason": str(error)})
            refusal = error
            return resolve_head_as_get(event, lambda routed: refuse(routed, refusal))

        return lambda_entry(correlation_id_path=HTTP_API)(guarded)

    return wear


# --- secrets ----------------------------------------------------------------------------------------


@runtime.singleton
def _secrets() -> SecretsProvider:
    """Powertools' secret reader over the configured client: values are cached for
    ``SECRET_MAX_AGE_SECONDS`` and forgotten with the runtime (a fresh account has fresh secrets)."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=aws_client("secretsmanager"))


def read_secret(name: str) -> str:
    """The value of the Secrets Manager secret ``name`` (cached); raises when it cannot be read."""
    return str(_secrets().get(name, max_age=SECRET_MAX_AGE_SECONDS))


# --- the viewer's host and tenant -------------------------------------------------------------------


def lower_headers(raw: Mapping[str, Any] | None) -> dict[str, str]:
    """An event's headers with lower-cased names (API Gateway v2 already lower-cases them)."""
    return {str(k).lower(): str(v) for k, v in (raw or {}).items()}


def viewer_host(headers: Mapping[str, str]) -> str | None:
    """The host the viewer's browser used: ``Host``, or behind CloudFront ``X-Forwarded-Host``, trusted
    only when ``X-Origin-Verify`` carries the origin secret (``headers`` looked up by lower-case name)."""
    forwarded, verify = headers.get("x-forwarded-host"), headers.get("x-origin-verify")
    verified = bool(forwarded and verify and origin_verify_accepts(verify))
    return hosts.viewer_host(headers.get("host"), forwarded, verified=verified)


def viewer_scheme(headers: Mapping[str, str]) -> str:
    """``http`` or ``https``, as the viewer used it (``X-Forwarded-Proto``; https unless it says http)."""
    proto = (headers.get("x-forwarded-proto") or "https").split(",")[0].strip()
    return "http" if proto == "http" else "https"


def resolve_tenant(headers: Mapping[str, str], path: str) -> ResolvedTenant | None:
    """The tenant of a request from its viewer host and path (None: no store or platform is served
    there). Its platform and store tag every log line of the invocation; the next invocation starts
    without them (``clear_state`` in functions.common.entry)."""
    resolved = tenant_directory().resolve(viewer_host(headers), path)
    if resolved is not None:
        logger.append_keys(platform=resolved.tenant.platform, store=resolved.tenant.store)
    return resolved


# --- cookies ----------------------------------------------------------------------------------------


def cookie_name(name: str) -> str:
    """``name`` as sent: with the ``__Host-`` prefix where cookies are Secure (everywhere but plain-HTTP
    local runs), which binds the cookie to the exact host, path ``/``, and no Domain attribute."""
    return f"__Host-{name}" if get_settings().secure_cookies else name


def read_cookie(cookies: Iterable[str] | None, name: str) -> str | None:
    """The value of the cookie ``name`` among a request's ``name=value`` cookies (None if absent or empty)."""
    for raw in cookies or []:
        key, _, value = raw.partition("=")
        if key.strip() == name:
            return value.strip() or None
    return None


def private_cookie(name: str, value: str, max_age: int) -> Cookie:
    """A cookie scripts cannot read, sent on same-site requests and top-level navigations only, for the
    whole host (``name`` from :func:`cookie_name`: Secure goes with the ``__Host-`` prefix)."""
    from aws_lambda_powertools.shared.cookies import Cookie, SameSite  # shopper functions only

    return Cookie(
        name=name,
        value=value,
        path="/",
        secure=get_settings().secure_cookies,
        http_only=True,
        same_site=SameSite.LAX_MODE,
        max_age=max_age,
    )


# --- HEAD -------------------------------------------------------------------------------------------


def resolve_head_as_get(
    event: dict[str, Any], resolve: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """``resolve(event)``; a HEAD request is resolved as the GET it mirrors and its body dropped
    (RFC 9110 9.3.2: status and headers, ETag, Cache-Control and the body's Content-Length included,
    stay those of the GET). The wiring gives every GET route of such a function a HEAD twin."""
    http = (event.get("requestContext") or {}).get("http") or {}
    if str(http.get("method", "")).upper() != "HEAD":
        return resolve(event)
    as_get = copy.copy(event)
    as_get["requestContext"] = {**event["requestContext"], "http": {**http, "method": "GET"}}
    route_key = str(event.get("routeKey") or "")
    if route_key.startswith("HEAD "):
        as_get["routeKey"] = "GET " + route_key.removeprefix("HEAD ")
    result = resolve(as_get)
    body = result.get("body") or ""
    size = len(base64.b64decode(body)) if result.get("isBase64Encoded") else len(str(body).encode())
    headers = dict(result.get("headers") or {})
    if result.get("statusCode") not in (204, 304):  # those carry no length (RFC 9110 8.6)
        headers["Content-Length"] = str(size)  # what GET would send
    return {**result, "headers": headers, "body": "", "isBase64Encoded": False}


# --- a page or JSON ---------------------------------------------------------------------------------

PROBLEM_JSON = "application/problem+json"


def wants_json(headers: Mapping[str, str]) -> bool:
    """Whether the client asked for JSON (``Accept`` names application/json): a script or a headless
    front end rather than a browser."""
    return "application/json" in (headers.get("accept") or "")


# Outcome and Refusal are plain classes: building a dataclass would add ~1 ms to the cold start of
# every staff and admin function, which imports this module for the host and tenant alone.


class Outcome:
    """What a request did, for either kind of client: a browser gets ``page()``; a program gets
    ``data()`` as JSON with ``status``, ``cookies`` and ``location``. Only the one asked for is built."""

    __slots__ = ("cookies", "data", "location", "page", "status")

    def __init__(
        self,
        page: Callable[[], Response[str]],
        data: Callable[[], dict[str, Any]],
        status: int = 200,
        cookies: list[Cookie] | None = None,
        location: str | None = None,
    ) -> None:
        self.page = page
        self.data = data
        self.status = status
        self.cookies = cookies or []
        self.location = location


class Refusal:
    """A request refused with ``error``: a program gets it as problem+json (with the members ``extra()``
    adds), a browser ``page(error)`` (the form again with what went wrong, or an error page)."""

    __slots__ = ("error", "extra", "page")

    def __init__(
        self,
        error: OrionError,
        page: Callable[[OrionError], Response[str]],
        extra: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.error = error
        self.page = page
        self.extra = extra


def answer(
    outcome: Outcome | Refusal, request_headers: Mapping[str, str], path: str, headers: Mapping[str, str]
) -> Response[str]:
    """The response to ``outcome`` for the request's ``Accept``: its page, or its JSON (a refusal as
    RFC 9457 problem+json with ``path`` as its instance) with ``headers``."""
    if not wants_json(request_headers):
        return outcome.page(outcome.error) if isinstance(outcome, Refusal) else outcome.page()
    from aws_lambda_powertools.event_handler import Response

    if isinstance(outcome, Refusal):
        body = {**problem_details(outcome.error, path), **(outcome.extra() if outcome.extra else {})}
        return Response(outcome.error.status, PROBLEM_JSON, json.dumps(body), headers=dict(headers))
    with_location = {**headers, "Location": outcome.location} if outcome.location else dict(headers)
    return Response(
        outcome.status,
        "application/json",
        json.dumps(outcome.data()),
        headers=with_location,
        cookies=list(outcome.cookies),
    )


P = ParamSpec("P")


class PageOrJson:
    """Answers the routes of a resolver whose every outcome has a page and a JSON form (the checkout):
    decorate a route returning an :class:`Outcome` or :class:`Refusal` with the instance, and call
    :meth:`answer` from the error handlers, so no route decides between the two itself."""

    def __init__(self, app: APIGatewayHttpResolver, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = dict(headers)  # of every JSON answer (and of no page: pages bring their own)

    def __call__(self, route: Callable[P, Outcome | Refusal]) -> Callable[P, Response[str]]:
        @functools.wraps(route)
        def answered(*args: P.args, **kwargs: P.kwargs) -> Response[str]:
            return self.answer(route(*args, **kwargs))

        return answered

    def answer(self, outcome: Outcome | Refusal) -> Response[str]:
        event = self.app.current_event
        return answer(outcome, event.headers, event.path, self.headers)
