"""End-to-end fixtures: one local cloud per test session, started exactly as `make run` starts it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.environment import REPO_ROOT
from tests.local_server import LocalServer, free_port


@pytest.fixture(scope="session")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    port, aws_port = free_port(), free_port()
    output = tmp_path_factory.mktemp("local-server") / "output.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ORION_", "POWERTOOLS_"))}
    env["PYTHONPATH"] = "shared:."
    with output.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.local", "--port", str(port), "--aws-port", str(aws_port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = LocalServer(port, aws_port, output)
    deadline = time.monotonic() + 90
    while "is up" not in output.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"local cloud did not start:\n{output.read_text()}")
        time.sleep(0.2)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
