"""Pure host handling: normalise a Host header, and pick the viewer's host behind CloudFront."""

from __future__ import annotations

import hmac
import re
from functools import lru_cache

MAX_HOST_LENGTH = 253
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_PORT = re.compile(r":\d{1,5}$")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


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


def viewer_host(
    host: str | None,
    forwarded_host: str | None,
    origin_verify: str | None,
    origin_secret: str | None,
) -> str | None:
    """The host the shopper typed.

    CloudFront sends its own origin host in ``Host``; a CloudFront Function copies the viewer's into
    ``X-Forwarded-Host`` and CloudFront adds the secret ``X-Origin-Verify``. That header is trusted only
    when the secret matches (compared in constant time); otherwise anyone could pick a tenant.
    """
    if (
        forwarded_host
        and origin_secret
        and origin_verify
        and hmac.compare_digest(origin_verify.encode(), origin_secret.encode())
    ):
        return forwarded_host
    return host
