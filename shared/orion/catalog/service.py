"""Catalogue use cases: products, variants, stock, categories, listings and search.

This is the public surface other features call (storefront, checkout, staff API, imports). Every
function takes the tenant (a store) first and raises orion.errors (NotFound, Conflict, BadRequest,
Invalid) for anything a caller can get wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from pydantic import ValidationError

from orion.catalog.models import (
    SKU_PATTERN,
    Category,
    CategoryInput,
    Product,
    ProductInput,
    ProductList,
    ProductSort,
    ProductStatus,
    ProductSummary,
    Variant,
    VariantRef,
    fold,
    slugify,
)
from orion.catalog.repository import (
    SCOPE_ALL,
    SCOPE_FEATURED,
    ProductRepository,
    category_scope,
)
from orion.errors import BadRequest, FieldError, Invalid, NotFound
from orion.ids import new_id
from orion.tenancy import tiers
from orion.tenancy.models import Tenant

PAGE_SIZE = 24
MAX_PAGE_SIZE = 100
SEARCH_LIMIT = 24
_SEARCH_WORD = re.compile(r"[a-z0-9]+")


def _repository() -> ProductRepository:
    return ProductRepository()


# --- products ----------------------------------------------------------------------------------------


def create_product(tenant: Tenant, data: ProductInput) -> Product:
    """Create a product (any status). A missing handle is made from the title; SKUs, handle and
    external id must be free in the store (else Conflict)."""
    repository = _repository()
    product_id = new_id()
    handle = data.handle or _free_handle(repository, tenant, slugify(data.title), product_id)
    now = datetime.now(UTC)
    product = Product(
        **{**data.model_dump(), "handle": handle}, id=product_id, created_at=now, updated_at=now
    )
    tiers.reserve(tenant, tiers.Limit.PRODUCTS)  # 409 naming the limit once the plan's products are used
    try:
        repository.save(tenant, product, None)
    except BaseException:
        tiers.release(tenant, tiers.Limit.PRODUCTS)
        raise
    return product


def bulk_create_products(tenant: Tenant, items: Sequence[ProductInput]) -> list[Product]:
    """Create many new products with batch writes (demo data, benchmarks, a store's first load while
    it is closed). Handles, SKUs and external ids must be free; not atomic across products, so use
    :func:`create_product` or :func:`upsert_product_by_external_id` for anything live."""
    now = datetime.now(UTC)
    products: list[Product] = []
    handles: set[str] = set()
    for data in items:
        product_id = new_id()
        handle = data.handle or slugify(data.title)
        if handle in handles:
            handle = f"{handle[:90]}-{product_id[-6:].lower()}"
        handles.add(handle)
        fields = {**data.model_dump(), "handle": handle}
        products.append(Product(**fields, id=product_id, created_at=now, updated_at=now))
    repository = _repository()
    for start in range(0, len(products), 200):
        chunk = products[start : start + 200]
        tiers.reserve(tenant, tiers.Limit.PRODUCTS, len(chunk))  # the tier's allowance, and the count
        try:
            repository.bulk_create(tenant, chunk)
        except BaseException:
            tiers.release(tenant, tiers.Limit.PRODUCTS, len(chunk))
            raise
    return products


def update_product(tenant: Tenant, product_id: str, data: ProductInput) -> Product:
    """Replace a product's fields and variants (a missing handle keeps the current one).

    Stock is taken from ``data``'s variants; use :func:`adjust_stock` for relative changes that must
    not race with checkouts."""
    repository = _repository()
    stored = repository.read_for_update(tenant, product_id)
    if stored is None:
        raise NotFound(f"No product {product_id}.")
    product = _replacement(stored.product, data)
    repository.save(tenant, product, stored)
    return product


def _replacement(current: Product, data: ProductInput) -> Product:
    return Product(
        **{**data.model_dump(), "handle": data.handle or current.handle},
        id=current.id,
        created_at=current.created_at,
        updated_at=datetime.now(UTC),
    )


def upsert_product_by_external_id(
    tenant: Tenant, external_id: str, data: ProductInput
) -> tuple[Product, bool]:
    """Create the product with this external id, or replace the one that has it: ``(product, created)``.

    Imports call this when publishing; calling it twice with the same data leaves one product."""
    return save_product_by_external_id(tenant, external_id, lambda _: data, skip_unchanged=False)


def save_product_by_external_id(
    tenant: Tenant,
    external_id: str,
    build: Callable[[Product | None], ProductInput],
    *,
    skip_unchanged: bool = True,
) -> tuple[Product, bool]:
    """Create or replace the product with this external id from what ``build`` makes of the current
    one (``None`` if there is none): ``(product, created)``. One read of the product, one transaction,
    and no write at all when nothing would change (``skip_unchanged``). Imports publish through this."""
    repository = _repository()
    product_id = repository.product_id_for_external_id(tenant, external_id)
    stored = repository.read_for_update(tenant, product_id) if product_id else None
    if product_id and stored is None:
        raise NotFound(f"No product {product_id}.")
    data = build(stored.product if stored else None).model_copy(update={"external_id": external_id})
    if stored is None:
        return create_product(tenant, data), True
    current = stored.product
    product = _replacement(current, data)
    if skip_unchanged and product.model_dump(exclude={"updated_at"}) == current.model_dump(
        exclude={"updated_at"}
    ):
        return current, False
    repository.save(tenant, product, stored)
    return product, False


def get_product(tenant: Tenant, product_id: str) -> Product:
    """A product of any status with its variants (NotFound if absent)."""
    product = _repository().get(tenant, product_id, consistent=True)
    if product is None:
        raise NotFound(f"No product {product_id}.")
    return product


def get_product_by_handle(tenant: Tenant, handle: str) -> Product:
    """A product of any status by its URL handle: two requests (handle pointer, product partition)."""
    repository = _repository()
    product_id = repository.product_id_for_handle(tenant, handle)
    product = repository.get(tenant, product_id) if product_id else None
    if product is None:
        raise NotFound("We could not find that product.")
    return product


def set_product_status(tenant: Tenant, product_id: str, status: ProductStatus) -> Product:
    """Publish (active), unpublish (draft) or archive a product."""
    product = get_product(tenant, product_id)
    data = ProductInput(**product.model_dump(include=set(ProductInput.model_fields)))
    return update_product(tenant, product_id, data.model_copy(update={"status": status}))


def delete_product(tenant: Tenant, product_id: str) -> None:
    """Remove a product and everything derived from it (orders keep their own copy of the lines)."""
    repository = _repository()
    stored = repository.read_for_update(tenant, product_id)
    if stored is None:
        raise NotFound(f"No product {product_id}.")
    repository.delete(tenant, stored)
    tiers.release(tenant, tiers.Limit.PRODUCTS)


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
    filtered by ``status``."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    repository = _repository()
    if include_unpublished:
        return repository.staff_listing(tenant, sort, limit=limit, after=after, status=status)
    scope = SCOPE_FEATURED if featured else category_scope(category) if category else SCOPE_ALL
    if featured:
        sort = ProductSort.NEWEST
    return repository.listing(tenant, scope, sort, limit=limit, after=after)


def search_products(tenant: Tenant, query: str, *, limit: int = SEARCH_LIMIT) -> list[ProductSummary]:
    """Active products whose SKU is ``query`` or whose title/brand words start with every query word.

    At most two requests: a GetItem for an exact SKU and one Query on the store's search index for
    the longest query word; the other words are checked on the returned entries."""
    query = query.strip()[:100]
    repository = _repository()
    results: dict[str, ProductSummary] = {}
    if SKU_PATTERN.fullmatch(query):
        found = repository.sku_pointer(tenant, query)
        if found and found[1].status is ProductStatus.ACTIVE:
            results[found[0]] = found[1]
    words = [w for w in _SEARCH_WORD.findall(fold(query)) if len(w) >= 2][:8]
    if words:
        longest = max(words, key=len)
        for text, summary in repository.search(tenant, longest, limit=MAX_PAGE_SIZE):
            text_words = _SEARCH_WORD.findall(text)
            if all(any(t.startswith(w) for t in text_words) for w in words):
                results.setdefault(summary.id, summary)
    return list(results.values())[:limit]


def get_variant_by_sku(tenant: Tenant, sku: str) -> VariantRef:
    """A variant and its product's display fields, by SKU (NotFound for unknown SKUs)."""
    repository = _repository()
    pointer = repository.sku_pointer(tenant, sku) if SKU_PATTERN.fullmatch(sku) else None
    product = repository.get(tenant, pointer[0]) if pointer else None
    variant = product.variant(sku) if product else None
    if product is None or variant is None:
        raise NotFound(f"There is no product with SKU {sku}.")
    return VariantRef(
        product_id=product.id,
        handle=product.handle,
        title=product.title,
        titles={lang: t.title for lang, t in product.translations.items() if t.title},
        status=product.status,
        image=product.images[0] if product.images else None,
        variant=variant,
    )


