"""Product use cases: create, replace, publish, delete, variants and translations of a product.

Every save goes through one path (read consistently, change, write in one transaction conditioned on
what was read, see products.writer), so stock counted by checkouts in between is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from orion import runtime
from orion.catalog.errors import ProductChanged, StaleProduct
from orion.catalog.images import MediaImage, image_address, media_id_of, media_ref
from orion.catalog.models import (
    MAX_IMAGE_ALT,
    MAX_IMAGES,
    MAX_VARIANTS,
    SKU_PATTERN,
    FeedProduct,
    Product,
    ProductInput,
    ProductStatus,
    ProductSummary,
    Translation,
    Variant,
    VariantChanges,
    VariantInput,
    VariantRef,
    check_language_offered,
    slugify,
)
from orion.catalog.products.overrides import (
    check_field,
    edited_overrides,
    field_values,
    kept_overrides,
    source_view,
    with_values,
)
from orion.catalog.products.repository import ProductRepository
from orion.catalog.products.writer import SAVE_ATTEMPTS, ProductWriter
from orion.errors import BadRequest, Conflict, FieldError, Invalid, LimitExceeded, NotFound
from orion.ids import new_id
from orion.tenancy import tiers
from orion.tenant import Tenant


def media_for(images: Sequence[str], known: Mapping[str, MediaImage]) -> dict[str, MediaImage]:
    """The uploaded images ``images`` names (``media:<id>``), from ``known``: Invalid, naming each entry,
    for an id ``known`` lacks (the caller looked the ids up in the store's media, orion.media)."""
    chosen: dict[str, MediaImage] = {}
    errors: list[FieldError] = []
    for index, image in enumerate(images):
        media_id = media_id_of(image)
        if media_id is None:
            continue
        found = known.get(media_id)
        if found is None:
            errors.append(FieldError(f"images.{index}", f"no uploaded image {media_id} in this store"))
        else:
            chosen[media_id] = found
    if errors:
        raise Invalid("Some images name no uploaded image of this store.", errors=errors)
    return chosen


def create_product(
    tenant: Tenant,
    data: ProductInput,
    *,
    media: Mapping[str, MediaImage] | None = None,
    from_feed: bool = False,
    source_id: str | None = None,
) -> Product:
    """Create a product (any status). A missing handle is made from the title; SKUs, handle and
    external id must be free in the store (else Conflict). Each uploaded image ``data.images`` names
    (``media:<id>``) must be in ``media`` (what orion.media describes of them; else Invalid).
    ``from_feed``: ``data`` is what a feed says, kept as the product's ``source`` (products.overrides)."""
    product_id = new_id()
    data = sanitised(data)
    chosen = media_for(data.images, media or {})
    handle = data.handle or _free_handle(tenant, slugify(data.title), product_id)
    now = datetime.now(UTC)
    product = Product(
        **{**data.model_dump(), "handle": handle},
        id=product_id,
        created_at=now,
        updated_at=now,
        media=chosen,
        source=field_values(data) if from_feed else {},
        source_id=source_id,
    )
    tiers.reserve(tenant, tiers.Limit.PRODUCTS)  # 409 naming the limit once the plan's products are used
    try:
        runtime.repository(ProductWriter).save(tenant, product, None)
    except BaseException:
        tiers.release(tenant, tiers.Limit.PRODUCTS)
        raise
    return product


def bulk_create_products(
    tenant: Tenant, items: Sequence[ProductInput], *, media: Mapping[str, MediaImage] | None = None
) -> list[Product]:
    """Create many new products with batch writes (demo data, benchmarks, a store's first load while
    it is closed). Handles, SKUs and external ids must be free; not atomic across products, so use
    :func:`create_product` or :func:`upsert_product_by_external_id` for anything live. Each uploaded
    image the products name (``media:<id>``) must be in ``media``, as for :func:`create_product`."""
    now = datetime.now(UTC)
    products: list[Product] = []
    handles: set[str] = set()
    for data in items:
        chosen = media_for(data.images, media or {})
        product_id = new_id()
        handle = data.handle or slugify(data.title)
        if handle in handles:
            handle = f"{handle[:90]}-{product_id[-6:].lower()}"
        handles.add(handle)
        fields = {**data.model_dump(), "handle": handle}
        products.append(Product(**fields, id=product_id, created_at=now, updated_at=now, media=chosen))
    writer = runtime.repository(ProductWriter)
    for start in range(0, len(products), 200):
        chunk = products[start : start + 200]
        tiers.reserve(tenant, tiers.Limit.PRODUCTS, len(chunk))  # the tier's allowance, and the count
        try:
            writer.bulk_create(tenant, chunk)
        except BaseException:
            tiers.release(tenant, tiers.Limit.PRODUCTS, len(chunk))
            raise
    return products


def product_version(product: Product) -> str:
    """The version a staff form carries from its read to its save (the product item's lock value)."""
    return product.updated_at.isoformat()


def sanitised(data: ProductInput) -> ProductInput:
    """``data`` with its descriptions (default and translated) made safe to render as HTML: no
    scripts, event handlers or javascript: links (nh3, as content pages and imports)."""
    from orion.rendering.sanitize import sanitize_markup

    def clean(text: str | None) -> str | None:
        return sanitize_markup(text) if text else text

    translations = {
        lang: t.model_copy(update={"description": clean(t.description)})
        for lang, t in data.translations.items()
    }
    return data.model_copy(update={"description": clean(data.description), "translations": translations})


def update_product(
    tenant: Tenant,
    product_id: str,
    data: ProductInput,
    *,
    expected_version: str | None = None,
    media: Mapping[str, MediaImage] | None = None,
) -> Product:
    """Replace a product's fields and variants (a missing handle keeps the current one, and so does an
    external id ``data`` does not name; an explicit ``null`` removes it).

    Uploaded images (``media:<id>``) the product has already keep what it knows of them; a new one
    must be in ``media`` (what orion.media describes of it), else Invalid.

    ``expected_version`` (a staff form's :func:`product_version` when it was loaded): the save is
    refused with :class:`StaleProduct` (409, nothing written) if the product was saved since.

    A variant that already exists keeps the stock it has now: checkouts change it between the caller's
    read and this write, so a stock in ``data`` would undo their sales (or sell stock twice). Stock
    moves through :func:`adjust_stock` (atomic, relative); ``data``'s stock applies to new variants."""

    data = sanitised(data)

    def replace(current: Product) -> dict[str, Any]:
        if expected_version is not None and product_version(current) != expected_version:
            raise StaleProduct(current)
        held = {variant.sku: variant.stock for variant in current.variants}
        variants = tuple(
            v.model_copy(update={"stock": held[v.sku]}) if v.sku in held else v for v in data.variants
        )
        return {
            **data.model_dump(),
            "handle": data.handle or current.handle,
            # A form that does not carry the external id (the console's) keeps the product on its feed.
            "external_id": (
                data.external_id if "external_id" in data.model_fields_set else current.external_id
            ),
            "variants": variants,
            "media": dict(media or {}),
        }

    return _edit_product(tenant, product_id, replace)


def _replacement(current: Product, feed: ProductInput, source_id: str | None = None) -> Product:
    """``current`` re-imported from ``feed``: the feed's values, but the store's in its overrides."""
    data, overrides = kept_overrides(feed, current)
    return Product(
        **{**data.model_dump(), "handle": data.handle or current.handle},
        id=current.id,
        created_at=current.created_at,
        updated_at=datetime.now(UTC),
        media=media_for(data.images, current.media),
        image_sources=_kept_sources(data.images, current.image_sources),
        image_failures=_kept_failures(data.images, current.image_failures),
        source=field_values(feed),
        overrides=overrides,
        source_id=source_id or current.source_id,
    )


def _kept_sources(images: Sequence[str], sources: Mapping[str, str]) -> dict[str, str]:
    """The addresses fetched images came from, for the images the product still shows."""
    ids = {media_id_of(image) for image in images}
    return {media_id: url for media_id, url in sources.items() if media_id in ids}


def _kept_failures(images: Sequence[str], failures: Mapping[str, str]) -> dict[str, str]:
    """Why addresses the product still names could not be fetched."""
    return {url: reason for url, reason in failures.items() if url in images}


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
    source_id: str | None = None,
) -> tuple[Product, bool]:
    """Create or replace the product with this external id from what ``build`` makes of the current
    one (``None`` if there is none): ``(product, created)``. One read of the product, one transaction,
    and no write at all when nothing would change (``skip_unchanged``). Imports publish through this.

    What ``build`` returns is the feed's word: ``build`` sees the current product as the feed last
    left it, the product keeps it as its ``source``, and the fields the store overrode keep the
    store's values (products.overrides)."""
    repository = runtime.repository(ProductRepository)
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        product_id = repository.product_id_for_external_id(tenant, external_id)
        stored = repository.read_for_update(tenant, product_id) if product_id else None
        if product_id and stored is None:
            raise NotFound.worded("No product {id}.", id=product_id)
        previous = source_view(stored.product) if stored else None
        data = build(previous).model_copy(update={"external_id": external_id})
        if stored is None:
            return create_product(tenant, data, from_feed=True, source_id=source_id), True
        current = stored.product
        product = _replacement(current, data, source_id)
        if skip_unchanged and product.model_dump(exclude={"updated_at"}) == current.model_dump(
            exclude={"updated_at"}
        ):
            return current, False
        try:
            runtime.repository(ProductWriter).save(tenant, product, stored)
        except ProductChanged:  # a checkout moved its stock since the read: build it again from a new one
            if attempt == SAVE_ATTEMPTS:
                raise
            continue
        return product, False
    raise AssertionError("unreachable")  # pragma: no cover


