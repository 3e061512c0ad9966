"""Catalogue use cases: products, variants, stock, categories, listings and search.

This is the public surface other features call (storefront, checkout, staff API, imports). Every
function takes the tenant (a store) first and raises orion.errors (NotFound, Conflict, BadRequest,
Invalid) for anything a caller can get wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from orion import runtime
from orion.catalog.models import (
    MAX_VARIANTS,
    SKU_PATTERN,
    TRANSLATION_LANGUAGES,
    Category,
    CategoryInput,
    Product,
    ProductInput,
    ProductList,
    ProductSort,
    ProductStatus,
    ProductSummary,
    Translation,
    Variant,
    VariantChanges,
    VariantInput,
    VariantRef,
    fold,
    slugify,
)
from orion.catalog.repository import (
    SAVE_ATTEMPTS,
    SCOPE_ALL,
    SCOPE_FEATURED,
    ProductChanged,
    ProductRepository,
    category_scope,
)
from orion.catalog.stock import MAX_LOW_STOCK_THRESHOLD, LowStockPage, Recount, StockLevel
from orion.errors import BadRequest, Conflict, FieldError, Invalid, LimitExceeded, NotFound
from orion.ids import new_id
from orion.tenancy import tiers
from orion.tenant import Tenant

PAGE_SIZE = 24
MAX_PAGE_SIZE = 100
SEARCH_LIMIT = 24
_SEARCH_WORD = re.compile(r"[a-z0-9]+")


def _repository() -> ProductRepository:
    return runtime.repository(ProductRepository)


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

    A variant that already exists keeps the stock it has now: checkouts change it between the caller's
    read and this write, so a stock in ``data`` would undo their sales (or sell stock twice). Stock
    moves through :func:`adjust_stock` (atomic, relative); ``data``'s stock applies to new variants."""

    def replace(current: Product) -> dict[str, Any]:
        held = {variant.sku: variant.stock for variant in current.variants}
        variants = tuple(
            v.model_copy(update={"stock": held[v.sku]}) if v.sku in held else v for v in data.variants
        )
        return {**data.model_dump(), "handle": data.handle or current.handle, "variants": variants}

    return _edit_product(tenant, product_id, replace)


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
    for attempt in range(1, SAVE_ATTEMPTS + 1):
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
        try:
            repository.save(tenant, product, stored)
        except ProductChanged:  # a checkout moved its stock since the read: build it again from a new one
            if attempt == SAVE_ATTEMPTS:
                raise
            continue
        return product, False
    raise AssertionError("unreachable")  # pragma: no cover


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
    return _edit_product(tenant, product_id, lambda _: {"status": status})


def _edit_product(tenant: Tenant, product_id: str, change: Callable[[Product], dict[str, Any]]) -> Product:
    """Save ``product_id`` with the fields ``change`` returns for it, through the one save path.

    The product is read (consistently) and written as read plus the change, so stock counted by
    checkouts in between is never overwritten: a checkout that moved a variant's stock meanwhile sends
    the edit back to read and apply the change again, while a concurrent staff edit fails it (409)
    instead of being lost. Listings, search entries and SKU pointers follow in the same transaction."""
    repository = _repository()
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            return _apply_edit(repository, tenant, product_id, change)
        except ProductChanged:
            if attempt == SAVE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _apply_edit(
    repository: ProductRepository,
    tenant: Tenant,
    product_id: str,
    change: Callable[[Product], dict[str, Any]],
) -> Product:
    stored = repository.read_for_update(tenant, product_id)
    if stored is None:
        raise NotFound(f"No product {product_id}.")
    current = stored.product
    fields = {**current.model_dump(include=set(ProductInput.model_fields)), **change(current)}
    try:
        product = Product(
            **fields, id=current.id, created_at=current.created_at, updated_at=datetime.now(UTC)
        )
    except ValidationError as exc:
        raise product_input_errors(exc) from exc
    repository.save(tenant, product, stored)
    return product


def delete_product(tenant: Tenant, product_id: str) -> None:
    """Remove a product and everything derived from it (orders keep their own copy of the lines)."""
    repository = _repository()
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        stored = repository.read_for_update(tenant, product_id)
        if stored is None:
            raise NotFound(f"No product {product_id}.")
        try:
            repository.delete(tenant, stored)
            break
        except ProductChanged:  # a variant's stock state moved meanwhile: read again
            if attempt == SAVE_ATTEMPTS:
                raise
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
    """Active products whose SKU is ``query`` (in any case) or whose brand/title words (translated
    titles included) start with every query word.

    At most two requests: a GetItem for an exact SKU and one Query on the store's search index for
    the longest query word; the other words are checked on the returned entries."""
    query = query.strip()[:100]
    repository = _repository()
    results: dict[str, ProductSummary] = {}
    if SKU_PATTERN.fullmatch(query):
        found = repository.sku_pointer_any_case(tenant, query)
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


