"""The real-WordPress suite's fixtures: one WordPress for the session (tests/wordpress/site.py), trusted as
a channels destination for each test, the moto account with the demo data (the integration tests'
fixtures), and a log of every request the adapter sends.

``make test-wordpress`` installs the Debian packages first and sets ``ORION_TEST_WORDPRESS=required``, so
a machine without them fails there; anywhere else the suite is skipped with the reason."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from orion import runtime
from orion.channels import http
from tests.integration.conftest import account_states, aws, demo  # noqa: F401 (the moto fixtures)
from tests.wordpress.site import WordPressSite, missing_packages


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.wordpress)


@pytest.fixture(scope="session")
def wordpress_site() -> Iterator[WordPressSite]:
    missing = missing_packages()
    if missing:
        reason = f"the real-WordPress suite needs {', '.join(missing)}: run make test-wordpress"
        if os.environ.get("ORION_TEST_WORDPRESS") == "required":
            pytest.fail(reason)
        pytest.skip(reason)
    started = time.monotonic()
    site = WordPressSite.start()
    print(f"\nWordPress at {site.url} started in {time.monotonic() - started:.1f} s")
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture
def site(
    wordpress_site: WordPressSite,
    demo: list[str],  # noqa: F811 (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> WordPressSite:
    """The session's WordPress, serving and trusted as a destination (plain http, loopback)."""
    if wordpress_site.php is None:
        wordpress_site.start_php()
    monkeypatch.setenv("ORION_CHANNELS_TRUSTED_HOSTS", json.dumps(wordpress_site.trusted_hosts))
    runtime.reset()
    return wordpress_site


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """``(method, REST route)`` of every request the adapter sends (a picture's address as the route)."""
    recorded: list[tuple[str, str]] = []

    class Recording(http.PublicTransport):
        def send(self, request: http.HttpRequest) -> http.HttpAnswer:
            route = parse_qs(urlsplit(request.url).query).get("rest_route", [request.url])[0]
            recorded.append((request.method, route))
            return super().send(request)

    monkeypatch.setattr(http, "PublicTransport", Recording)
    return recorded
