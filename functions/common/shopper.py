"""The shopper-facing adapter: tenant from the API Gateway v2 event, pages to HTTP responses."""

from __future__ import annotations

import copy
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.head import resolve_head_as_get
from orion.errors import NotFound, OrionError, problem_details
from orion.modules.registry import route_enabled
from orion.observability import logger
from orion.settings import get_settings
from orion.storefront.pages import Page, etag_matches, storefront_pages
from orion.storefront.shop import ShopperRequest, shop_pages
from orion.tenancy.directory import tenant_directory
from orion.tenancy.hosts import viewer_host
from orion.tenancy.models import ResolvedTenant

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}
HTML = "text/html; charset=utf-8"


def request_headers(event: dict[str, Any]) -> dict[str, str]:
    """The request's headers with lower-cased names (API Gateway v2 already lower-cases them)."""
    return {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}


def origin_verify_secret() -> str | None:
    """The CloudFront origin-verify secret (cached by Powertools for five minutes)."""
    from aws_lambda_powertools.utilities import parameters

    try:
        value = parameters.get_secret(get_settings().origin_verify_secret_name, max_age=300)
    except parameters.exceptions.GetParameterError:
        logger.warning("origin-verify secret unavailable; X-Forwarded-Host is ignored")
        return None
    return str(value)


def resolve_shopper_tenant(event: dict[str, Any]) -> ResolvedTenant | None:
    """The tenant of a shopper request, from its Host (or CloudFront's verified X-Forwarded-Host)."""
    headers = request_headers(event)
    forwarded = headers.get("x-forwarded-host")
    verify = headers.get("x-origin-verify")
    secret = origin_verify_secret() if forwarded and verify else None
    host = viewer_host(headers.get("host"), forwarded, verify, secret)
    return tenant_directory().resolve(host, event.get("rawPath") or "/")


def page_response(page: Page, if_none_match: str | None = None) -> Response[str]:
    """An HTML response; a GET whose If-None-Match names the page's ETag gets a bodiless 304."""
    headers: dict[str, str] = {**SECURITY_HEADERS, "Cache-Control": page.cache_control, **page.headers}
    if page.status == 200 and "no-store" not in page.cache_control:
        etag = page.etag
        headers["ETag"] = etag
        if etag_matches(if_none_match, etag):
            return Response(status_code=304, headers=headers, body="")
    return Response(status_code=page.status, content_type=HTML, body=page.html, headers=headers)


def shopper_request_of(event: dict[str, Any]) -> ShopperRequest:
    """The query and language preference of an API Gateway v2 event."""
    return ShopperRequest(
        query=event.get("queryStringParameters") or {},
        accept_language=request_headers(event).get("accept-language"),
    )


def not_found_page(
    resolved: ResolvedTenant | None, request: ShopperRequest, message: str | None = None
) -> Page:
    """The 404 page in the shopper's language (English where no tenant is known)."""
    if resolved is None:
        return storefront_pages().not_found(None, message)
    try:
        return shop_pages().not_found(resolved, request, message)
    except Exception:  # the navigation is unreadable: the plain page still answers
        logger.exception("localised 404 page could not be rendered")
        return storefront_pages().not_found(resolved, message)


def error_page(resolved: ResolvedTenant | None, error: OrionError, request: ShopperRequest) -> Page:
    """The page for an error a route raised, in the shopper's language."""
    if error.status == 404:
        return not_found_page(resolved, request, str(error) if error.detail else None)
    if resolved is not None:
        try:
            return shop_pages().error(resolved, request, error.status, error.title, str(error))
        except Exception:
            logger.exception("localised error page could not be rendered")
    return storefront_pages().error(resolved, error.status, error.title, str(error))


def _page_result(page: Page) -> dict[str, Any]:
    """A page as the Lambda result, for answers given before any route runs."""
    headers = {**SECURITY_HEADERS, "Content-Type": HTML, "Cache-Control": page.cache_control, **page.headers}
    return {"statusCode": page.status, "headers": headers, "body": page.html, "isBase64Encoded": False}


def _problem_result(error: OrionError, path: str) -> dict[str, Any]:
    """A problem+json Lambda result, for JSON clients answered before any route runs."""
    headers = {**SECURITY_HEADERS, "Content-Type": "application/problem+json", "Cache-Control": "no-store"}
    body = json.dumps(problem_details(error, path))
    return {"statusCode": error.status, "headers": headers, "body": body, "isBase64Encoded": False}


def handle_shopper_request(
    app: APIGatewayHttpResolver, event: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    """Resolve the tenant, hand the app the tenant-relative path, and let its routes render (HEAD as
    the GET it mirrors, without the body).

    No tenant (unknown host, unverified domain, suspended store) is a 404 page before any route runs,
    so nothing beyond the host lookup is read.
    """
    return resolve_head_as_get(event, lambda routed: _handle(app, routed, context))


def _handle(app: APIGatewayHttpResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    resolved = resolve_shopper_tenant(event)
    if resolved is None:
        return _page_result(storefront_pages().not_found(None))
    logger.append_keys(platform=resolved.tenant.platform, store=resolved.tenant.store)
    if not route_enabled(resolved.path, resolved.platform.enabled_modules):
        # An optional module switched off on this platform (e.g. orders on loyalty): its pages are gone.
        if "application/json" in request_headers(event).get("accept", ""):
            return _problem_result(NotFound("This shop does not sell online."), resolved.path)
        return _page_result(not_found_page(resolved, shopper_request_of(event)))
    routed = copy.copy(event)
    routed["rawPath"] = resolved.path
    routed["requestContext"] = {
        **event.get("requestContext", {}),
        "http": {**event.get("requestContext", {}).get("http", {}), "path": resolved.path},
    }
    app.append_context(tenant=resolved)
    return app.resolve(routed, context)
