"""Listing and search use cases: a page of a storefront listing or of the staff listing, and search."""

from __future__ import annotations

import re

from orion import runtime
from orion.catalog.items import SCOPE_ALL, SCOPE_FEATURED, category_scope
from orion.catalog.listings.repository import ListingRepository
from orion.catalog.models import (
    MAX_PAGE_SIZE,
    SKU_PATTERN,
    ProductList,
    ProductSort,
    ProductStatus,
    ProductSummary,
    fold,
)
from orion.catalog.products.repository import ProductRepository
from orion.errors import BadRequest
from orion.tenant import Tenant

PAGE_SIZE = 24
SEARCH_LIMIT = 24
# A sitemap page: at most this many products (one Query), and at most this many pages in the index
# (the index reads one keys-only Query per page: 100 for a 100,000-product store).
SITEMAP_PAGE_SIZE = 1000
MAX_SITEMAP_PAGES = 500
_SEARCH_WORD = re.compile(r"[a-z0-9]+")


def list_products(
    tenant: Tenant,
    *,
    sort: ProductSort = ProductSort.NEWEST,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    category: str | None = None,
    featured: bool = False,
    include_unpublished: bool = False,
    status: ProductStatus | None = None,
) -> ProductList:
    """One page of products and the cursor of the next (``after``).

    Shoppers' listings (the default) hold active products only, in any of the four sorts, for the
    whole store, one category or the featured products, each in one Query. With
    ``include_unpublished`` (staff) every status is listed, newest first or by title, optionally
    filtered by ``status`` and/or ``category``."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    repository = runtime.repository(ListingRepository)
    if include_unpublished:
        return repository.staff_listing(
            tenant, sort, limit=limit, after=after, status=status, category=category
        )
    scope = SCOPE_FEATURED if featured else category_scope(category) if category else SCOPE_ALL
    if featured:
        sort = ProductSort.NEWEST
    return repository.listing(tenant, scope, sort, limit=limit, after=after)


def list_sitemap_products(
    tenant: Tenant, *, after: str | None = None, limit: int | None = None
) -> ProductList:
    """One page of the store's active products for its sitemap, oldest first: one Query (``after`` is
    a cursor from :func:`sitemap_page_cursors` or the previous page)."""
    limit = SITEMAP_PAGE_SIZE if limit is None else limit
    if not 1 <= limit <= SITEMAP_PAGE_SIZE:
        raise BadRequest(f"limit must be between 1 and {SITEMAP_PAGE_SIZE}")
    return runtime.repository(ListingRepository).oldest_first(tenant, limit=limit, after=after)


def sitemap_page_cursors(tenant: Tenant) -> list[str | None]:
    """Where each sitemap page starts (``None``: the first), so the sitemap index can link every page
    by cursor and each page is then one Query: one keys-only Query per page of products."""
    return runtime.repository(ListingRepository).oldest_first_page_starts(
        tenant, page_size=SITEMAP_PAGE_SIZE, max_pages=MAX_SITEMAP_PAGES
    )


def search_products(tenant: Tenant, query: str, *, limit: int = SEARCH_LIMIT) -> list[ProductSummary]:
    """Active products whose SKU is ``query`` (in any case) or whose brand/title words (translated
    titles included) start with every query word.

    At most two requests: a GetItem for an exact SKU and one Query on the store's search index for
    the longest query word; the other words are checked on the returned entries."""
    query = query.strip()[:100]
    results: dict[str, ProductSummary] = {}
    if SKU_PATTERN.fullmatch(query):
        found = runtime.repository(ProductRepository).sku_pointer_any_case(tenant, query)
        if found and found[1].status is ProductStatus.ACTIVE:
            results[found[0]] = found[1]
    words = [w for w in _SEARCH_WORD.findall(fold(query)) if len(w) >= 2][:8]
    if words:
        longest = max(words, key=len)
        for text, summary in runtime.repository(ListingRepository).search(
            tenant, longest, limit=MAX_PAGE_SIZE
        ):
            text_words = _SEARCH_WORD.findall(text)
            if all(any(t.startswith(w) for t in text_words) for w in words):
                results.setdefault(summary.id, summary)
    return list(results.values())[:limit]


def search_staff_products(
    tenant: Tenant, query: str, *, status: ProductStatus | None = None, limit: int = SEARCH_LIMIT
) -> list[ProductSummary]:
    """Products of any status (staff) whose SKU is ``query`` in any case, whose title starts with it,
    or (active products) whose brand/title words start with every query word; only ``status`` if given.

    At most three requests: the SKU pointers (one BatchGetItem), the title index and the search index
    (one Query each)."""
    query = query.strip()[:100]
    results: dict[str, ProductSummary] = {}
    if SKU_PATTERN.fullmatch(query):
        found = runtime.repository(ProductRepository).sku_pointer_any_case(tenant, query)
        if found:
            results[found[0]] = found[1]
    listings = runtime.repository(ListingRepository)
    prefix = fold(query)
    if prefix:
        for summary in listings.titles_starting(tenant, prefix, limit=MAX_PAGE_SIZE):
            results.setdefault(summary.id, summary)
    words = [w for w in _SEARCH_WORD.findall(prefix) if len(w) >= 2][:8]
    if words:
        longest = max(words, key=len)
        for text, summary in listings.search(tenant, longest, limit=MAX_PAGE_SIZE):
            text_words = _SEARCH_WORD.findall(text)
            if all(any(t.startswith(w) for t in text_words) for w in words):
                results.setdefault(summary.id, summary)
    shown = [s for s in results.values() if status is None or s.status is status]
    return shown[:limit]
