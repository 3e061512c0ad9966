"""``/api/v1/products`` and ``/api/v1/categories``: the store's catalogue for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from functions.staff_api.common.access import record_audit, require
from orion.catalog import service as catalog
from orion.catalog.models import Category, CategoryInput, Product, ProductInput, ProductList, ProductSort
from orion.catalog.models import ProductStatus as Status
from orion.errors import NotFound
from orion.identity.models import StaffAccess

router = APIRouter(tags=["catalogue"])

ProductId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="the product's id")]
CategorySlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$", max_length=80)]
View = Annotated[StaffAccess, Depends(require("products.view"))]
Create = Annotated[StaffAccess, Depends(require("products.create"))]
Edit = Annotated[StaffAccess, Depends(require("products.edit"))]
Delete = Annotated[StaffAccess, Depends(require("products.delete"))]


class StatusChange(BaseModel):
    status: Status


class StockAdjustment(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    delta: int = Field(ge=-1_000_000, le=1_000_000, description="added to the stock (negative removes)")
    reason: str = Field(default="", max_length=200)


class StockLevel(BaseModel):
    sku: str
    stock: int


class CategoryList(BaseModel):
    items: list[Category]


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
    product = catalog.create_product(access.tenant, body)
    record_audit(request, access, "product.create", f"product:{product.id}", {"handle": product.handle})
    return product


@router.get("/products/{product_id}", summary="A product with variants and translations")
def get_product(product_id: ProductId, access: View) -> Product:
    return catalog.get_product(access.tenant, product_id)


@router.put("/products/{product_id}", summary="Replace a product (variants and translations included)")
def update_product(product_id: ProductId, body: ProductInput, request: Request, access: Edit) -> Product:
    product = catalog.update_product(access.tenant, product_id, body)
    record_audit(request, access, "product.update", f"product:{product_id}")
    return product


@router.put("/products/{product_id}/status", summary="Publish, unpublish or archive a product")
def set_status(product_id: ProductId, body: StatusChange, request: Request, access: Edit) -> Product:
    product = catalog.set_product_status(access.tenant, product_id, body.status)
    record_audit(request, access, "product.status", f"product:{product_id}", {"status": body.status.value})
    return product


@router.post("/products/{product_id}/stock", summary="Adjust a variant's stock (atomic, never below zero)")
def adjust_stock(product_id: ProductId, body: StockAdjustment, request: Request, access: Edit) -> StockLevel:
    product = catalog.get_product(access.tenant, product_id)
    if product.variant(body.sku) is None:
        raise NotFound(f"The product has no variant with SKU {body.sku}.")
    stock = catalog.adjust_stock(access.tenant, body.sku, body.delta)
    record_audit(
        request,
        access,
        "product.stock",
        f"product:{product_id}",
        {"sku": body.sku, "delta": body.delta, "reason": body.reason},
    )
    return StockLevel(sku=body.sku, stock=stock)


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


@router.delete("/categories/{slug}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a category")
def delete_category(slug: CategorySlug, request: Request, access: Delete) -> Response:
    catalog.delete_category(access.tenant, slug)
    record_audit(request, access, "category.delete", f"category:{slug}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
