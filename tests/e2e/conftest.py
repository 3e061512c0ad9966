"""End-to-end fixtures: one local cloud per test session, started exactly as `make run` starts it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.local_server import LocalServer, running_local_server


@pytest.fixture(scope="session")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with running_local_server(tmp_path_factory.mktemp("local-server") / "output.log") as server:
        yield server