def get_product(tenant: Tenant, product_id: str) -> Product:
    """A product of any status with its variants (NotFound if absent)."""
    product = runtime.repository(ProductRepository).get(tenant, product_id, consistent=True)
    if product is None:
        raise NotFound.worded("No product {id}.", id=product_id)
    return product


def product_summaries(tenant: Tenant, product_ids: Sequence[str]) -> dict[str, ProductSummary]:
    """What a list shows of these products (title, handle, status...), by id, absent ones left out: one
    BatchGetItem (at most 100 ids)."""
    if len(product_ids) > 100:
        raise BadRequest("at most 100 products at once")
    return runtime.repository(ProductRepository).summaries(tenant, product_ids)


def get_product_by_handle(tenant: Tenant, handle: str) -> Product:
    """A product of any status by its URL handle: two requests (handle pointer, product partition)."""
    repository = runtime.repository(ProductRepository)
    product_id = repository.product_id_for_handle(tenant, handle)
    product = repository.get(tenant, product_id) if product_id else None
    if product is None:
        raise NotFound("We could not find that product.")
    return product


def has_external_id(tenant: Tenant, external_id: str) -> bool:
    """Whether the store has a product with this external id (a feed's id): one read of its pointer."""
    return runtime.repository(ProductRepository).product_id_for_external_id(tenant, external_id) is not None


