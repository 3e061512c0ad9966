"""What a destination adapter hands over: an item prepared for sending (and its hash), where a published
item lives, an item as the destination has it now (two-way sync), and a connection check.

Apart from ``adapters`` so the adapters of each platform (``shopify``, ...) can use these without importing
the module that picks them (``adapters.adapter_for``): no import cycle."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orion.channels.models import ItemKind
from orion.errors import NotFound
from orion.tenancy import platforms
from orion.tenant import Tenant


@dataclass(frozen=True)
class Prepared:
    """What an adapter would send for one item (a product, or a CMS page by its slug), and the hash of
    exactly that."""

    item_kind: ItemKind
    item_id: str
    content: dict[str, Any]
    content_hash: str


@dataclass(frozen=True)
class RemoteItem:
    """Where a published item lives at the destination."""

    remote_id: str
    remote_url: str | None


@dataclass(frozen=True)
class RemoteChange:
    """An item as the destination has it now, for two-way sync: its remote id, the syncable fields in
    Orion's terms (products: ``title``, ``description``, ``price`` and ``compare_at_price`` of the
    first variant in minor units, ``images`` as addresses, ``brand``, ``status``; pages: ``title``,
    ``body_html``), and when it was last changed there. Only the fields the destination knows are
    given; the caller compares them with what was last sent."""

    item_kind: ItemKind
    remote_id: str
    fields: dict[str, Any]
    changed_at: datetime


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    detail: str


def content_hash(content: dict[str, Any]) -> str:
    """sha-256 of the content as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class PublicAddresses:
    """Absolute addresses a destination can fetch, for a store's host-relative ones (uploaded images,
    ``/media/...``): on ``https://<store>.<the platform's first domain>`` (read once), or ``origin`` when
    given; None for a host-relative address when the platform has no domain. Absolute ones pass as
    they are."""

    def __init__(self, tenant: Tenant, origin: str | None = None) -> None:
        self.tenant = tenant
        self._origin = origin

    def __call__(self, address: str | None) -> str | None:
        if address is None or not address.startswith("/"):
            return address
        if self._origin is None:
            try:
                domains = platforms.get_platform(Tenant(self.tenant.platform)).domains
            except NotFound:
                domains = ()
            self._origin = f"https://{self.tenant.require_store()}.{domains[0]}" if domains else ""
        return f"{self._origin}{address}" if self._origin else None
