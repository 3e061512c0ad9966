"""Fetching an image from an address someone else wrote (an import feed's image links), safely.

The address comes from a file a merchant uploaded, so it is treated as hostile: only ``https`` on port
443, no credentials in it; every address its host name resolves to must be public (no loopback, private,
link-local, carrier-grade NAT, multicast or reserved ranges, so never the instance metadata service or a
VPC neighbour); the connection goes to the address that was checked (the name is not resolved again, so
a DNS answer cannot change between the check and the connection), with TLS verified for the name; a
redirect is followed only to an address passing the same checks, at most :data:`MAX_REDIRECTS` times;
connecting and reading each have a timeout and the whole download a deadline; the body is cut at the
size cap (a ``Content-Length`` above it is refused before reading).

:class:`Transport` is the network: tests give a fake one and check every rule without a server.
"""

from __future__ import annotations

import http.client
import ipaddress
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from orion import net
from orion.media.errors import RemoteRefused

MAX_REDIRECTS = 3
CONNECT_TIMEOUT_SECONDS = 5.0
DOWNLOAD_DEADLINE_SECONDS = 20.0
_CHUNK = 64 * 1024
Resolver = Callable[[str], list[str]]


@dataclass
class Answer:
    """An HTTP answer as :func:`fetch_image` reads it: status, lower-cased headers, and the body in
    chunks (read lazily, so a large body is never read past the cap)."""

    status: int
    headers: dict[str, str]
    chunks: Iterator[bytes]


class Transport(Protocol):
    def get(self, address: str, host: str, target: str, timeout: float) -> AbstractContextManager[Answer]:
        """GET ``target`` (path and query) from ``host`` over TLS, connecting to ``address``."""
        ...


def resolve_host(host: str) -> list[str]:
    """The addresses DNS gives for ``host``, within :data:`CONNECT_TIMEOUT_SECONDS`."""
    try:
        return net.resolve(host, 443, CONNECT_TIMEOUT_SECONDS)
    except net.LookupFailed as exc:
        if exc.timed_out:
            raise RemoteRefused(f"The image host {host} could not be looked up in time.") from None
        raise RemoteRefused(f"The image host {host} could not be found.") from None


def checked_target(url: str, resolve: Resolver) -> tuple[str, str, str]:
    """``(address, host, target)`` for an address that passes every rule; RemoteRefused otherwise."""
    if len(url) > 2048:
        raise RemoteRefused("The image address is longer than 2,048 characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RemoteRefused("The image address is not a valid URL.") from exc
    if parts.scheme.lower() != "https":
        raise RemoteRefused("Image addresses must use https.")
    if parts.username or parts.password:
        raise RemoteRefused("Image addresses may not carry a user name or password.")
    if port not in (None, 443):
        raise RemoteRefused("Image addresses may not name a port other than 443.")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise RemoteRefused("The image address names no host.")
    if net.local_name(host):
        raise RemoteRefused(f"The image host {host} is not on the public internet.")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        addresses = resolve(host)
    else:
        addresses = [str(literal)]
    if not addresses:
        raise RemoteRefused(f"The image host {host} could not be found.")
    if not all(net.public_address(address) for address in addresses):
        raise RemoteRefused(f"The image host {host} is not on the public internet.")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return addresses[0], host, target


def fetch_image(
    url: str,
    max_bytes: int,
    *,
    transport: Transport | None = None,
    resolve: Resolver | None = None,
) -> bytes:
    """The bytes at ``url`` under the rules above (RemoteRefused, with the reason, for anything else).
    ``transport`` and ``resolve`` stand for the network (tests); by default the real one."""
    network = transport or HttpsTransport()
    lookup = resolve or resolve_host
    deadline = time.monotonic() + DOWNLOAD_DEADLINE_SECONDS
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        address, host, target = checked_target(current, lookup)
        try:
            with network.get(address, host, target, CONNECT_TIMEOUT_SECONDS) as answer:
                if answer.status in (301, 302, 303, 307, 308):
                    location = answer.headers.get("location")
                    if not location:
                        raise RemoteRefused(f"The image host answered {answer.status} without an address.")
                    current = urljoin(current, location)
                    continue
                if answer.status != 200:
                    raise RemoteRefused(f"The image host answered {answer.status} instead of the image.")
                declared = answer.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise RemoteRefused(_too_large(max_bytes))
                return _read_capped(answer.chunks, max_bytes, deadline)
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteRefused(_network_reason(host, exc)) from exc
    raise RemoteRefused(f"The image address redirected more than {MAX_REDIRECTS} times.")


def _read_capped(chunks: Iterator[bytes], max_bytes: int, deadline: float) -> bytes:
    body = bytearray()
    for chunk in chunks:
        body.extend(chunk)
        if len(body) > max_bytes:
            raise RemoteRefused(_too_large(max_bytes))
        if time.monotonic() > deadline:
            raise RemoteRefused(
                f"The image took longer than {DOWNLOAD_DEADLINE_SECONDS:.0f} seconds to download."
            )
    if not body:
        raise RemoteRefused("The image host sent an empty file.")
    return bytes(body)


def _too_large(max_bytes: int) -> str:
    return f"The image is larger than {max_bytes // (1024 * 1024)} MB."


def _network_reason(host: str, exc: OSError | http.client.HTTPException) -> str:
    match net.failure_of(exc):
        case net.Failure.NO_ANSWER:
            return f"The image host {host} did not answer in time."
        case net.Failure.BAD_CERTIFICATE:
            return f"The image host {host} has no valid certificate for its name."
        case _:
            return f"The image host {host} could not be reached."


class HttpsTransport:
    """The real network (the standard library's HTTP client, no proxy, no automatic redirects)."""

    @contextmanager
    def get(self, address: str, host: str, target: str, timeout: float) -> Iterator[Answer]:
        connection = net.PinnedHTTPSConnection(address, host, timeout)
        try:
            connection.request(
                "GET", target, headers={"User-Agent": "Orion-image-fetch/1", "Accept": "image/*"}
            )
            response = connection.getresponse()
            answered = {name.lower(): value for name, value in response.getheaders()}

            def chunks() -> Iterator[bytes]:
                while chunk := response.read(_CHUNK):
                    yield chunk

            yield Answer(response.status, answered, chunks())
        finally:
            connection.close()