def get_variants_for_update(
    tenant: Tenant, refs: Sequence[tuple[str, str]]
) -> dict[str, tuple[ProductSummary, Variant, StockLevel]]:
    """:func:`get_variants` with each variant's stock level, for a stock change in the caller's
    transaction (checkout, cancellation) through ``orion.catalog.repository.StockChanges``."""
    if len(refs) > 50:
        raise BadRequest("at most 50 variants at once")
    return _repository().get_variants_with_levels(tenant, refs)


def adjust_stock(tenant: Tenant, sku: str, delta: int) -> int:
    """Add ``delta`` (may be negative) to a variant's stock atomically; the new stock.

    Conflict if the stock would go below zero, NotFound for an unknown SKU."""
    repository = _repository()
    pointer = repository.sku_pointer(tenant, sku) if SKU_PATTERN.fullmatch(sku) else None
    if pointer is None:
        raise NotFound(f"There is no product with SKU {sku}.")
    return repository.adjust_stock(tenant, pointer[0], sku, delta)


def adjust_variant_stock(tenant: Tenant, product_id: str, sku: str, delta: int) -> int:
    """``adjust_stock`` for the variant ``sku`` of the product ``product_id`` (a staff action on one
    product): NotFound unless the product has that variant, checked by the conditional write itself."""
    missing = NotFound(f"The product {product_id} has no variant with SKU {sku}.")
    if not SKU_PATTERN.fullmatch(sku):
        raise missing
    try:
        return _repository().adjust_stock(tenant, product_id, sku, delta)
    except NotFound as exc:
        raise missing from exc


# --- low stock ---------------------------------------------------------------------------------------


def get_low_stock_threshold(tenant: Tenant) -> int:
    """The stock at or below which a variant counts as low (the store's setting, default 5)."""
    return _repository().low_stock_threshold_setting(tenant)[1]


def set_low_stock_threshold(tenant: Tenant, threshold: int) -> Recount | None:
    """Make ``threshold`` the store's low-stock threshold and recount its variants under it (a staff
    action: one Query page per 100 SKUs, a BatchGetItem per 100 variants, a transaction per 99 changed).

    Nothing to do (None) once a recount under this threshold has finished; a recount that was cut off
    (the request timed out in a very large store) is taken up again by the next call."""
    if not 0 <= threshold <= MAX_LOW_STOCK_THRESHOLD:
        raise Invalid(
            errors=[FieldError("low_stock_threshold", f"must be between 0 and {MAX_LOW_STOCK_THRESHOLD}")]
        )
    repository = _repository()
    stored, _ = repository.low_stock_threshold_setting(tenant)
    if stored == threshold and repository.recounted_threshold(tenant) == threshold:
        return None
    return repository.recount_low_stock(tenant, threshold)


def list_low_stock(tenant: Tenant, *, limit: int = 20, after: str | None = None) -> LowStockPage:
    """Variants of active products at or below the threshold, out of stock first, then by SKU (one
    Query on a sparse index, plus the threshold); ``next_cursor`` goes into ``after``."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    repository = _repository()
    items, cursor = repository.low_stock(tenant, limit=limit, after=after)
    return LowStockPage(threshold=get_low_stock_threshold(tenant), items=items, next_cursor=cursor)


# --- variants ------------------------------------------------------------------------------------------


def get_variant(tenant: Tenant, product_id: str, sku: str) -> Variant:
    """One variant of a product (NotFound if the product or the variant is absent)."""
    variant = get_product(tenant, product_id).variant(sku)
    if variant is None:
        raise NotFound(f"The product has no variant with SKU {sku}.")
    return variant


def add_variant(tenant: Tenant, product_id: str, data: VariantInput) -> Product:
    """Append a variant. Its SKU must be free in the store (Conflict), a product holds at most
    MAX_VARIANTS (LimitExceeded: a save must fit one transaction) and all variants share a currency."""

    def append(product: Product) -> dict[str, Any]:
        if product.variant(data.sku) is not None:
            raise Conflict(
                f"This product already has a variant with SKU {data.sku}.", extra={"sku": data.sku}
            )
        if len(product.variants) >= MAX_VARIANTS:
            raise LimitExceeded(
                f"A product has at most {MAX_VARIANTS} variants; remove one before adding another.",
                extra={"limit": "variants_per_product", "max": MAX_VARIANTS},
            )
        currency = data.currency or product.currency
        if currency != product.currency:
            raise Invalid(
                f"All variants of a product share one currency ({product.currency}).",
                errors=[FieldError("currency", f"must be {product.currency}")],
            )
        variant = Variant(**{**data.model_dump(), "currency": currency})
        return {"variants": (*product.variants, variant)}

    return _edit_product(tenant, product_id, append)


def update_variant(tenant: Tenant, product_id: str, sku: str, changes: VariantChanges) -> Product:
    """Change a variant's price, compare-at price or options; its SKU and stock stay."""

    def patch(product: Product) -> dict[str, Any]:
        if product.variant(sku) is None:
            raise NotFound(f"The product has no variant with SKU {sku}.")
        update = changes.model_dump(include=changes.model_fields_set)
        variants = tuple(
            Variant(**{**v.model_dump(), **update}) if v.sku == sku else v for v in product.variants
        )
        return {"variants": variants}

    return _edit_product(tenant, product_id, patch)


