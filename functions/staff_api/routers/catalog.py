"""``/api/v1/products`` and ``/api/v1/categories``: the store's catalogue for staff."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from functions.common.uploaded_images import uploaded_images
from functions.staff_api.common.access import record_audit, request_tenant, require
from orion.catalog import service as catalog
from orion.catalog.models import (
    MAX_STOCK,
    SKU_PATTERN,
    TRANSLATION_LANGUAGES,
    Category,
    CategoryInput,
    Product,
    ProductInput,
    ProductList,
    ProductSort,
    Translation,
    Variant,
    VariantChanges,
    VariantInput,
)
from orion.catalog.models import ProductStatus as Status
from orion.errors import NotFound
from orion.identity.models import StaffAccess
from orion.numbers import WholeNumber

router = APIRouter(tags=["catalogue"])

ProductId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="the product's id")]
CategorySlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$", max_length=80)]
# SKUs may contain '/': the route takes the rest of the path, so a SKU works sent as it is or
# percent-encoded (%2F, what clients should send; API Gateway decodes it, the local gateway does not).
# The SKU pattern is documented, and checked once the segment is decoded.
SkuSegment = Annotated[
    str,
    Path(
        max_length=200,
        description="the variant's SKU, percent-encoded ('/' as %2F)",
        json_schema_extra={"pattern": SKU_PATTERN.pattern},
    ),
]
Lang = Annotated[
    str, Path(pattern=f"^({'|'.join(TRANSLATION_LANGUAGES)})$", description="one of the store's languages")
]
View = Annotated[StaffAccess, Depends(require("products.view"))]
Create = Annotated[StaffAccess, Depends(require("products.create"))]
Edit = Annotated[StaffAccess, Depends(require("products.edit"))]
Delete = Annotated[StaffAccess, Depends(require("products.delete"))]


class StatusChange(BaseModel):
    status: Status


class StockChange(BaseModel):
    delta: WholeNumber = Field(
        ge=-MAX_STOCK, le=MAX_STOCK, description="added to the stock (negative removes)"
    )
    reason: str = Field(default="", max_length=200)


class StockAdjustment(StockChange):
    sku: str = Field(min_length=1, max_length=64)


class StockLevel(BaseModel):
    sku: str
    stock: int


class CategoryList(BaseModel):
    items: list[Category]


class VariantList(BaseModel):
    items: list[Variant]


class TranslationView(BaseModel):
    language: str
    title: str | None = None
    description: str | None = None


class TranslationList(BaseModel):
    items: list[TranslationView]


class CategoryTranslation(BaseModel):
    name: str = Field(min_length=1, max_length=120)


class CategoryTranslationView(CategoryTranslation):
    language: str


class CategoryTranslationList(BaseModel):
    items: list[CategoryTranslationView]


def _sku(segment: str) -> str:
    """The SKU a path segment names; one that no SKU could match has no variant (404)."""
    sku = unquote(segment) if "%" in segment else segment  # a SKU never contains '%'
    if not SKU_PATTERN.fullmatch(sku):
        raise NotFound("The product has no variant with this SKU.")
    return sku


def _variant_of(product: Product, sku: str) -> Variant:
    variant = product.variant(sku)
    if variant is None:
        raise NotFound(f"The product has no variant with SKU {sku}.")
    return variant


def _store_languages(request: Request) -> tuple[str, ...]:
    """The languages of the host's store, from the profile the request's tenant was resolved with
    (the one the storefront uses to choose what to show)."""
    resolved = request_tenant(request)
    return resolved.store.languages if resolved.store else ()


def _stock_change(
    request: Request, access: StaffAccess, product_id: str, sku: str, change: StockChange
) -> StockLevel:
    stock = catalog.adjust_variant_stock(access.tenant, product_id, sku, change.delta)
    record_audit(
        request,
        access,
        "product.stock",
        f"product:{product_id}",
        {"sku": sku, "delta": change.delta, "reason": change.reason},
    )
    return StockLevel(sku=sku, stock=stock)


@router.get("/products", summary="List products (every status), with filters and cursor pagination")
def list_products(
    access: View,
    sort: Annotated[ProductSort, Query()] = ProductSort.NEWEST,
    status_filter: Annotated[Status | None, Query(alias="status")] = None,
    after: Annotated[
        str | None, Query(max_length=500, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
) -> ProductList:
    return catalog.list_products(
        access.tenant, sort=sort, after=after, limit=limit, include_unpublished=True, status=status_filter
    )


@router.post("/products", status_code=status.HTTP_201_CREATED, summary="Create a product with its variants")
def create_product(body: ProductInput, request: Request, access: Create) -> Product:
    """``images`` are addresses or uploaded images (``media:<id>``, from ``POST /media``): an upload
    must be ready (422 for one refused or of another store, 409 while it is still processing)."""
    media = uploaded_images(request_tenant(request), body.images)
    product = catalog.create_product(access.tenant, body, media=media)
    record_audit(request, access, "product.create", f"product:{product.id}", {"handle": product.handle})
    return product


@router.get("/products/{product_id}", summary="A product with variants and translations")
def get_product(product_id: ProductId, access: View) -> Product:
    return catalog.get_product(access.tenant, product_id)


@router.put("/products/{product_id}", summary="Replace a product (variants and translations included)")
def update_product(product_id: ProductId, body: ProductInput, request: Request, access: Edit) -> Product:
    """Uploaded images (``media:<id>``) follow the rules of ``POST /products``."""
    media = uploaded_images(request_tenant(request), body.images)
    product = catalog.update_product(access.tenant, product_id, body, media=media)
    record_audit(request, access, "product.update", f"product:{product_id}")
    return product


@router.put("/products/{product_id}/status", summary="Publish, unpublish or archive a product")
def set_status(product_id: ProductId, body: StatusChange, request: Request, access: Edit) -> Product:
    product = catalog.set_product_status(access.tenant, product_id, body.status)
    record_audit(request, access, "product.status", f"product:{product_id}", {"status": body.status.value})
    return product


@router.delete(
    "/products/{product_id}/overrides/{field}",
    summary="Give an overridden field of a product from a feed back the feed's value",
)
def reset_override(
    product_id: ProductId,
    field: Annotated[str, Path(max_length=40, description="an overridden field: title, price, title.fr ...")],
    request: Request,
    access: Edit,
) -> Product:
    """The product as it is now: 404 if it does not override ``field``, 422 for a name that is no
    overridable field (docs/staff-api.md, Lasting overrides)."""
    product = catalog.reset_override(access.tenant, product_id, field)
    record_audit(request, access, "product.override.reset", f"product:{product_id}", {"field": field})
    return product


@router.post("/products/{product_id}/stock", summary="Adjust a variant's stock, SKU in the body")
def adjust_stock(product_id: ProductId, body: StockAdjustment, request: Request, access: Edit) -> StockLevel:
    """Same as ``POST /products/{product_id}/variants/{sku}/stock``, for clients that would rather not
    put a SKU in a path. Atomic; never below zero (409)."""
    return _stock_change(request, access, product_id, body.sku, body)


@router.get("/products/{product_id}/variants", summary="A product's variants, in display order")
def list_variants(product_id: ProductId, access: View) -> VariantList:
    return VariantList(items=list(catalog.get_product(access.tenant, product_id).variants))


@router.post(
    "/products/{product_id}/variants",
    status_code=status.HTTP_201_CREATED,
    summary="Add a variant to a product",
)
def add_variant(product_id: ProductId, body: VariantInput, request: Request, access: Create) -> Variant:
    """The SKU must be free in the store (409); a product has at most 12 variants (409
    ``limit-exceeded``); the currency defaults to the product's and must match it."""
    product = catalog.add_variant(access.tenant, product_id, body)
    record_audit(request, access, "product.variant.create", f"product:{product_id}", {"sku": body.sku})
    return _variant_of(product, body.sku)