def get_variants(
    tenant: Tenant, refs: Sequence[tuple[str, str]]
) -> dict[str, tuple[ProductSummary, Variant]]:
    """Current variants by ``(product id, sku)``, keyed by SKU (absent ones left out): one BatchGetItem."""
    if len(refs) > 50:
        raise BadRequest("at most 50 variants at once")
    return _repository().get_variants(tenant, refs)


def adjust_stock(tenant: Tenant, sku: str, delta: int) -> int:
    """Add ``delta`` (may be negative) to a variant's stock atomically; the new stock.

    Conflict if the stock would go below zero, NotFound for an unknown SKU."""
    repository = _repository()
    pointer = repository.sku_pointer(tenant, sku) if SKU_PATTERN.fullmatch(sku) else None
    if pointer is None:
        raise NotFound(f"There is no product with SKU {sku}.")
    return repository.adjust_stock(tenant, pointer[0], sku, delta)


def _free_handle(repository: ProductRepository, tenant: Tenant, wanted: str, product_id: str) -> str:
    if repository.product_id_for_handle(tenant, wanted) is None:
        return wanted
    return f"{wanted[:90]}-{product_id[-6:].lower()}"


# --- categories --------------------------------------------------------------------------------------


def create_category(tenant: Tenant, data: CategoryInput) -> Category:
    category = Category(**data.model_dump())
    _repository().put_category(tenant, category, create=True)
    return category


