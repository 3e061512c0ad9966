"""Call the staff API in-process, routed by the wiring table exactly as the gateway routes HTTP."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from infra import wiring
from infra.local import invoke
from infra.local.events import http_api_event, lambda_result_to_http
from infra.local.routing import RouteTable

WIZAMART = "wizamart.oms.localhost:8000"
BAKERY = "bakery.oms.localhost:8000"
OMS_API = "api.oms.localhost:8000"
CAFE = "cafe.loyalty.localhost:8000"

DEMO_LOGINS = {
    "wizamart-owner": ("owner@wizamart.lu", "wizamart-owner-demo"),
    "wizamart-editor": ("editor@wizamart.lu", "wizamart-editor-demo"),
    "bakery-owner": ("owner@bakery.lu", "bakery-owner-demo"),
}


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: list[str] = field(default_factory=list)  # every Set-Cookie header

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


_routes = RouteTable(wiring.FUNCTIONS + wiring.LOCAL_FUNCTIONS)


def call(
    method: str,
    path: str,
    *,
    host: str = WIZAMART,
    body: Any = None,
    token: str | None = None,
    query: str = "",
    source_ip: str = "127.0.0.1",
    form: dict[str, str] | list[tuple[str, str]] | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> ApiResponse:
    headers = [("host", host), *(headers or [])]
    raw = b""
    if body is not None:
        headers.append(("content-type", "application/json"))
        raw = json.dumps(body).encode()
    elif form is not None:  # what a browser's form post sends
        headers.append(("content-type", "application/x-www-form-urlencoded"))
        raw = urlencode(form).encode()
    if token:
        headers.append(("authorization", f"Bearer {token}"))
    path, _, in_path_query = path.partition("?")
    query = query or in_path_query
    match = _routes.match(method, path)
    assert match is not None, f"no function serves {method} {path}"
    event = http_api_event(
        method=method,
        path=path,
        query=query,
        headers=headers,
        body=raw,
        source_ip=source_ip,
        route_key=match.route.key,
        path_parameters=match.path_parameters,
    )
    result = lambda_result_to_http(invoke.invoke(match.function, event))
    return ApiResponse(
        result.status,
        {k.lower(): v for k, v in result.headers},
        result.body,
        [v for k, v in result.headers if k.lower() == "set-cookie"],
    )


def login(who: str, host: str = WIZAMART) -> dict[str, Any]:
    email, password = DEMO_LOGINS[who]
    response = call("POST", "/api/v1/auth/login", host=host, body={"email": email, "password": password})
    assert response.status == 200, response.body
    tokens: dict[str, Any] = response.json()
    return tokens


def token_of(who: str, host: str = WIZAMART) -> str:
    return str(login(who, host)["access_token"])