@router.get("/products/{product_id}/variants/{sku:path}", summary="One variant of a product")
def get_variant(product_id: ProductId, sku: SkuSegment, access: View) -> Variant:
    return catalog.get_variant(access.tenant, product_id, _sku(sku))


@router.patch("/products/{product_id}/variants/{sku:path}", summary="Change a variant's price or options")
def update_variant(
    product_id: ProductId, sku: SkuSegment, body: VariantChanges, request: Request, access: Edit
) -> Variant:
    """Absent fields stay; ``compare_at_price: null`` removes it. Stock moves only through
    ``POST .../stock`` (so a checkout's decrement is never overwritten)."""
    variant_sku = _sku(sku)
    product = catalog.update_variant(access.tenant, product_id, variant_sku, body)
    details = {"sku": variant_sku, "fields": sorted(body.model_fields_set)}
    record_audit(request, access, "product.variant.update", f"product:{product_id}", details)
    return _variant_of(product, variant_sku)


@router.delete(
    "/products/{product_id}/variants/{sku:path}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a variant (not the last one)",
)
def delete_variant(product_id: ProductId, sku: SkuSegment, request: Request, access: Edit) -> Response:
    variant_sku = _sku(sku)
    catalog.remove_variant(access.tenant, product_id, variant_sku)
    record_audit(request, access, "product.variant.delete", f"product:{product_id}", {"sku": variant_sku})
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/products/{product_id}/variants/{sku:path}/stock",
    summary="Adjust a variant's stock (atomic, never below zero)",
)
def adjust_variant_stock(
    product_id: ProductId, sku: SkuSegment, body: StockChange, request: Request, access: Edit
) -> StockLevel:
    """Adds ``delta`` in one conditional update: a removal that would take the stock below zero is
    refused with 409 and changes nothing, whatever checkouts do meanwhile."""
    return _stock_change(request, access, product_id, _sku(sku), body)


