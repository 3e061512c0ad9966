"""Destination adapters behind one interface, and the ``orion_site`` adapter: a store publishing its
products into another store of the same merchant, through orion.catalog's services.

An adapter first *prepares* what it would send for a product (and the hash of exactly that), so the
caller can tell an unchanged product from a changed one without talking to the destination at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from orion import runtime
from orion.catalog import service as catalog
from orion.catalog.images import image_address
from orion.catalog.models import Product, ProductInput, ProductStatus
from orion.channels.destination import ConnectionCheck, Prepared, RemoteChange, RemoteItem, content_hash
from orion.channels.errors import ChannelUnavailable, DestinationError
from orion.channels.models import ChannelPlatform, Integration, ItemKind
from orion.channels.repository import ChannelCredentials
from orion.channels.shopify import ShopifyAdapter
from orion.channels.wordpress import WordPressAdapter
from orion.cms import service as cms
from orion.cms.models import Page, PageInput
from orion.errors import FieldError, Invalid, NotFound, OrionError
from orion.tenancy import platforms, stores
from orion.tenancy.models import StoreStatus
from orion.tenant import Tenant, is_valid_code

# The value types live in orion.channels.destination (the platforms' adapters use them without importing
# this module, which picks among them); they stay importable from here.
__all__ = [
    "ChannelAdapter",
    "ConnectionCheck",
    "OrionSiteAdapter",
    "Prepared",
    "RemoteChange",
    "RemoteItem",
    "adapter_for",
    "content_hash",
    "external_id",
    "target_store",
]


class ChannelAdapter(Protocol):
    """One destination. ``publish``/``update``/``unpublish`` raise DestinationError with a reason a
    merchant can act on for an item the destination refuses, DestinationUnavailable when it cannot
    take it now (unreachable, 5xx, throttled: the channel worker retries those with backoff, and only
    those), RemoteMissing from ``update`` when the item was deleted there by hand (it is then published
    anew).

    ``publish`` is idempotent per item: it finds the item a previous attempt created (by the identity
    the adapter gives it there: an external id, a handle, a slug) and updates it, so a run that failed
    after the destination created the item but before its record was saved never makes a second one.
    ``unpublish`` of an item already gone does nothing."""

    def prepare(self, product: Product) -> Prepared: ...

    def prepare_page(self, page: Page) -> Prepared: ...

    def publish(self, item: Prepared) -> RemoteItem: ...

    def update(self, remote_id: str, item: Prepared) -> RemoteItem: ...

    def unpublish(self, item_kind: ItemKind, remote_id: str) -> None: ...

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]: ...

    def test_connection(self) -> ConnectionCheck: ...


CHANNEL_COPY_PREFIX = "channel:"


def is_channel_copy(product: Product) -> bool:
    """Whether the product is a copy an ``orion_site`` integration of another store made here."""
    return (product.external_id or "").startswith(CHANNEL_COPY_PREFIX)


def external_id(integration_id: str, product_id: str) -> str:
    """``channel:<integration>:<product>``: the published copy's external id in the target store."""
    return f"{CHANNEL_COPY_PREFIX}{integration_id}:{product_id}"


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
        return Prepared(ItemKind.PRODUCT, product.id, {**content, "_stock": stock}, content_hash(content))

    def prepare_page(self, page: Page) -> Prepared:
        content = page.model_dump(
            mode="json", include=set(PageInput.model_fields) - {"published", "template"}
        )
        return Prepared(ItemKind.PAGE, page.slug, {**content, "published": True}, content_hash(content))

    def _save(self, item: Prepared) -> RemoteItem:
        if item.item_kind is ItemKind.PAGE:
            return self._save_page(item)
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
                self.target, external_id(self.integration.id, item.item_id), build
            )
        except OrionError as exc:  # the target store refuses (a SKU taken there, its plan's limit ...)
            raise DestinationError(f"store {self.target.store} refused the product: {exc}") from exc
        return RemoteItem(product.id, self._url(f"products/{product.handle}"))

    def _save_page(self, item: Prepared) -> RemoteItem:
        """The page at the same address in the target store (its own page there is replaced)."""
        try:
            page = cms.put_store_page(self.target, item.item_id, PageInput.model_validate(item.content))
        except OrionError as exc:  # the target store's page limit, a reserved address ...
            raise DestinationError(f"store {self.target.store} refused the page: {exc}") from exc
        return RemoteItem(page.slug, self._url(f"pages/{page.slug}"))

    def publish(self, item: Prepared) -> RemoteItem:
        return self._save(item)

    def update(self, remote_id: str, item: Prepared) -> RemoteItem:
        # Found by its external id (a product) or its address (a page): the same item, or a new copy
        # when it was deleted in the target store by hand.
        return self._save(item)

    def unpublish(self, item_kind: ItemKind, remote_id: str) -> None:
        try:
            if item_kind is ItemKind.PAGE:
                page = cms.get_store_page(self.target, remote_id)
                hidden = PageInput.model_validate(
                    {**page.model_dump(include=set(PageInput.model_fields)), "published": False}
                )
                cms.put_store_page(self.target, remote_id, hidden)
            else:
                catalog.set_product_status(self.target, remote_id, ProductStatus.ARCHIVED)
        except NotFound:
            return  # deleted in the target store by hand: unpublished already

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]:
        """One-way: the target store's own edits stay there (the copy is saved by its external id, so
        the fields the target store's staff changed are its lasting overrides: a later publish updates
        only the others; its stock is the target store's own)."""
        return []

    def test_connection(self) -> ConnectionCheck:
        return ConnectionCheck(True, f"store {self.target.store} of the same merchant can be published to")

    def _url(self, path: str) -> str | None:
        if self._domain is None:
            domains = platforms.get_platform(Tenant(self.target.platform)).domains
            self._domain = domains[0] if domains else ""
        return f"https://{self.target.store}.{self._domain}/{path}" if self._domain else None


# Test-only: an adapter factory registered for a platform replaces its built adapter
# (tests/integration/channels register fakes: a destination that is down, one that counts requests).
ADAPTER_OVERRIDES: dict[ChannelPlatform, Callable[[Tenant, Integration], ChannelAdapter]] = {}


def adapter_for(tenant: Tenant, integration: Integration) -> ChannelAdapter:
    """The adapter of the integration's platform (ChannelUnavailable for those not built yet)."""
    if (override := ADAPTER_OVERRIDES.get(integration.platform)) is not None:
        return override(tenant, integration)
    if integration.platform is ChannelPlatform.ORION_SITE:
        return OrionSiteAdapter(tenant, integration)
    if integration.platform is ChannelPlatform.WORDPRESS:
        credentials = runtime.repository(ChannelCredentials).get(tenant, integration.id)
        return WordPressAdapter(tenant, integration, credentials or {})  # Invalid without credentials
    if integration.platform is ChannelPlatform.SHOPIFY:
        credentials = runtime.repository(ChannelCredentials).get(tenant, integration.id)
        return ShopifyAdapter(tenant, integration, credentials or {})
    raise ChannelUnavailable(f"Publishing to {integration.platform.value} is not available yet.")
