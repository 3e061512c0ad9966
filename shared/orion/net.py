"""Outbound connections to addresses someone else chose (an import feed's image links, a merchant's
WordPress site), kept on the public internet.

The pieces every such client needs: whether an address is public, which host names never are, a DNS
lookup with a deadline, an HTTPS connection pinned to the address that was checked (the name is
not resolved again, so a DNS answer cannot change between the check and the connection) with TLS
verified for the name, a body read under a cap and a deadline, and what a network error means
(:func:`failure_of`), which each client words in its own errors.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from enum import StrEnum

# Names that never lead to the public internet (RFC 6761 and RFC 6762), refused without asking DNS.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".test", ".invalid", ".example", ".home.arpa")


# Bytes asked of the socket per read.
CHUNK = 64 * 1024


class LookupFailed(Exception):
    """A host name that could not be resolved; ``timed_out`` when DNS did not answer in time."""

    def __init__(self, host: str, *, timed_out: bool) -> None:
        super().__init__(host)
        self.host = host
        self.timed_out = timed_out


def local_name(host: str) -> bool:
    """Whether ``host`` is a name that never leads to the public internet."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(LOCAL_SUFFIXES)


def public_address(address: str) -> bool:
    """Whether ``address`` is on the public internet (IPv4-mapped IPv6 judged as its IPv4): never
    loopback, private, link-local (the instance metadata service), carrier-grade NAT, multicast or
    reserved."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def loopback_address(address: str) -> bool:
    """Whether ``address`` is this machine's own (127.0.0.0/8, ::1; IPv4-mapped judged as its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def resolve(host: str, port: int, timeout: float) -> list[str]:
    """The addresses DNS gives for ``host`` within ``timeout`` seconds (the lookup runs in a helper
    thread, since the system resolver cannot be given a deadline); LookupFailed otherwise."""
    found: list[str] = []
    failed: list[BaseException] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.extend(dict.fromkeys(str(info[4][0]) for info in infos))
        except (OSError, UnicodeError) as exc:
            failed.append(exc)

    worker = threading.Thread(target=lookup, name=f"resolve-{host}"[:60], daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise LookupFailed(host, timed_out=True)
    if failed or not found:
        raise LookupFailed(host, timed_out=False)
    return found


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to ``host`` (TLS name and ``Host`` header) over a socket to the checked ``address``."""

    def __init__(self, address: str, host: str, timeout: float, port: int = 443) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class BodyTooLarge(Exception):
    """The answer's body is longer than the caller's cap (reading stopped there)."""


class DeadlinePassed(Exception):
    """The answer's body did not arrive before the caller's deadline."""


def read_body(
    connection: http.client.HTTPConnection,
    response: http.client.HTTPResponse,
    *,
    max_bytes: int,
    deadline: float,
    idle_seconds: float,
) -> bytes:
    """``response``'s body, at most ``max_bytes`` (:class:`BodyTooLarge` past that), all of it before
    ``deadline`` (a ``time.monotonic()`` value; :class:`DeadlinePassed` after it).

    Each read returns what has arrived (``read1``) and waits at most ``idle_seconds`` or what is left
    of the deadline, so a host sending a trickle of bytes cannot hold the caller past its deadline (a
    plain ``read(n)`` waits until ``n`` bytes came, each socket wait starting again)."""
    body = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed
        if connection.sock is not None:
            connection.sock.settimeout(min(idle_seconds, left))
        try:
            chunk = response.read1(CHUNK)
        except TimeoutError:
            if time.monotonic() >= deadline:
                raise DeadlinePassed from None
            raise
        if not chunk:
            return bytes(body)
        body.extend(chunk)
        if len(body) > max_bytes:
            raise BodyTooLarge


class Failure(StrEnum):
    """What went wrong on the way to an answer, whoever asked."""

    NOT_FOUND = "not_found"  # DNS gave no address for the name
    LOOKUP_TIMED_OUT = "lookup_timed_out"  # DNS did not answer in time
    TOO_LARGE = "too_large"  # the body passed the caller's cap
    TOO_SLOW = "too_slow"  # the body did not all arrive before the caller's deadline
    NO_ANSWER = "no_answer"  # connecting or a read timed out
    BAD_CERTIFICATE = "bad_certificate"  # TLS failed: no valid certificate for the name
    UNREACHABLE = "unreachable"  # any other connection or protocol error


# Every error :func:`failure_of` names: ``except net.NETWORK_ERRORS as exc`` around a client's lookup,
# connection and reading, then its own error for ``failure_of(exc)``.
NETWORK_ERRORS = (LookupFailed, BodyTooLarge, DeadlinePassed, OSError, http.client.HTTPException)
NetworkError = LookupFailed | BodyTooLarge | DeadlinePassed | OSError | http.client.HTTPException


def failure_of(error: NetworkError) -> Failure:
    """What a network error means (a timeout and a TLS error are also OSErrors: they are named first)."""
    if isinstance(error, LookupFailed):
        return Failure.LOOKUP_TIMED_OUT if error.timed_out else Failure.NOT_FOUND
    if isinstance(error, BodyTooLarge):
        return Failure.TOO_LARGE
    if isinstance(error, DeadlinePassed):
        return Failure.TOO_SLOW
    if isinstance(error, TimeoutError):
        return Failure.NO_ANSWER
    if isinstance(error, ssl.SSLError):
        return Failure.BAD_CERTIFICATE
    return Failure.UNREACHABLE
