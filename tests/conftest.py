"""Fixtures shared by every suite: the same environment and a fresh runtime for each test.

Unit tests need nothing more; the moto account (``aws``, ``demo``) lives in tests/integration and the
running local cloud (``local_server``) in tests/e2e, so a unit test never imports either.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orion import runtime
from orion.media import remote
from tests.environment import FOREIGN, TEST_ENV
from tests.image_hosts import ImageHosts


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts from the same environment and empty per-process state; never real AWS."""
    for name in FOREIGN:
        monkeypatch.delenv(name, raising=False)
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    runtime.reset()
    yield
    runtime.reset()


@pytest.fixture(autouse=True)
def image_hosts(monkeypatch: pytest.MonkeyPatch) -> ImageHosts:
    """The internet as image fetches see it (empty unless the test serves something): never the real one."""
    hosts = ImageHosts()
    monkeypatch.setattr(remote, "resolve_host", hosts.resolve)
    monkeypatch.setattr(remote, "HttpsTransport", lambda: hosts)
    return hosts
