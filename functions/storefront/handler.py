"""Storefront Lambda: shopper HTML pages, rendered from the tenant's theme (read-only)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.edge import http_entry
from functions.common.shopper import (
    asset_response,
    error_page,
    handle_shopper_request,
    not_found_page,
    page_response,
    refused_before_routing,
    shopper_request_of,
)
from orion.errors import NotFound, OrionError
from orion.observability import logger, metrics
from orion.storefront import icon
from orion.storefront.pages import storefront_pages
from orion.storefront.shop import ShopperRequest, shop_pages
from orion.tenancy.models import HostKind, ResolvedTenant

app = APIGatewayHttpResolver()

FALLBACK_ERROR_HTML = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Something went wrong</title>"
    "<h1>Something went wrong</h1><p>Please try again in a moment.</p></html>"
)


def current_tenant() -> ResolvedTenant:
    tenant: ResolvedTenant = app.context["tenant"]
    return tenant


def if_none_match() -> str | None:
    return app.current_event.headers.get("if-none-match")


def shopper_request() -> ShopperRequest:
    return shopper_request_of(app.current_event.raw_event)


def store_tenant() -> ResolvedTenant:
    """The tenant of a store page; catalogue paths on a platform or API host are 404s."""
    resolved = current_tenant()
    if resolved.host_kind is not HostKind.STORE:
        raise NotFound()
    return resolved


@app.get("/")
def home() -> Response[str]:
    resolved = current_tenant()
    if resolved.host_kind is HostKind.STORE:
        return page_response(shop_pages().home(resolved, shopper_request()), if_none_match())
    if resolved.host_kind is HostKind.PLATFORM:
        return page_response(shop_pages().platform_home(resolved, shopper_request()), if_none_match())
    raise NotFound("This host serves the platform API; shops live on store domains.")


@app.get("/products")
def products() -> Response[str]:
    return page_response(shop_pages().listing(store_tenant(), shopper_request(), None), if_none_match())


@app.get("/products/<handle>")
def product(handle: str) -> Response[str]:
    return page_response(shop_pages().product(store_tenant(), shopper_request(), handle), if_none_match())


@app.get("/categories/<slug>")
def category(slug: str) -> Response[str]:
    return page_response(shop_pages().listing(store_tenant(), shopper_request(), slug), if_none_match())


@app.get("/search")
def search() -> Response[str]:
    return page_response(shop_pages().search(store_tenant(), shopper_request()), if_none_match())


@app.get("/robots.txt")
def robots() -> Response[str]:
    return page_response(shop_pages().robots(current_tenant(), shopper_request()), if_none_match())


@app.get("/favicon.ico")
def favicon() -> Response[bytes]:
    """The site icon browsers ask every host for (a 404 here is an error in every shopper's console)."""
    return asset_response(icon.favicon(), if_none_match())


@app.get("/sitemap.xml")
def sitemap() -> Response[str]:
    return page_response(shop_pages().sitemap_index(store_tenant(), shopper_request()), if_none_match())


@app.get("/sitemap-pages.xml")
def sitemap_pages() -> Response[str]:
    return page_response(shop_pages().sitemap_pages(store_tenant(), shopper_request()), if_none_match())


@app.get("/sitemap-products.xml")
def sitemap_products() -> Response[str]:
    return page_response(shop_pages().sitemap_products(store_tenant(), shopper_request()), if_none_match())


@app.get("/pages/<slug>")
def cms_page(slug: str) -> Response[str]:
    return page_response(shop_pages().cms(current_tenant(), shopper_request(), slug), if_none_match())


@app.get("/<slug>")
def top_level_page(slug: str) -> Response[str]:
    return page_response(shop_pages().cms(current_tenant(), shopper_request(), slug), if_none_match())


@app.not_found
def not_found(_: Exception) -> Response[str]:
    return page_response(not_found_page(current_tenant(), shopper_request()))


@app.exception_handler(OrionError)
def orion_error(error: OrionError) -> Response[str]:
    return page_response(error_page(current_tenant(), error, shopper_request()))


@app.exception_handler(Exception)
def unexpected_error(error: Exception) -> Response[str]:
    logger.exception("unexpected storefront error")
    metrics.add_metric(name="StorefrontErrors", unit="Count", value=1)
    try:
        page = storefront_pages().error(
            current_tenant(), 500, "Something went wrong", "Please try again in a moment."
        )
    except Exception:  # the theme itself is unreachable: answer with the built-in page
        logger.exception("error page could not be rendered")
        return Response(500, content_type="text/html; charset=utf-8", body=FALLBACK_ERROR_HTML)
    return page_response(page)


@http_entry(refuse=refused_before_routing)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_shopper_request(app, event, context)
