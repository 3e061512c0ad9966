"""Stock use cases: staff adjustments, the store's low-stock threshold and its recount, the low-stock
list. Stock changes that join another feature's transaction (checkout, cancellation) go through
orion.catalog.stock_api."""

from __future__ import annotations

from orion import runtime
from orion.catalog.models import MAX_PAGE_SIZE, SKU_PATTERN
from orion.catalog.products.repository import ProductRepository
from orion.catalog.stock.repository import StockRepository
from orion.catalog.stock.rules import MAX_LOW_STOCK_THRESHOLD, LowStockPage, Recount
from orion.errors import BadRequest, FieldError, Invalid, NotFound
from orion.tenant import Tenant


def adjust_stock(tenant: Tenant, sku: str, delta: int) -> int:
    """Add ``delta`` (may be negative) to a variant's stock atomically; the new stock.

    Conflict if the stock would go below zero, NotFound for an unknown SKU."""
    products = runtime.repository(ProductRepository)
    pointer = products.sku_pointer(tenant, sku) if SKU_PATTERN.fullmatch(sku) else None
    if pointer is None:
        raise NotFound.worded("There is no product with SKU {sku}.", sku=sku)
    return runtime.repository(StockRepository).adjust_stock(tenant, pointer[0], sku, delta)


def adjust_variant_stock(tenant: Tenant, product_id: str, sku: str, delta: int) -> int:
    """``adjust_stock`` for the variant ``sku`` of the product ``product_id`` (a staff action on one
    product): NotFound unless the product has that variant, checked by the conditional write itself."""
    missing = NotFound.worded("The product {id} has no variant with SKU {sku}.", id=product_id, sku=sku)
    if not SKU_PATTERN.fullmatch(sku):
        raise missing
    try:
        return runtime.repository(StockRepository).adjust_stock(tenant, product_id, sku, delta)
    except NotFound as exc:
        raise missing from exc


# --- low stock ---------------------------------------------------------------------------------------


def get_low_stock_threshold(tenant: Tenant) -> int:
    """The stock at or below which a variant counts as low (the store's setting, default 5)."""
    return runtime.repository(StockRepository).low_stock_threshold_setting(tenant)[1]


def set_low_stock_threshold(tenant: Tenant, threshold: int) -> Recount | None:
    """Make ``threshold`` the store's low-stock threshold and recount its variants under it (a staff
    action: one Query page per 100 SKUs, a BatchGetItem per 100 variants, a transaction per 99 changed).

    Nothing to do (None) once a recount under this threshold has finished; a recount that was cut off
    (the request timed out in a very large store) is taken up again by the next call."""
    if not 0 <= threshold <= MAX_LOW_STOCK_THRESHOLD:
        raise Invalid(
            errors=[FieldError("low_stock_threshold", f"must be between 0 and {MAX_LOW_STOCK_THRESHOLD}")]
        )
    repository = runtime.repository(StockRepository)
    stored, _ = repository.low_stock_threshold_setting(tenant)
    if stored == threshold and repository.recounted_threshold(tenant) == threshold:
        return None
    return repository.recount_low_stock(tenant, threshold)


def list_low_stock(
    tenant: Tenant, *, limit: int = 20, after: str | None = None, threshold: int | None = None
) -> LowStockPage:
    """Variants of active products at or below the threshold, out of stock first, then by SKU (one
    Query on a sparse index, plus the threshold unless the caller read it already, e.g. with the
    store's counters); ``next_cursor`` goes into ``after``."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    repository = runtime.repository(StockRepository)
    items, cursor = repository.low_stock(tenant, limit=limit, after=after)
    if threshold is None:
        threshold = get_low_stock_threshold(tenant)
    return LowStockPage(threshold=threshold, items=items, next_cursor=cursor)
