"""End-to-end fixtures: one local cloud per test session, started exactly as `make run` starts it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.local_server import LocalServer, running_local_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Playwright's Chromium (Debian's binary), one per test module."""
    from tests.e2e.console_browser import playwright_browser

    with playwright_browser() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh browser context (its own cookies)."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with running_local_server(tmp_path_factory.mktemp("local-server") / "output.log") as server:
        yield server
