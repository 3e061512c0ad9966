"""Destination adapters behind one interface, and the ``orion_site`` adapter: a store publishing its
products into another store of the same merchant, through orion.catalog's services.

An adapter first *prepares* what it would send for a product (and the hash of exactly that), so the
caller can tell an unchanged product from a changed one without talking to the destination at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from orion.catalog import service as catalog
from orion.catalog.images import image_address
from orion.catalog.models import Product, ProductInput, ProductStatus
from orion.channels.errors import ChannelUnavailable, DestinationError
from orion.channels.models import ChannelPlatform, Integration
from orion.errors import FieldError, Invalid, NotFound, OrionError
from orion.tenancy import platforms, stores
from orion.tenancy.models import StoreStatus
from orion.tenant import Tenant, is_valid_code


@dataclass(frozen=True)
class Prepared:
    """What an adapter would send for one product, and the hash of exactly that."""

    product_id: str
    content: dict[str, Any]
    content_hash: str


@dataclass(frozen=True)
class RemoteItem:
    """Where a published item lives at the destination."""

    remote_id: str
    remote_url: str | None


@dataclass(frozen=True)
class RemoteChange:
    """An edit made at the destination (two-way sync pulls these; not built yet for any adapter)."""

    remote_id: str
    fields: dict[str, Any]
    changed_at: datetime


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    detail: str


class ChannelAdapter(Protocol):
    """One destination. ``publish``/``update``/``unpublish`` raise DestinationError with a reason a
    merchant can act on for an item the destination refuses or fails, and DestinationUnavailable (a
    DestinationError) when it cannot take the item for now (network error, 5xx, throttling; with
    ``retry_after`` seconds when the destination says when): the channel worker retries those with
    backoff, and only those.

    ``publish`` must be idempotent per item: find-or-create by the item's identity at the destination
    (``orion_site`` finds its copy by the external id ``channel:<integration>:<product>``; a CMS by a
    slug or meta field carrying the same, a shop by its external id or handle), never create blindly.
    A worker can crash after the destination created the item and before its record was saved; the
    retry calls ``publish`` again, which must find that item and update it rather than create a
    second one."""

    def prepare(self, product: Product) -> Prepared: ...

    def publish(self, item: Prepared) -> RemoteItem: ...

    def update(self, remote_id: str, item: Prepared) -> RemoteItem: ...

    def unpublish(self, remote_id: str) -> None: ...

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]: ...

    def test_connection(self) -> ConnectionCheck: ...


def content_hash(content: dict[str, Any]) -> str:
    """sha-256 of the content as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def external_id(integration_id: str, product_id: str) -> str:
    """``channel:<integration>:<product>``: the published copy's external id in the target store."""
    return f"channel:{integration_id}:{product_id}"


def target_store(source: Tenant, code: str | None) -> Tenant:
    """The store an ``orion_site`` integration of ``source`` publishes to: another store of the same
    platform and the same merchant, not closed. Anything else is Invalid (422) on ``config.store``."""

    def refuse(message: str) -> Invalid:
        return Invalid(
            "The target store cannot be published to.", errors=[FieldError("config.store", message)]
        )

    if not code or not is_valid_code(code):
        raise refuse("name the target store by its code")
    if code == source.require_store():
        raise refuse("name another store than this one")
    try:
        target = stores.get_store(Tenant(source.platform), code)
    except NotFound:
        raise refuse(f"no store {code!r} on this platform") from None
    own = stores.store_profile(source)
    if own is None or target.merchant_id != own.merchant_id:
        raise refuse("the target store belongs to another merchant")
    if target.status is StoreStatus.CLOSED:
        raise refuse("the target store is closed")
    return target.tenant


