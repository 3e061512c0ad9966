"""Key builders and the named access patterns of the single table.

Every tenant-scoped key starts with its tenant: ``P#<platform>`` for platform-wide items and
``P#<platform>#S#<store>`` for a store's items, so an IAM ``dynamodb:LeadingKeys`` condition can confine
a role to one platform or store. Host lookups are the one global family: ``DOMAIN#<host>``.
Codes are validated to ``[a-z0-9-]{2,40}`` before they reach a key, so they never contain ``#``.

Features add their key builders here and register each access pattern in :data:`ACCESS_PATTERNS`,
so the whole table layout can be read (and tested) in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

DELIMITER = "#"
_CODE = re.compile(r"^[a-z0-9-]{2,40}$")


class InvalidKeyPart(ValueError):
    """A key part that would break the layout (a delimiter inside a code, an empty id)."""


def _checked_code(value: str, what: str) -> str:
    if not _CODE.fullmatch(value):
        raise InvalidKeyPart(f"{what} code {value!r} must match [a-z0-9-]{{2,40}}")
    return value


def _checked_part(value: str, what: str) -> str:
    if not value or DELIMITER in value:
        raise InvalidKeyPart(f"{what} {value!r} must be non-empty and free of {DELIMITER!r}")
    return value


# --- tenant prefixes ---------------------------------------------------------------------------------


def platform_pk(platform: str) -> str:
    """``P#<platform>``: the partition of platform-wide items."""
    return f"P#{_checked_code(platform, 'platform')}"


def store_pk(platform: str, store: str) -> str:
    """``P#<platform>#S#<store>``: the prefix of every key of one store."""
    return f"{platform_pk(platform)}#S#{_checked_code(store, 'store')}"


# --- tenancy -----------------------------------------------------------------------------------------

PLATFORM_SK = "PLATFORM"
STORE_SK = "STORE"
MERCHANT_SK = "MERCHANT"


def domain_pk(host: str) -> str:
    """``DOMAIN#<host>``: the host -> tenant lookup (one GetItem, cached)."""
    return f"DOMAIN#{_checked_part(host, 'host')}"


DOMAIN_SK = "DOMAIN"


def merchant_pk(platform: str, merchant_id: str) -> str:
    return f"{platform_pk(platform)}#M#{_checked_part(merchant_id, 'merchant id')}"


def platform_stores_gsi1pk(platform: str) -> str:
    """GSI1 partition listing a platform's stores (sorted by store code)."""
    return f"{platform_pk(platform)}#STORES"


def platform_merchants_gsi1pk(platform: str) -> str:
    """GSI1 partition listing a platform's merchants (sorted by name)."""
    return f"{platform_pk(platform)}#MERCHANTS"


def store_domains_gsi1pk(platform: str, store: str) -> str:
    """GSI1 partition listing a store's custom domains."""
    return f"{store_pk(platform, store)}#DOMAINS"


# --- the registry --------------------------------------------------------------------------------------

Operation = Literal["GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "TransactWriteItems"]


@dataclass(frozen=True)
class AccessPattern:
    """One way the application reads or writes the table; ``key`` shows the key it uses."""

    name: str
    operation: Operation
    key: str
    index: str | None = None
    requests: int = 1


ACCESS_PATTERNS: tuple[AccessPattern, ...] = (
    AccessPattern(
        "resolve host to tenant",
        "BatchGetItem",
        "PK=DOMAIN#<host> and DOMAIN#<parent host>, SK=DOMAIN",
    ),
    AccessPattern(
        "load store and platform profile",
        "BatchGetItem",
        "PK=P#<p>#S#<s> SK=STORE; PK=P#<p> SK=PLATFORM",
    ),
    AccessPattern("get platform", "GetItem", "PK=P#<p>, SK=PLATFORM"),
    AccessPattern("get store", "GetItem", "PK=P#<p>#S#<s>, SK=STORE"),
    AccessPattern("get merchant", "GetItem", "PK=P#<p>#M#<id>, SK=MERCHANT"),
    AccessPattern("list stores of a platform", "Query", "GSI1PK=P#<p>#STORES, GSI1SK=<store>", "GSI1"),
    AccessPattern("list merchants of a platform", "Query", "GSI1PK=P#<p>#MERCHANTS, GSI1SK=<name>", "GSI1"),
    AccessPattern(
        "list custom domains of a store", "Query", "GSI1PK=P#<p>#S#<s>#DOMAINS, GSI1SK=<host>", "GSI1"
    ),
)
