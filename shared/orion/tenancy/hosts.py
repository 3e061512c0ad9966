"""Pure host handling: tell a readable Host header from garbage, normalise it, and pick the viewer's
host behind CloudFront."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_HOST_LENGTH = 253
MAX_PORT = 65535
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_PORT = re.compile(r":\d{1,5}$")
_PORT_DIGITS = re.compile(r"[0-9]{1,5}")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def is_well_formed_host(raw: str | None) -> bool:
    """Whether ``raw`` is a Host header value the platform reads at all: a name of ASCII letters,
    digits and hyphens (labels of 1 to 63 characters, 253 in all, one trailing dot allowed; an
    ``xn--`` label must be punycode) or an IPv4 address, with an optional port 0-65535.

    Anything else (no host, a bad or empty port, several colons, an IPv6 literal, raw Unicode, control
    characters, an over-long name) is malformed: a request carrying it is refused (400) before any
    framework parses it. A browser sends an internationalised name as punycode, and no Orion host is an
    IPv6 literal (API Gateway and CloudFront are reached by name, the local cloud on 127.0.0.1). A
    well-formed host may still serve no tenant: that is :func:`normalize_host` and the resolver's call.
    """
    if raw is None or not raw.isascii():
        return False
    name, colon, port = raw.strip(" \t").partition(":")
    if colon and not is_port(port):
        return False
    name = name.lower().removesuffix(".")
    if not name or len(name) > MAX_HOST_LENGTH:
        return False
    return all(_LABEL.fullmatch(label) and _is_punycode_if_marked(label) for label in name.split("."))


def is_port(raw: str) -> bool:
    """Whether ``raw`` is a TCP port number (ASCII digits, 0-65535), as a Host or X-Forwarded-Port has it."""
    return bool(_PORT_DIGITS.fullmatch(raw)) and int(raw) <= MAX_PORT


def _is_punycode_if_marked(label: str) -> bool:
    """An ``xn--`` label must decode to a Unicode label that encodes back to it, without control
    characters; Python's ``idna`` codec is not used here (IDNA 2003: it refuses real IDNA 2008 names)."""
    if not label.startswith("xn--"):
        return True
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        return False
    return (
        not decoded.isascii()
        and decoded.encode("punycode") == label[4:].encode("ascii")
        and not any(unicodedata.category(char) == "Cc" for char in decoded)
    )


@lru_cache(maxsize=4096)  # pure, and a container sees the same few hosts again and again
def normalize_host(raw: str | None) -> str | None:
    """The canonical ASCII form of a Host value, or ``None`` if it cannot be a host name.

    Lower-cases, strips the port and a trailing dot, and converts internationalised names to
    their IDNA (punycode) form; anything that is not a valid DNS name is rejected rather than guessed.
    """
    if not raw or len(raw) > MAX_HOST_LENGTH + 8:
        return None
    host = raw.strip().lower()
    if host.startswith("["):  # IPv6 literal, only loopback is meaningful here
        return "::1" if re.fullmatch(r"\[::1\](:\d{1,5})?", host) else None
    host = _PORT.sub("", host).rstrip(".")
    if not host or len(host) > MAX_HOST_LENGTH:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host):
        return host if host == "127.0.0.1" else None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except (UnicodeError, ValueError):
            return None
    labels = host.split(".")
    if len(host) > MAX_HOST_LENGTH or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return host


def parent_host(host: str) -> str | None:
    """The host with its first label removed, if that still leaves a multi-label name or localhost."""
    _, _, rest = host.partition(".")
    if not rest or ("." not in rest and rest != "localhost"):
        return None
    return rest


def viewer_host(host: str | None, forwarded_host: str | None, *, verified: bool) -> str | None:
    """The host the shopper typed.

    CloudFront sends its own origin host in ``Host``; a CloudFront Function copies the viewer's into
    ``X-Forwarded-Host`` and CloudFront adds the secret ``X-Origin-Verify``. That header is trusted only
    when ``verified`` (the secret matched one of its accepted versions, see
    ``orion.tenancy.origin_verify``); otherwise anyone could pick a tenant.
    """
    if forwarded_host and verified:
        return forwarded_host
    return host