class OrionSiteAdapter:
    """Publishes into another Orion store of the same merchant (checked when built, so every publish
    checks again). The copy is found by its external id, archived on unpublish; its stock is the
    target store's own once created (the copy starts with the source's stock)."""

    def __init__(self, source: Tenant, integration: Integration) -> None:
        self.source = source
        self.integration = integration
        self.target = target_store(source, integration.config.store)
        self._domain: str | None = None  # the target platform's first domain, read once

    def prepare(self, product: Product) -> Prepared:
        images: list[str] = []
        alts: dict[str, str] = {}
        for image in product.images:
            address = image_address(self.source, image, product.media)
            if address is None:
                continue
            images.append(address)
            if image in product.image_alts:
                alts[address] = product.image_alts[image]
        content = {
            "title": product.title,
            "description": product.description,
            "status": ProductStatus.ACTIVE.value,
            "images": images,
            "image_alts": alts,
            "categories": list(product.categories),
            "translations": {lang: t.model_dump(mode="json") for lang, t in product.translations.items()},
            "brand": product.brand,
            "gtin": product.gtin,
            "tax_class": product.tax_class.value,
            # Stock is left out of the hash: the copy's stock is the target store's own.
            "variants": [v.model_dump(mode="json", exclude={"stock"}) for v in product.variants],
        }
        stock = {v.sku: v.stock for v in product.variants}
        return Prepared(product.id, {**content, "_stock": stock}, content_hash(content))

    def _save(self, item: Prepared) -> RemoteItem:
        content = dict(item.content)
        stock: dict[str, int] = content.pop("_stock")

        def build(current: Product | None) -> ProductInput:
            held = {v.sku: v.stock for v in current.variants} if current else {}
            variants = [
                {**v, "stock": held.get(v["sku"], stock.get(v["sku"], 0))} for v in content["variants"]
            ]
            return ProductInput.model_validate({**content, "variants": variants})

        try:
            product, _ = catalog.save_product_by_external_id(
                self.target, external_id(self.integration.id, item.product_id), build
            )
        except OrionError as exc:  # the target store refuses (a SKU taken there, its plan's limit ...)
            raise DestinationError(f"store {self.target.store} refused the product: {exc}") from exc
        return RemoteItem(product.id, self._url(product.handle))

    def publish(self, item: Prepared) -> RemoteItem:
        return self._save(item)

    def update(self, remote_id: str, item: Prepared) -> RemoteItem:
        # Found by its external id: the remote id is the same product (unless it was deleted there by
        # hand, when a new copy is made).
        return self._save(item)

    def unpublish(self, remote_id: str) -> None:
        try:
            catalog.set_product_status(self.target, remote_id, ProductStatus.ARCHIVED)
        except NotFound:
            return  # deleted in the target store by hand: unpublished already

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]:
        """One-way: the target store's own edits stay there (the next publish of a changed product
        replaces its fields, its stock excepted)."""
        return []

    def test_connection(self) -> ConnectionCheck:
        return ConnectionCheck(True, f"store {self.target.store} of the same merchant can be published to")

    def _url(self, handle: str) -> str | None:
        if self._domain is None:
            domains = platforms.get_platform(Tenant(self.target.platform)).domains
            self._domain = domains[0] if domains else ""
        return f"https://{self.target.store}.{self._domain}/products/{handle}" if self._domain else None


# Test-only: an adapter factory registered for a platform replaces its built adapter
# (tests/integration/channels register fakes: a destination that is down, one that counts requests).
ADAPTER_OVERRIDES: dict[ChannelPlatform, Callable[[Tenant, Integration], ChannelAdapter]] = {}


def adapter_for(tenant: Tenant, integration: Integration) -> ChannelAdapter:
    """The adapter of the integration's platform (ChannelUnavailable for those not built yet)."""
    if (override := ADAPTER_OVERRIDES.get(integration.platform)) is not None:
        return override(tenant, integration)
    if integration.platform is ChannelPlatform.ORION_SITE:
        return OrionSiteAdapter(tenant, integration)
    raise ChannelUnavailable(f"Publishing to {integration.platform.value} is not available yet.")
