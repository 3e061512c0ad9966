"""Bodies of the few routes a browser form and a JSON client both post to (an invitation's or a
sign-in link's page): read once, size-capped, as a dict."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from orion.errors import BadRequest

MAX_FORM_BODY = 4096


async def form_or_json_body(request: Request) -> tuple[dict[str, Any], bool]:
    """The body as a dict, and whether it came from a page's form (urlencoded) rather than a JSON
    client."""
    raw = await request.body()
    if len(raw) > MAX_FORM_BODY:  # never cut a password short: refuse instead
        raise BadRequest(f"The request may be at most {MAX_FORM_BODY} bytes.")
    if (request.headers.get("content-type") or "").startswith("application/x-www-form-urlencoded"):
        fields = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        return {name: value for name, value in fields if value.strip()}, True  # blank means not given
    try:
        data = json.loads(raw or b"{}")
    except ValueError as exc:
        raise BadRequest("The body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data, False


def form_or_json_schema(schema: str) -> dict[str, Any]:
    """The OpenAPI request body of such a route: the model named ``schema``, as JSON or as a form."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                media: {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                for media in ("application/json", "application/x-www-form-urlencoded")
            },
        }
    }
