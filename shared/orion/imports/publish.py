"""Publishing staged products into the catalogue: selected or all, with staff overrides.

A product is matched by its external id (the feed's ``id``, the Shopify handle), so publishing again
updates rather than duplicates. Every language staged under the same id becomes a translation of the
one product: publishing the French file, then the German one, gives one product in both languages.
Stock levels of existing variants are kept (feeds carry availability, not quantities).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orion.catalog.models import (
    MAX_IMAGES,
    MAX_VARIANTS,
    Product,
    ProductInput,
    ProductStatus,
    Translation,
    Variant,
)
from orion.catalog.repository import ProductRepository
from orion.catalog.service import upsert_product_by_external_id
from orion.errors import Conflict, Invalid, OrionError
from orion.imports.models import ImportStatus, StagedProduct
from orion.imports.repository import ImportRepository
from orion.imports.service import get_import_job
from orion.settings import get_settings
from orion.tenancy.models import Tenant
from orion.tenancy.repository import TenancyRepository

_SKU_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]+")
AVAILABLE = {"in_stock", "preorder", "backorder"}


class ProductOverride(BaseModel):
    """What staff change on one product while publishing it."""

    model_config = ConfigDict(extra="forbid")

    price: int | None = Field(default=None, ge=0, le=100_000_000, description="minor units")
    description: str | None = Field(default=None, max_length=20_000)
    status: ProductStatus | None = None


class PublishRequest(BaseModel):
    """Publish ``external_ids`` (or every staged product when ``all``), with per-product overrides."""

    model_config = ConfigDict(extra="forbid")

    external_ids: list[str] = Field(default_factory=list, max_length=1000)
    all: bool = False
    status: ProductStatus = ProductStatus.ACTIVE
    overrides: dict[str, ProductOverride] = Field(default_factory=dict)


@dataclass
class PublishFailure:
    external_id: str
    message: str


@dataclass
class PublishResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    failed: list[PublishFailure] = field(default_factory=list)


def publish_staged_products(tenant: Tenant, job_id: str, request: PublishRequest) -> PublishResult:
    """Create or update a catalogue product for each selected external id; report per-id failures."""
    job = get_import_job(tenant, job_id)
    if job.status not in (ImportStatus.COMPLETED, ImportStatus.COMPLETED_WITH_ERRORS):
        raise Conflict(f"Only a completed import can be published; this one is {job.status.value}.")
    if not request.all and not request.external_ids:
        raise Invalid("Name the products to publish (external_ids) or set all to true.")
    repository = ImportRepository()
    wanted = None if request.all else set(request.external_ids)
    by_id: dict[str, list[StagedProduct]] = defaultdict(list)
    for staged in repository.staged_rows(tenant, job_id):
        if wanted is None or staged.external_id in wanted:
            by_id[staged.external_id].append(staged)
    result = PublishResult()
    for missing in sorted((wanted or set()) - set(by_id)):
        result.failed.append(PublishFailure(missing, "This id is not staged in this import."))
    store = TenancyRepository().get_store(tenant.platform, tenant.require_store())
    default_language = store.default_language if store else "en"
    catalogue = ProductRepository()
    for external_id, rows in by_id.items():
        override = request.overrides.get(external_id, ProductOverride())
        try:
            existing = _existing(catalogue, tenant, external_id)
            data = product_input(rows, existing, override, request.status, default_language)
            _, created = upsert_product_by_external_id(tenant, external_id, data)
        except ValidationError as exc:
            result.failed.append(PublishFailure(external_id, _validation_message(exc)))
            continue
        except OrionError as exc:
            result.failed.append(PublishFailure(external_id, str(exc)))
            continue
        (result.created if created else result.updated).append(external_id)
        repository.mark_published(tenant, job_id, rows)
    return result


def _existing(catalogue: ProductRepository, tenant: Tenant, external_id: str) -> Product | None:
    product_id = catalogue.product_id_for_external_id(tenant, external_id)
    return catalogue.get(tenant, product_id, consistent=True) if product_id else None


def product_input(
    rows: list[StagedProduct],
    existing: Product | None,
    override: ProductOverride,
    status: ProductStatus,
    default_language: str,
) -> ProductInput:
    """The catalogue input for one external id: this import's languages merged into what exists."""
    rows = sorted(rows, key=lambda row: (row.language != default_language, row.language))
    base = rows[0]
    translations: dict[str, Translation] = dict(existing.translations) if existing else {}
    for row in rows:
        translations[row.language] = Translation(title=row.title[:200], description=row.description or None)
    if existing and base.language != default_language:
        title, description = existing.title, existing.description
    else:
        title, description = base.title[:200], base.description
    if override.description is not None:
        description = override.description
        translations[base.language] = Translation(title=translations[base.language].title, description=None)
    stock_of = {variant.sku: variant.stock for variant in existing.variants} if existing else {}
    variants = _variants(base, stock_of, override)
    return ProductInput(
        title=title,
        description=description,
        status=override.status or status,
        images=tuple(base.image_links[:MAX_IMAGES]),
        translations=translations,
        brand=base.brand[:120] if base.brand else None,
        gtin=base.gtin,
        variants=variants,
        handle=existing.handle if existing else None,
        categories=existing.categories if existing else (),
        featured=existing.featured if existing else False,
    )


def _variants(
    base: StagedProduct, stock_of: dict[str, int], override: ProductOverride
) -> tuple[Variant, ...]:
    default_stock = get_settings().import_default_stock
    if not base.variants:
        sku = safe_sku(base.external_id)
        stock = stock_of.get(sku, default_stock if base.availability in AVAILABLE else 0)
        price = override.price if override.price is not None else (base.sale_price_minor or base.price_minor)
        compare_at = base.price_minor if base.sale_price_minor and override.price is None else None
        return (
            Variant(sku=sku, price=price, compare_at_price=compare_at, currency=base.currency, stock=stock),
        )
    if len(base.variants) > MAX_VARIANTS:
        raise Invalid(
            f"A product can have at most {MAX_VARIANTS} variants; this one has {len(base.variants)}."
        )
    variants = []
    for index, staged in enumerate(base.variants, start=1):
        sku = safe_sku(staged.sku or f"{base.external_id}-{index}")
        variants.append(
            Variant(
                sku=sku,
                options=dict(list(staged.options.items())[:3]),
                price=override.price if override.price is not None else staged.price_minor,
                compare_at_price=staged.compare_at_minor,
                currency=base.currency,
                stock=stock_of.get(sku, staged.stock if staged.stock is not None else default_stock),
            )
        )
    return tuple(variants)


def safe_sku(value: str) -> str:
    """A catalogue SKU from a feed value: unsupported characters become '-', at most 64 characters."""
    cleaned = _SKU_UNSAFE.sub("-", value).strip("-._/")[:64]
    return cleaned or "item"


def _validation_message(exc: ValidationError) -> str:
    problem = exc.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}" if where else str(problem["msg"])
