"""The local cloud started as `make run` starts it (``python -m infra.local``), on free ports."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LocalServer:
    """A running local cloud: its gateway port, its moto port and the file its output goes to."""

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
