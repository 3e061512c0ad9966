"""The demo data for each shopper test, and a way to call the shopper handlers with the events API
Gateway would send."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest

from infra.local.events import http_api_event
from tests.events import FakeContext

WIZAMART = "wizamart.oms.lu"
BAKERY = "bakery.oms.lu"
PLATFORM = "oms.lu"


@pytest.fixture
def seeded(demo: list[str]) -> None:
    """The demo data, a fresh copy for each test (see tests/integration/conftest.py)."""


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    body: str
    cookies: list[str]

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


def call(
    handler: Any,
    method: str,
    path: str,
    *,
    host: str = WIZAMART,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
) -> Result:
    all_headers = [("Host", host), *(headers or {}).items()]
    body = b""
    if form is not None:
        body = urlencode(form).encode()
        all_headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    if cookies:
        all_headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())))
    event = http_api_event(
        method=method, path=path, query=urlencode(query or {}), headers=all_headers, body=body
    )
    raw = handler(event, FakeContext())
    return Result(
        status=raw["statusCode"],
        headers=dict(raw.get("headers") or {}),
        body=str(raw.get("body") or ""),
        cookies=list(raw.get("cookies") or []),
    )


def cookie_jar(result: Result) -> dict[str, str]:
    jar: dict[str, str] = {}
    for raw in result.cookies:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(raw)
        jar.update({key: morsel.value for key, morsel in parsed.items()})
    return jar
