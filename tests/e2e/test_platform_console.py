"""The platform console and the merchant sign-up in a real browser (Playwright + Debian's Chromium)
against `make run`'s server, with axe-core on every page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.console_browser import console_url, playwright_browser, serious_violations, sign_in
from tests.local_server import LocalServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
OMS_API = "api.oms.localhost"
ADMIN = ("admin@oms.lu", "oms-admin-demo")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_browser() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_an_admin_reaches_every_platform_page_with_no_serious_accessibility_violation(
    local_server: LocalServer, page: Any
) -> None:
    page.goto(console_url(local_server, "/admin/login", OMS_API))
    assert serious_violations(page) == []
    sign_in(page, local_server, *ADMIN, host=OMS_API)
    links = page.locator("nav.menu a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/admin/stores" in links and "/admin/outbox" in links
    problems: dict[str, list[str]] = {}
    for href in links:
        response = page.goto(console_url(local_server, href, OMS_API))
        assert response is not None and response.status == 200, href
        found = serious_violations(page)
        if found:
            problems[href] = found
    assert problems == {}