def remove_variant(tenant: Tenant, product_id: str, sku: str) -> Product:
    """Remove a variant and free its SKU; a product keeps at least one (Conflict: delete the product)."""

    def drop(product: Product) -> dict[str, Any]:
        if product.variant(sku) is None:
            raise NotFound(f"The product has no variant with SKU {sku}.")
        if len(product.variants) == 1:
            raise Conflict("A product needs at least one variant; delete the product instead.")
        return {"variants": tuple(v for v in product.variants if v.sku != sku)}

    return _edit_product(tenant, product_id, drop)


def _free_handle(repository: ProductRepository, tenant: Tenant, wanted: str, product_id: str) -> str:
    if repository.product_id_for_handle(tenant, wanted) is None:
        return wanted
    return f"{wanted[:90]}-{product_id[-6:].lower()}"


# --- translations ----------------------------------------------------------------------------------


def _offered(lang: str, offered: Sequence[str]) -> None:
    if lang not in TRANSLATION_LANGUAGES:
        raise NotFound(f"Orion has no language {lang!r} (it offers {', '.join(TRANSLATION_LANGUAGES)}).")
    if lang not in offered:
        raise Invalid(
            f"The store does not offer the language {lang!r} (its languages: {', '.join(offered)}); "
            "add it in the store's settings first.",
            errors=[FieldError("lang", f"must be one of {', '.join(offered)}")],
        )


def set_product_translation(
    tenant: Tenant, product_id: str, lang: str, translation: Translation, *, offered: Sequence[str]
) -> Product:
    """Create or replace a product's title/description in ``lang``, one of the store's languages
    (``offered``). Listings and search carry the translated title, so this is a product save."""
    _offered(lang, offered)
    if not (translation.title or translation.description):
        raise Invalid("A translation needs a title or a description.", errors=[FieldError("body", "empty")])
    return _edit_product(
        tenant, product_id, lambda product: {"translations": {**product.translations, lang: translation}}
    )


def remove_product_translation(tenant: Tenant, product_id: str, lang: str) -> Product:
    """Remove a product's translation (the storefront falls back to the default text)."""

    def drop(product: Product) -> dict[str, Any]:
        if lang not in product.translations:
            raise NotFound(f"The product has no {lang!r} translation.")
        return {"translations": {k: v for k, v in product.translations.items() if k != lang}}

    return _edit_product(tenant, product_id, drop)


def set_category_translation(
    tenant: Tenant, slug: str, lang: str, name: str, *, offered: Sequence[str]
) -> Category:
    """Create or replace a category's name in ``lang``, one of the store's languages."""
    _offered(lang, offered)
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise Invalid("A category's name has 1 to 120 characters.", errors=[FieldError("name", "1-120")])
    return _repository().edit_category(
        tenant,
        slug,
        lambda current: current.model_copy(update={"translations": {**current.translations, lang: name}}),
    )


def remove_category_translation(tenant: Tenant, slug: str, lang: str) -> Category:
    def drop(current: Category) -> Category:
        if lang not in current.translations:
            raise NotFound(f"The category has no {lang!r} translation.")
        return current.model_copy(
            update={"translations": {k: v for k, v in current.translations.items() if k != lang}}
        )

    return _repository().edit_category(tenant, slug, drop)


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
    "add_variant",
    "adjust_stock",
    "adjust_variant_stock",
    "bulk_create_products",
    "create_category",
    "create_product",
    "delete_category",
    "delete_product",
    "get_category",
    "get_low_stock_threshold",
    "get_product",
    "get_product_by_handle",
    "get_variant",
    "get_variant_by_sku",
    "get_variants",
    "get_variants_for_update",
    "list_categories",
    "list_low_stock",
    "list_products",
    "product_input_errors",
    "remove_category_translation",
    "remove_product_translation",
    "remove_variant",
    "save_product_by_external_id",
    "search_products",
    "set_category_translation",
    "set_low_stock_threshold",
    "set_product_status",
    "set_product_translation",
    "update_category",
    "update_product",
    "update_variant",
    "upsert_product_by_external_id",
]
