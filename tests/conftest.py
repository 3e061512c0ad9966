"""Fixtures shared by every suite: an AWS account (moto) provisioned from the wiring table, demo data,
and a running local cloud (`python -m infra.local`, what `make run` starts) for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from moto import mock_aws

from infra.local.cloud import reset_orion_caches
from infra.local.provision import LOCAL_REGION, local_environment, provision

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO_ROOT / "test-artifacts"

TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
    "ORION_STAGE": "test",
    "ORION_DEV_PATH_MODE": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_SERVICE_NAME": "orion-test",
    # Cheap argon2id in tests (production cost is measured in tests/bench).
    "ORION_PASSWORD_HASH_TIME_COST": "1",
    "ORION_PASSWORD_HASH_MEMORY_KIB": "1024",
    "ORION_PASSWORD_HASH_PARALLELISM": "1",
}


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts from the same environment and empty per-process caches; never real AWS."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**TEST_ENV, **local_environment()}.items():
        monkeypatch.setenv(name, value)
    reset_orion_caches()
    yield
    reset_orion_caches()


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh moto account with every table, bucket and secret of the wiring table."""
    with mock_aws():
        provision()
        reset_orion_caches()
        yield


@pytest.fixture
def demo(aws: None) -> list[str]:
    """The demo platforms, stores and data that `make run` seeds."""
    from infra.local.demo import seed_demo

    return seed_demo()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LocalServer:
    """The local cloud started as `make run` starts it, on free ports."""

    port: int
    aws_port: int
    output: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, host: str | None = None, **kwargs: Any) -> httpx.Client:
        """An HTTP client whose requests carry ``Host: <host>:<port>`` like a browser's would."""
        headers = {"Host": f"{host}:{self.port}"} if host else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30, **kwargs)


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
