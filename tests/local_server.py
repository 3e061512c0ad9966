"""The local cloud started as `make run` starts it (``python -m infra.local``), on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.environment import REPO_ROOT

# A cold local cloud provisions moto and seeds the demo data before it says so; a busy machine is slow.
START_TIMEOUT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LocalServer:
    """A running local cloud: its gateway port, its moto port, the file its output goes to and its
    process (to signal it, or read its CPU time from /proc)."""

    port: int
    aws_port: int
    output: Path
    process: subprocess.Popen[bytes] | None = None
    stripe_port: int | None = None  # localstripe's

    @property
    def pid(self) -> int:
        assert self.process is not None, "a local cloud this process did not start"
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, host: str | None = None, **kwargs: Any) -> httpx.Client:
        """An HTTP client whose requests carry ``Host: <host>:<port>`` like a browser's would."""
        headers = {"Host": f"{host}:{self.port}"} if host else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30, **kwargs)


@contextmanager
def running_local_server(output: Path, *options: str) -> Iterator[LocalServer]:
    """`python -m infra.local` with demo data on free ports (plus ``options``, e.g. ``--quiet``), its
    output written to ``output``, from the moment it says it is up until the block ends."""
    port, aws_port, stripe_port = free_port(), free_port(), free_port()
    # The server picks its own AWS endpoint and credentials: nothing of this process's may leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ORION_", "POWERTOOLS_"))}
    env["PYTHONPATH"] = "shared:."
    with output.open("w") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "infra.local",
                "--port",
                str(port),
                "--aws-port",
                str(aws_port),
                "--stripe-port",
                str(stripe_port),
                *options,
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while "is up" not in output.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"local cloud did not start:\n{output.read_text()}")
            time.sleep(0.2)
        yield LocalServer(port, aws_port, output, process, stripe_port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