@router.get("/products/{product_id}/translations", summary="A product's translations")
def list_translations(product_id: ProductId, access: View) -> TranslationList:
    product = catalog.get_product(access.tenant, product_id)
    return TranslationList(
        items=[
            TranslationView(language=lang, title=t.title, description=t.description)
            for lang, t in sorted(product.translations.items())
        ]
    )


@router.put(
    "/products/{product_id}/translations/{lang}", summary="Set a product's title/description in a language"
)
def put_translation(
    product_id: ProductId, lang: Lang, body: Translation, request: Request, access: Edit
) -> TranslationView:
    """The language must be one of the store's (422 otherwise); the storefront shows it with
    ``?lang=`` or a matching ``Accept-Language``, and falls back to the default text where absent."""
    catalog.set_product_translation(access.tenant, product_id, lang, body, offered=_store_languages(request))
    record_audit(request, access, "product.translation.update", f"product:{product_id}", {"lang": lang})
    return TranslationView(language=lang, title=body.title, description=body.description)


@router.delete(
    "/products/{product_id}/translations/{lang}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a product's translation",
)
def delete_translation(product_id: ProductId, lang: Lang, request: Request, access: Edit) -> Response:
    catalog.remove_product_translation(access.tenant, product_id, lang)
    record_audit(request, access, "product.translation.delete", f"product:{product_id}", {"lang": lang})
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/products/{product_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a product")
def delete_product(product_id: ProductId, request: Request, access: Delete) -> Response:
    catalog.delete_product(access.tenant, product_id)
    record_audit(request, access, "product.delete", f"product:{product_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/categories", summary="List categories")
def list_categories(access: View) -> CategoryList:
    return CategoryList(items=catalog.list_categories(access.tenant))


@router.post("/categories", status_code=status.HTTP_201_CREATED, summary="Create a category")
def create_category(body: CategoryInput, request: Request, access: Create) -> Category:
    category = catalog.create_category(access.tenant, body)
    record_audit(request, access, "category.create", f"category:{category.slug}")
    return category


@router.get("/categories/{slug}", summary="A category with its translations")
def get_category(slug: CategorySlug, access: View) -> Category:
    return catalog.get_category(access.tenant, slug)


@router.put("/categories/{slug}", summary="Replace a category")
def update_category(slug: CategorySlug, body: CategoryInput, request: Request, access: Edit) -> Category:
    category = catalog.update_category(access.tenant, slug, body)
    record_audit(request, access, "category.update", f"category:{slug}")
    return category


@router.get("/categories/{slug}/translations", summary="A category's names in other languages")
def list_category_translations(slug: CategorySlug, access: View) -> CategoryTranslationList:
    category = catalog.get_category(access.tenant, slug)
    return CategoryTranslationList(
        items=[
            CategoryTranslationView(language=lang, name=name)
            for lang, name in sorted(category.translations.items())
        ]
    )


@router.put("/categories/{slug}/translations/{lang}", summary="Set a category's name in a language")
def put_category_translation(
    slug: CategorySlug,
    lang: Lang,
    body: CategoryTranslation,
    request: Request,
    access: Edit,
) -> CategoryTranslationView:
    category = catalog.set_category_translation(
        access.tenant, slug, lang, body.name, offered=_store_languages(request)
    )
    record_audit(request, access, "category.translation.update", f"category:{slug}", {"lang": lang})
    return CategoryTranslationView(language=lang, name=category.translations[lang])


@router.delete(
    "/categories/{slug}/translations/{lang}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a category's translation",
)
def delete_category_translation(slug: CategorySlug, lang: Lang, request: Request, access: Edit) -> Response:
    catalog.remove_category_translation(access.tenant, slug, lang)
    record_audit(request, access, "category.translation.delete", f"category:{slug}", {"lang": lang})
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/categories/{slug}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a category")
def delete_category(slug: CategorySlug, request: Request, access: Delete) -> Response:
    catalog.delete_category(access.tenant, slug)
    record_audit(request, access, "category.delete", f"category:{slug}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
