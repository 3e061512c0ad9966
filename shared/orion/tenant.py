"""Tenant: who a request or an item belongs to (a platform, and within it possibly one store), the
prefix every one of its keys starts with, and what a platform or store code may be."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orion.data import keys

# A platform or store code is a DNS label (stores are served on <store>.<platform domain>): 2-40 of
# a-z, 0-9 and '-', neither starting nor ending with '-'.
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")


def is_valid_code(value: str) -> bool:
    """Whether ``value`` can be a platform or store code."""
    return bool(CODE_PATTERN.fullmatch(value))


@dataclass(frozen=True, slots=True)
class Tenant:
    """Who a request or an item belongs to: a platform, and within it possibly one store."""

    platform: str
    store: str | None = None

    def __post_init__(self) -> None:
        if not is_valid_code(self.platform) or (self.store is not None and not is_valid_code(self.store)):
            raise ValueError(f"invalid tenant codes: {self.platform!r}/{self.store!r}")

    @property
    def key_prefix(self) -> str:
        """The prefix every key of this tenant starts with."""
        if self.store is None:
            return keys.platform_pk(self.platform)
        return keys.store_pk(self.platform, self.store)

    def require_store(self) -> str:
        """The store code; a platform-only tenant here is a programming error."""
        if self.store is None:
            raise ValueError("this operation needs a store tenant")
        return self.store

    def require_platform_only(self) -> str:
        """The platform code of a platform tenant; a store tenant here is a programming error (platform
        administration works on the platform whose API host a request came to, never on one store)."""
        if self.store is not None:
            raise ValueError("this operation needs a platform tenant")
        return self.platform

    def __str__(self) -> str:
        return f"{self.platform}/{self.store}" if self.store else self.platform