def get_product_by_external_id(tenant: Tenant, external_id: str) -> Product | None:
    """The store's product with this external id (a feed's id), of any status; None if it has none."""
    repository = runtime.repository(ProductRepository)
    product_id = repository.product_id_for_external_id(tenant, external_id)
    return repository.get(tenant, product_id, consistent=True) if product_id else None


def feed_products(tenant: Tenant, external_ids: Iterable[str]) -> dict[str, FeedProduct]:
    """The store's products with these external ids (a feed's ids), by external id; ids the store has no
    product for are left out. A few BatchGetItems (at most 100 keys each) for any number of ids."""
    return runtime.repository(ProductRepository).feed_products(tenant, external_ids)


def archive_gone_from_feed(tenant: Tenant, product_id: str) -> Product:
    """Archive a product its feed no longer lists (a saved source's ``missing: archive``): the feed's
    word, so the product's ``source`` says archived and a status staff overrode stays theirs; a later
    feed listing it again brings it back like any feed value. Through the one save path."""

    def gone(product: Product) -> dict[str, Any]:
        source = {**product.source, "status": ProductStatus.ARCHIVED.value} if product.source else {}
        if "status" in product.overrides:
            return {"source": source}
        return {"status": ProductStatus.ARCHIVED, "source": source}

    return _edit_product(tenant, product_id, gone, staff=False)


