"""Catalogue use cases: products, variants, stock, categories, listings and search.

This is the public surface other features and the handlers call (storefront, checkout, staff API,
imports); each use case lives with its concern (``products``, ``stock``, ``categories``, ``listings``)
and is named here. Every function takes the tenant (a store) first and raises orion.errors (NotFound,
Conflict, BadRequest, Invalid) for anything a caller can get wrong. Stock changes inside another
feature's transaction go through orion.catalog.stock_api.
"""

from __future__ import annotations

from orion.catalog.categories.service import (
    create_category,
    delete_category,
    get_category,
    list_categories,
    remove_category_translation,
    set_category_translation,
    update_category,
)
from orion.catalog.errors import StaleProduct
from orion.catalog.listings.service import (
    PAGE_SIZE,
    SEARCH_LIMIT,
    SITEMAP_PAGE_SIZE,
    list_products,
    list_sitemap_products,
    search_products,
    search_staff_products,
    sitemap_page_cursors,
)
from orion.catalog.products.service import (
    add_product_image,
    add_variant,
    bulk_create_products,
    create_product,
    delete_product,
    get_product,
    get_product_by_handle,
    get_variant,
    get_variant_by_sku,
    get_variants,
    product_input_errors,
    product_summaries,
    product_version,
    remove_product_translation,
    remove_variant,
    reset_override,
    save_product_by_external_id,
    set_product_status,
    set_product_translation,
    update_product,
    update_variant,
    upsert_product_by_external_id,
    use_fetched_image,
)
from orion.catalog.stock.rules import MAX_LOW_STOCK_THRESHOLD
from orion.catalog.stock.service import (
    adjust_stock,
    adjust_variant_stock,
    get_low_stock_threshold,
    list_low_stock,
    set_low_stock_threshold,
)

__all__ = [
    "MAX_LOW_STOCK_THRESHOLD",
    "PAGE_SIZE",
    "SEARCH_LIMIT",
    "SITEMAP_PAGE_SIZE",
    "StaleProduct",
    "add_product_image",
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
    "list_categories",
    "list_low_stock",
    "list_products",
    "list_sitemap_products",
    "product_input_errors",
    "product_summaries",
    "product_version",
    "remove_category_translation",
    "remove_product_translation",
    "remove_variant",
    "reset_override",
    "save_product_by_external_id",
    "search_products",
    "search_staff_products",
    "set_category_translation",
    "set_low_stock_threshold",
    "set_product_status",
    "set_product_translation",
    "sitemap_page_cursors",
    "update_category",
    "update_product",
    "update_variant",
    "upsert_product_by_external_id",
    "use_fetched_image",
]
