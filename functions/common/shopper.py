"""The shopper-facing adapter: tenant from the API Gateway v2 event, pages to HTTP responses."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common import edge
from orion.errors import BadRequest, FieldError, Invalid, NotFound, OrionError
from orion.modules.registry import route_enabled
from orion.observability import logger
from orion.storefront.icon import Asset
from orion.storefront.pages import PRIVATE_NO_STORE, Page, etag_matches, storefront_pages
from orion.storefront.shop import ShopperRequest, shop_pages
from orion.tenancy.models import ResolvedTenant

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}
HTML = "text/html; charset=utf-8"
# JSON answers given before any route runs (a switched-off module's paths).
NO_STORE_JSON = {**SECURITY_HEADERS, "Cache-Control": "no-store"}
# What a shopper reads when the address itself is garbage (the API's detail names the Host header).
BAD_ADDRESS = ("This address is not valid", "Please check the web address and try again.")
FALLBACK_BAD_ADDRESS_HTML = (
    f"<!doctype html><html lang=en><meta charset=utf-8><title>{BAD_ADDRESS[0]}</title>"
    f"<h1>{BAD_ADDRESS[0]}</h1><p>{BAD_ADDRESS[1]}</p></html>"
)


def page_response(page: Page, if_none_match: str | None = None) -> Response[str]:
    """An HTML response; a GET whose If-None-Match names the page's ETag gets a bodiless 304."""
    headers: dict[str, str] = {**SECURITY_HEADERS, "Cache-Control": page.cache_control, **page.headers}
    if page.status == 200 and "no-store" not in page.cache_control:
        etag = page.etag
        headers["ETag"] = etag
        if etag_matches(if_none_match, etag):
            return Response(status_code=304, headers=headers, body="")
    return Response(status_code=page.status, content_type=page.content_type, body=page.html, headers=headers)


def asset_response(asset: Asset, if_none_match: str | None = None) -> Response[bytes]:
    """A file as it is (base64 in the Lambda result); a GET naming its ETag gets a bodiless 304."""
    headers = {**SECURITY_HEADERS, "Cache-Control": asset.cache_control, "ETag": asset.etag}
    if etag_matches(if_none_match, asset.etag):
        return Response(status_code=304, headers=headers, body=b"")
    return Response(status_code=200, content_type=asset.content_type, body=asset.body, headers=headers)


def shopper_request_of(event: dict[str, Any]) -> ShopperRequest:
    """The query, language preference and origin (``scheme://host`` as the browser used it, for the
    canonical and sitemap addresses) of an API Gateway v2 event."""
    headers = edge.lower_headers(event.get("headers"))
    host = edge.viewer_host(headers)
    return ShopperRequest(
        query=event.get("queryStringParameters") or {},
        accept_language=headers.get("accept-language"),
        origin=f"{edge.viewer_scheme(headers)}://{host}" if host else None,
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


def _lambda_result(response: Response[str]) -> dict[str, Any]:
    """A response as the Lambda result, for answers given before any route runs."""
    result: dict[str, Any] = {
        "statusCode": response.status_code,
        "headers": response.headers,
        "body": response.body,
        "isBase64Encoded": False,
    }
    if response.cookies:
        result["cookies"] = [str(cookie) for cookie in response.cookies]
    return result


def refused_before_routing(event: dict[str, Any], error: OrionError) -> dict[str, Any]:
    """A request refused at the edge (a malformed Host, :func:`functions.common.edge.http_entry`): a
    plain error page for a browser, problem+json for a JSON client. No tenant is known, so the page is
    the default theme's in English, or the built-in one if even that cannot be read: never a 500."""

    def page(refused: OrionError) -> Response[str]:
        try:
            return page_response(storefront_pages().error(None, refused.status, *BAD_ADDRESS))
        except Exception:
            logger.exception("edge error page could not be rendered")
            headers = {**SECURITY_HEADERS, "Cache-Control": PRIVATE_NO_STORE}
            return Response(refused.status, HTML, FALLBACK_BAD_ADDRESS_HTML, headers=headers)

    headers = edge.lower_headers(event.get("headers"))
    path = str(event.get("rawPath") or "/")
    return _lambda_result(edge.answer(edge.Refusal(error, page=page), headers, path, NO_STORE_JSON))


def handle_shopper_request(
    app: APIGatewayHttpResolver, event: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    """Resolve the tenant, hand the app the tenant-relative path, and let its routes render (HEAD as
    the GET it mirrors, without the body).

    No tenant (unknown host, unverified domain, suspended store) is a 404 page before any route runs,
    so nothing beyond the host lookup is read.
    """
    return edge.resolve_head_as_get(event, lambda routed: _handle(app, routed, context))


def _handle(app: APIGatewayHttpResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = edge.lower_headers(event.get("headers"))
    resolved = edge.resolve_tenant(headers, event.get("rawPath") or "/")
    if resolved is None:
        return _lambda_result(page_response(storefront_pages().not_found(None)))
    if not route_enabled(resolved.path, resolved.platform.enabled_modules):
        # An optional module switched off on this platform (e.g. orders on loyalty): its pages are gone.
        refusal = edge.Refusal(
            NotFound("This shop does not sell online."),
            page=lambda _: page_response(not_found_page(resolved, shopper_request_of(event))),
        )
        return _lambda_result(edge.answer(refusal, headers, resolved.path, NO_STORE_JSON))
    routed = copy.copy(event)
    routed["rawPath"] = resolved.path
    routed["requestContext"] = {
        **event.get("requestContext", {}),
        "http": {**event.get("requestContext", {}).get("http", {}), "path": resolved.path},
    }
    app.append_context(tenant=resolved)
    return app.resolve(routed, context)


# --- shopper forms ----------------------------------------------------------------------------------

MAX_FORM_BYTES = 16 * 1024


def form_data(body: str | None, headers: Mapping[str, str]) -> dict[str, Any]:
    """A POST body as a dict: a urlencoded form, or a JSON object from a headless front end."""
    body = body or ""
    if len(body) > MAX_FORM_BYTES:
        raise BadRequest("The form is too large.")
    content_type = headers.get("content-type") or ""
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body or "{}")
        except ValueError as exc:
            raise BadRequest("The body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise BadRequest("The body must be a JSON object.")
        return data
    return dict(parse_qsl(body, keep_blank_values=True))


def validated(model: type[Any], data: dict[str, Any], hints: Mapping[str, str]) -> Any:
    """``data`` as ``model``, or Invalid with one message per field: the ``hints`` written for people in
    place of the validator's wording (written for developers) where there is one."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "form"
            message = hints.get(field) or str(error["msg"]).removeprefix("Value error, ")
            errors.append(FieldError(field, message))
        raise Invalid("Some fields need your attention.", errors=errors) from exc


def site_url(resolved: ResolvedTenant, headers: Mapping[str, str]) -> str | None:
    """The store's address as the shopper's browser used it (for links in e-mails)."""
    host = edge.viewer_host(headers)
    if not host:
        return None
    return f"{edge.viewer_scheme(headers)}://{host}{resolved.base_path}"


def signing_secret() -> str:
    """The HMAC key of shopper form tokens."""
    from orion.settings import get_settings

    return edge.read_secret(get_settings().shopper_signing_secret_name)


def account_cookie_name(resolved: ResolvedTenant) -> str:
    """The cookie of a shopper's account session in this store (functions/account sets it; the
    checkout reads it to fill in a signed-in shopper's details)."""
    return edge.cookie_name(f"orion_account_{resolved.tenant.store}")