def set_product_status(tenant: Tenant, product_id: str, status: ProductStatus) -> Product:
    """Publish (active), unpublish (draft) or archive a product."""
    return _edit_product(tenant, product_id, lambda _: {"status": status})


def _edit_product(
    tenant: Tenant, product_id: str, change: Callable[[Product], dict[str, Any]], *, staff: bool = True
) -> Product:
    """Save ``product_id`` with the fields ``change`` returns for it, through the one save path.

    The product is read (consistently) and written as read plus the change, so stock counted by
    checkouts in between is never overwritten: a checkout that moved a variant's stock meanwhile sends
    the edit back to read and apply the change again, while a concurrent staff edit fails it (409)
    instead of being lost. Listings, search entries and SKU pointers follow in the same transaction.

    A ``staff`` edit of a product from a feed overrides the fields it changes (products.overrides)."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            return _apply_edit(tenant, product_id, change, staff=staff)
        except ProductChanged:
            if attempt == SAVE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _apply_edit(
    tenant: Tenant, product_id: str, change: Callable[[Product], dict[str, Any]], *, staff: bool
) -> Product:
    stored = runtime.repository(ProductRepository).read_for_update(tenant, product_id)
    if stored is None:
        raise NotFound.worded("No product {id}.", id=product_id)
    current = stored.product
    fields = {**current.model_dump(include=set(ProductInput.model_fields)), **change(current)}
    # Uploaded images the product keeps stay as it knows them; a change adding one brings its own.
    added: Mapping[str, MediaImage] = fields.pop("media", {})
    media = media_for(fields["images"], {**current.media, **added})
    sources = _kept_sources(fields["images"], fields.pop("image_sources", current.image_sources))
    failures = _kept_failures(fields["images"], fields.pop("image_failures", current.image_failures))
    source = fields.pop("source", current.source)
    overrides = fields.pop("overrides", current.overrides)
    try:
        product = Product(
            **fields,
            id=current.id,
            created_at=current.created_at,
            updated_at=datetime.now(UTC),
            media=media,
            image_sources=sources,
            image_failures=failures,
            source=source,
            overrides=overrides,
            source_id=current.source_id,
        )
    except ValidationError as exc:
        raise product_input_errors(exc) from exc
    if staff:
        product = product.model_copy(update={"overrides": edited_overrides(current, product)})
    runtime.repository(ProductWriter).save(tenant, product, stored)
    return product


def add_product_image(
    tenant: Tenant,
    product_id: str,
    image: str,
    *,
    alt: str = "",
    media: Mapping[str, MediaImage] | None = None,
) -> Product:
    """Show one more image (an address or ``media:<id>``, last) with its description. An uploaded one
    must be in ``media`` (what orion.media describes of it), else Invalid; a product shows at most
    MAX_IMAGES (LimitExceeded) and each image once (Conflict)."""
    if len(alt) > MAX_IMAGE_ALT:
        raise Invalid(
            f"An image description has at most {MAX_IMAGE_ALT} characters.",
            errors=[FieldError("alt", f"at most {MAX_IMAGE_ALT} characters")],
        )

    def append(product: Product) -> dict[str, Any]:
        if image in product.images:
            raise Conflict("The product shows this image already.")
        if len(product.images) >= MAX_IMAGES:
            raise LimitExceeded(
                f"A product shows at most {MAX_IMAGES} images; remove one before adding another.",
                extra={"limit": "images_per_product", "max": MAX_IMAGES},
            )
        alts = {**product.image_alts, image: alt} if alt else product.image_alts
        return {"images": (*product.images, image), "image_alts": alts, "media": dict(media or {})}

    return _edit_product(tenant, product_id, append)


def use_fetched_image(
    tenant: Tenant,
    product_id: str,
    address: str,
    media_id: str,
    *,
    image: MediaImage | None = None,
    reason: str | None = None,
) -> Product | None:
    """An image an import named by ``address`` has been fetched into the store's media as ``media_id``
    (``image``: what pages need to draw it), or could not be (``reason``). The product shows the
    fetched image in the address's place, keeping its description, or keeps the address as a
    placeholder with the reason. ``None`` when the product is gone or no longer names the address (an
    edit since: the edit wins)."""

    def swap(product: Product) -> dict[str, Any]:
        if address not in product.images:
            raise _AddressGone
        if image is None:
            return {"image_failures": {**product.image_failures, address: reason or "not fetched"}}
        ref = media_ref(media_id)
        images = tuple(dict.fromkeys(ref if entry == address else entry for entry in product.images))
        alts = {(ref if key == address else key): text for key, text in product.image_alts.items()}
        failures = {url: why for url, why in product.image_failures.items() if url != address}
        source = dict(product.source)
        if isinstance(source.get("images"), list):
            source["images"] = list(dict.fromkeys(ref if e == address else e for e in source["images"]))
        return {
            "source": source,
            "images": images,
            "image_alts": alts,
            "media": {media_id: image},
            "image_sources": {**product.image_sources, media_id: address},
            "image_failures": failures,
        }

    try:
        return _edit_product(tenant, product_id, swap, staff=False)
    except (_AddressGone, NotFound):
        return None


class _AddressGone(Exception):
    """The product no longer names the address (edited since the import)."""


def reset_override(tenant: Tenant, product_id: str, field: str) -> Product:
    """Give an overridden field of a product from a feed back its source's value (the feed's last):
    Invalid for a name that is no overridable field, NotFound if the product does not override it."""
    check_field(field)

    def reset(product: Product) -> dict[str, Any]:
        if field not in product.overrides:
            raise NotFound.worded("The product does not override {field}.", field=field)
        fields = with_values(product, {field: product.source.get(field)})
        return {
            **{name: fields[name] for name in ProductInput.model_fields},
            "overrides": tuple(f for f in product.overrides if f != field),
        }

    return _edit_product(tenant, product_id, reset, staff=False)


def delete_product(tenant: Tenant, product_id: str) -> None:
    """Remove a product and everything derived from it (orders keep their own copy of the lines)."""
    repository, writer = runtime.repository(ProductRepository), runtime.repository(ProductWriter)
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        stored = repository.read_for_update(tenant, product_id)
        if stored is None:
            raise NotFound.worded("No product {id}.", id=product_id)
        try:
            writer.delete(tenant, stored)
            break
        except ProductChanged:  # a variant's stock state moved meanwhile: read again
            if attempt == SAVE_ATTEMPTS:
                raise
    tiers.release(tenant, tiers.Limit.PRODUCTS)


# --- variants ------------------------------------------------------------------------------------------


def get_variant_by_sku(tenant: Tenant, sku: str) -> VariantRef:
    """A variant and its product's display fields, by SKU (NotFound for unknown SKUs)."""
    repository = runtime.repository(ProductRepository)
    pointer = repository.sku_pointer(tenant, sku) if SKU_PATTERN.fullmatch(sku) else None
    product = repository.get(tenant, pointer[0]) if pointer else None
    variant = product.variant(sku) if product else None
    if product is None or variant is None:
        raise NotFound.worded("There is no product with SKU {sku}.", sku=sku)
    return VariantRef(
        product_id=product.id,
        handle=product.handle,
        title=product.title,
        titles={lang: t.title for lang, t in product.translations.items() if t.title},
        status=product.status,
        image=image_address(tenant, shown[0], product.media) if (shown := product.shown_images) else None,
        tax_class=product.tax_class,
        variant=variant,
    )


