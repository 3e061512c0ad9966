"""A stand-in for the internet image fetches reach (orion.media.remote): hosts with their addresses and
the answers they give, and a log of every connection asked for. No test ever reaches the real network:
tests/conftest.py installs an empty one for every test; ``image_hosts`` fixtures fill it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from orion.media.errors import RemoteRefused
from orion.media.remote import Answer

PUBLIC = "151.101.1.10"  # what the fake DNS gives a public host unless told otherwise (never dialled)


@dataclass
class Served:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ImageHosts:
    """Fake DNS (host -> addresses) and fake HTTPS servers ((host, path) -> answer)."""

    dns: dict[str, list[str]] = field(default_factory=dict)
    pages: dict[tuple[str, str], Served] = field(default_factory=dict)
    connections: list[tuple[str, str, str]] = field(default_factory=list)

    def serve(self, url: str, body: bytes = b"", *, status: int = 200, **headers: str) -> None:
        host, _, path = url.removeprefix("https://").partition("/")
        self.dns.setdefault(host, [PUBLIC])
        self.pages[(host, "/" + path)] = Served(
            status, body, {k.replace("_", "-"): v for k, v in headers.items()}
        )

    def resolve(self, host: str) -> list[str]:
        if host not in self.dns:
            raise RemoteRefused(f"The image host {host} could not be found.")
        return self.dns[host]

    @contextmanager
    def get(self, address: str, host: str, target: str, timeout: float) -> Iterator[Answer]:
        self.connections.append((address, host, target))
        served = self.pages.get((host, target), Served(404))
        body = served.body

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(body), 65536):
                yield body[start : start + 65536]

        yield Answer(served.status, {k.lower(): v for k, v in served.headers.items()}, chunks())
