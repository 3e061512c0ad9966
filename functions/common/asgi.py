"""The Lambda entry of an ASGI app (the staff API's and the console's FastAPI apps): Mangum under the
decorator stack of every HTTP handler."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools.utilities.typing import LambdaContext
from mangum import Mangum
from mangum.types import ASGI
from starlette.requests import Request

from functions.common.edge import Refuse, http_entry, problem_result
from orion.ids import new_id

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def lambda_handler(app: ASGI, refuse: Refuse = problem_result) -> LambdaHandler:
    """The Lambda entry for ``app``: Mangum under the decorator stack of every HTTP handler, which
    refuses a malformed Host before Mangum parses it (problem+json unless ``refuse`` says otherwise)."""
    adapter = Mangum(
        app,
        lifespan="off",
        text_mime_types=["application/json", "application/problem+json", "text/html", "text/plain"],
    )

    @http_entry(refuse)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        _ensure_event_loop()
        result: dict[str, Any] = adapter(event, cast(Any, context))
        return _without_type_of_nothing(result)

    return handler


def _without_type_of_nothing(result: dict[str, Any]) -> dict[str, Any]:
    """Mangum labels every HTTP API v2 response without a Content-Type as JSON, even a 204, a 304 or a
    bodiless redirect, which have no content to type (RFC 9110 8.3): drop the label there."""
    status = int(result.get("statusCode") or 0)
    if (status in (204, 304) or 300 <= status < 400) and not result.get("body"):
        headers = {k: v for k, v in (result.get("headers") or {}).items() if k.lower() != "content-type"}
        return {**result, "headers": headers}
    return result


def _ensure_event_loop() -> None:
    """Mangum runs the app on the thread's current event loop. Lambda calls handlers on its main
    thread, which has one; the local gateway calls them on worker threads, which need their own."""
    try:
        asyncio.get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())


def request_id(request: Request) -> str:
    """API Gateway's request id (the correlation id in logs, the one audit records carry), or a fresh id
    outside API Gateway."""
    event: dict[str, Any] = request.scope.get("aws.event") or {}
    found = (event.get("requestContext") or {}).get("requestId")
    return str(found) if found else new_id()
