"""HEAD answered like GET without a body (RFC 9110 9.3.2): the wiring gives every GET route a HEAD
twin, and the handlers resolve it through their GET routes."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any


def resolve_head_as_get(
    event: dict[str, Any], resolve: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """``resolve(event)``; a HEAD request is resolved as the GET it mirrors and its body dropped
    (status and headers, ETag, Cache-Control and the body's Content-Length included, stay those of
    the GET)."""
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