def update_category(tenant: Tenant, slug: str, data: CategoryInput) -> Category:
    if data.slug != slug:
        raise Invalid(errors=[FieldError("slug", "a category's slug cannot change")])
    category = Category(**data.model_dump())
    _repository().put_category(tenant, category, create=False)
    return category


def get_category(tenant: Tenant, slug: str) -> Category:
    category = _repository().get_category(tenant, slug)
    if category is None:
        raise NotFound("We could not find that category.")
    return category


def list_categories(tenant: Tenant) -> list[Category]:
    """A store's categories by position, then slug: one Query."""
    return _repository().list_categories(tenant)


def delete_category(tenant: Tenant, slug: str) -> None:
    """Delete a category. Products keep the slug until they are next saved; its page is a 404 at once."""
    get_category(tenant, slug)
    _repository().delete_category(tenant, slug)


def product_input_errors(exc: ValidationError) -> Invalid:
    """Pydantic's errors as an Invalid with one FieldError per field (for adapters)."""
    return Invalid(
        "Some fields are not valid.",
        errors=[FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()],
    )


__all__ = [
    "adjust_stock",
    "bulk_create_products",
    "create_category",
    "create_product",
    "delete_category",
    "delete_product",
    "get_category",
    "get_product",
    "get_product_by_handle",
    "get_variant_by_sku",
    "get_variants",
    "list_categories",
    "list_products",
    "product_input_errors",
    "save_product_by_external_id",
    "search_products",
    "set_product_status",
    "update_category",
    "update_product",
    "upsert_product_by_external_id",
]
