"""Playwright for Python driving Debian's Chromium (``executable_path``, no browser download) against
the server `make run` starts, with axe-core for accessibility."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.e2e.browser import FLAGS, chromium
from tests.local_server import LocalServer

SERIOUS = ("serious", "critical")


@contextmanager
def playwright_browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=list(FLAGS))
        try:
            yield browser
        finally:
            browser.close()


def console_url(server: LocalServer, path: str = "/admin/", host: str = "wizamart.oms.localhost") -> str:
    return f"http://{host}:{server.port}{path}"


def sign_in(
    page: Any, server: LocalServer, email: str, password: str, host: str = "wizamart.oms.localhost"
) -> None:
    page.goto(console_url(server, "/admin/", host))
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]:has-text("Sign in")')
    page.wait_for_url("**/admin/")


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (id: first target)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target'] if v['nodes'] else ''} {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def outbox_link(server: LocalServer, to: str, pattern: str, kind: str | None = None) -> str:
    """The first match of ``pattern`` in the newest e-mail (of ``kind``, if given) the local cloud's
    outbox holds for ``to`` (the dev outbox lists newest first)."""
    import re

    with server.client() as dev:
        messages = dev.get("/_dev/outbox", params={"to": to}).json()["messages"]
    messages = [m for m in messages if kind is None or m["kind"] == kind]
    assert messages, f"no e-mail{f' of kind {kind}' if kind else ''} to {to}"
    found = re.search(pattern, messages[0]["text"])
    assert found, messages[0]["text"]
    return found.group(0)
