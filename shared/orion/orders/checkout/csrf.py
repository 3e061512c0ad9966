"""Forged-request protection for shopper forms.

Two checks, both required where they apply:
- Origin (or, without it, Referer) must name the request's own origin: scheme, host and port (a
  missing port is the scheme's default, http 80 and https 443). Browsers send Origin on every
  cross-origin POST, so a form on another site, including a sibling store on the same platform domain
  (same-site, so SameSite=Lax cookies would still be sent), another port of the same host, or the same
  host over the other scheme (a plain-http page a network attacker wrote), is refused.
- Forms the checkout function renders (cart, checkout) carry a token: an HMAC of the tenant and
  cart id under a server secret, so it cannot be made without the secret and is useless for another
  cart. The add-to-cart form lives on publicly cached product pages and cannot carry a per-cart
  token: it relies on the Origin check, and a request with neither Origin nor Referer must bring one.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from orion.errors import Forbidden
from orion.tenancy.hosts import normalize_host
from orion.tenant import Tenant

FORGED = "This form has expired or did not come from this shop. Please go back, reload and try again."


def csrf_token(secret: str, tenant: Tenant, cart_id: str | None) -> str:
    message = f"{tenant.platform}/{tenant.store}/{cart_id or '-'}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


_DEFAULT_PORTS = {"http": 80, "https": 443}


def check_origin(scheme: str, host: str | None, origin: str | None, referer: str | None) -> bool:
    """Whether the request names where it came from (Origin or Referer); Forbidden if that is another
    origin than the request's own (``scheme`` and its ``host`` header). ``False`` means neither header
    was sent."""
    source = origin if origin is not None else referer
    if source is None:
        return False
    own = _origin(scheme, host or "")
    try:
        parts = urlsplit(source)
    except ValueError:  # e.g. "http://[x": not an origin at all
        raise Forbidden(FORGED) from None
    came_from = _origin(parts.scheme, parts.netloc) if source != "null" else None
    if own is None or came_from is None or came_from != own:
        raise Forbidden(FORGED)
    return True


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an http(s) origin, its port made explicit (the scheme's default
    where ``netloc`` names none); None for another scheme or a netloc that is not a host."""
    default = _DEFAULT_PORTS.get(scheme.lower())
    name = normalize_host(netloc)
    try:
        port = urlsplit("//" + netloc).port
    except ValueError:
        return None
    if default is None or name is None:
        return None
    return scheme.lower(), name, default if port is None else port


def check_request(
    secret: str,
    tenant: Tenant,
    cart_id: str | None,
    *,
    scheme: str,
    host: str | None,
    origin: str | None,
    referer: str | None,
    token: str | None,
    token_required: bool,
) -> None:
    """Forbidden unless the request is same-origin (its own origin being ``scheme``://``host``) and,
    where required (or no Origin/Referer was sent), carries the cart's token."""
    named = check_origin(scheme, host, origin, referer)
    if token_required or not named:
        expected = csrf_token(secret, tenant, cart_id)
        if not token or not hmac.compare_digest(token.encode(), expected.encode()):
            raise Forbidden(FORGED)