def get_variants(
    tenant: Tenant, refs: Sequence[tuple[str, str]]
) -> dict[str, tuple[ProductSummary, Variant]]:
    """Current variants by ``(product id, sku)``, keyed by SKU (absent ones left out): one BatchGetItem."""
    if len(refs) > 50:
        raise BadRequest("at most 50 variants at once")
    found = runtime.repository(ProductRepository).variants_with_levels(tenant, refs)
    return {sku: (summary, variant) for sku, (summary, variant, _) in found.items()}


def get_variant(tenant: Tenant, product_id: str, sku: str) -> Variant:
    """One variant of a product (NotFound if the product or the variant is absent)."""
    variant = get_product(tenant, product_id).variant(sku)
    if variant is None:
        raise NotFound.worded("The product has no variant with SKU {sku}.", sku=sku)
    return variant


def add_variant(tenant: Tenant, product_id: str, data: VariantInput) -> Product:
    """Append a variant. Its SKU must be free in the store (Conflict), a product holds at most
    MAX_VARIANTS (LimitExceeded: a save must fit one transaction) and all variants share a currency."""

    def append(product: Product) -> dict[str, Any]:
        if product.variant(data.sku) is not None:
            raise Conflict.worded(
                "This product already has a variant with SKU {sku}.", sku=data.sku, extra={"sku": data.sku}
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
            raise NotFound.worded("The product has no variant with SKU {sku}.", sku=sku)
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
            raise NotFound.worded("The product has no variant with SKU {sku}.", sku=sku)
        if len(product.variants) == 1:
            raise Conflict("A product needs at least one variant; delete the product instead.")
        return {"variants": tuple(v for v in product.variants if v.sku != sku)}

    return _edit_product(tenant, product_id, drop)


def _free_handle(tenant: Tenant, wanted: str, product_id: str) -> str:
    if runtime.repository(ProductRepository).product_id_for_handle(tenant, wanted) is None:
        return wanted
    return f"{wanted[:90]}-{product_id[-6:].lower()}"


# --- translations ----------------------------------------------------------------------------------


def set_product_translation(
    tenant: Tenant, product_id: str, lang: str, translation: Translation, *, offered: Sequence[str]
) -> Product:
    """Create or replace a product's title/description in ``lang``, one of the store's languages
    (``offered``). Listings and search carry the translated title, so this is a product save."""
    check_language_offered(lang, offered)
    if not (translation.title or translation.description):
        raise Invalid("A translation needs a title or a description.", errors=[FieldError("body", "empty")])
    return _edit_product(
        tenant, product_id, lambda product: {"translations": {**product.translations, lang: translation}}
    )


def remove_product_translation(tenant: Tenant, product_id: str, lang: str) -> Product:
    """Remove a product's translation (the storefront falls back to the default text)."""

    def drop(product: Product) -> dict[str, Any]:
        if lang not in product.translations:
            raise NotFound.worded("The product has no {lang} translation.", lang=repr(lang))
        return {"translations": {k: v for k, v in product.translations.items() if k != lang}}

    return _edit_product(tenant, product_id, drop)


def product_input_errors(exc: ValidationError) -> Invalid:
    """Pydantic's errors as an Invalid with one FieldError per field (for adapters)."""
    return Invalid(
        "Some fields are not valid.",
        errors=[FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()],
    )
