"""Resolve ``(host, path)`` to a tenant and the path the application sees; pure, given a domain lookup."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from orion.tenancy.hosts import LOOPBACK_HOSTS, normalize_host, parent_host
from orion.tenancy.models import DomainRecord, HostKind
from orion.tenant import Tenant, is_valid_code

# First labels under a platform domain that are not stores.
RESERVED_LABELS: Mapping[str, HostKind] = {"www": HostKind.PLATFORM, "api": HostKind.API}
# Store codes that would collide with reserved labels or path-mode segments.
RESERVED_STORE_CODES = frozenset({"api", "www", "admin", "static", "assets", "stores", "health", "cdn"})
MAX_PATH_LENGTH = 2048

_STORE_PATH = re.compile(r"^/stores/(?P<store>[^/]+)(?P<rest>/.*)?$")
_DEV_PATH = re.compile(r"^/(?P<platform>[^/]+)(?:/stores/(?P<store>[^/]+))?(?P<rest>/.*)?$")

DomainLookup = Callable[[Sequence[str]], Mapping[str, DomainRecord]]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The tenant a request is for, what kind of host it came through, and the app-relative path."""

    tenant: Tenant
    host_kind: HostKind
    path: str
    # The part of the URL path that selected the tenant ("/stores/wizamart"); links are built under it.
    base_path: str = ""


def resolve_tenant(
    raw_host: str | None,
    raw_path: str | None,
    lookup: DomainLookup,
    *,
    dev_path_mode: bool = False,
) -> Resolution | None:
    """The tenant for a request, or ``None`` when no tenant may be served (a 404, no data read).

    ``lookup`` is given the host and its parent and returns the ``DOMAIN#`` records it knows, in one
    round trip. Rows of the tenancy table (see docs/architecture.md, Tenancy):

    - a verified custom domain -> its store, path unchanged;
    - ``<store>.<platform domain>`` -> that store; ``www.`` -> the platform; ``api.`` -> platform API;
    - ``<platform domain>/stores/<store>/...`` -> that store, path without the prefix;
    - ``<platform domain>/...`` -> the platform's own site;
    - ``localhost/<platform>/stores/<store>/...`` and ``localhost/<platform>/...`` in dev path mode.
    """
    host = normalize_host(raw_host)
    path = _normalize_path(raw_path)
    if host is None or path is None:
        return None
    if host in LOOPBACK_HOSTS:
        return _dev_path_resolution(path) if dev_path_mode else None

    parent = parent_host(host)
    records = lookup((host, parent) if parent else (host,))
    own = records.get(host)
    if own is not None:
        if own.store is not None:
            if not own.verified:
                return None
            return Resolution(Tenant(own.platform, own.store), HostKind.STORE, path)
        return _platform_host_resolution(own.platform, path)

    above = records.get(parent) if parent else None
    if above is None or above.store is not None:
        return None
    label = host.split(".", 1)[0]
    reserved = RESERVED_LABELS.get(label)
    if reserved is HostKind.PLATFORM:
        return _platform_host_resolution(above.platform, path)
    if reserved is HostKind.API:
        return Resolution(Tenant(above.platform), HostKind.API, path)
    if is_valid_code(label) and label not in RESERVED_STORE_CODES:
        return Resolution(Tenant(above.platform, label), HostKind.STORE, path)
    return None


def _normalize_path(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return "/"
    if not raw.startswith("/") or len(raw) > MAX_PATH_LENGTH:
        return None
    return raw


def _platform_host_resolution(platform: str, path: str) -> Resolution | None:
    match = _STORE_PATH.match(path)
    if match is None:
        return Resolution(Tenant(platform), HostKind.PLATFORM, path)
    store = match["store"]
    if not is_valid_code(store) or store in RESERVED_STORE_CODES:
        return None
    return Resolution(Tenant(platform, store), HostKind.STORE, match["rest"] or "/", f"/stores/{store}")


def _dev_path_resolution(path: str) -> Resolution | None:
    match = _DEV_PATH.match(path)
    if match is None or not is_valid_code(match["platform"]):
        return None
    platform, store = match["platform"], match["store"]
    rest = match["rest"] or "/"
    if store is None:
        return Resolution(Tenant(platform), HostKind.PLATFORM, rest, f"/{platform}")
    if not is_valid_code(store) or store in RESERVED_STORE_CODES:
        return None
    return Resolution(Tenant(platform, store), HostKind.STORE, rest, f"/{platform}/stores/{store}")
