"""Checkout Lambda: the shopper's cart, checkout and order status (HTML forms, JSON twins).

Thin: it parses cookies, forms and headers, checks the request's origin and token, calls
orion.orders.checkout / orion.orders, and shapes pages, redirects or JSON. Nothing here is cacheable.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from functions.common.shopper import (
    SECURITY_HEADERS,
    error_page,
    handle_shopper_request,
    not_found_page,
    origin_verify_secret,
    page_response,
    shopper_request_of,
)
from orion.errors import BadRequest, FieldError, Invalid, NotFound, OrionError, problem_details
from orion.observability import logger, metrics, tracer
from orion.orders.checkout import csrf
from orion.orders.checkout.models import (
    FIELD_HINTS,
    AddToCartForm,
    Cart,
    ChangeQuantityForm,
    CheckoutForm,
)
from orion.orders.checkout.pages import CheckoutPages, cart_view, order_view
from orion.orders.checkout.repository import CART_LIFETIME
from orion.orders.checkout.service import (
    CartChangedSinceForm,
    add_to_cart,
    cart_digest,
    change_quantity,
    checkout,
    get_cart,
    new_checkout_key,
    review_cart,
)
from orion.orders.service import (
    CHECKOUT_KEY,
    OutOfStock,
    PriceChanged,
    Unavailable,
    get_order_for_shopper,
    status_path,
)
from orion.settings import get_settings
from orion.storefront.pages import PRIVATE_NO_STORE, storefront_pages
from orion.storefront.shop import ShopperRequest, shop_pages
from orion.tenancy.hosts import viewer_host
from orion.tenancy.models import HostKind, ResolvedTenant

app = APIGatewayHttpResolver()
MAX_FORM_BYTES = 16 * 1024
NO_STORE = {**SECURITY_HEADERS, "Cache-Control": PRIVATE_NO_STORE}
PRICES_CHANGED = "Some prices changed since you added the items to your cart; the new prices are shown."


# --- request parsing --------------------------------------------------------------------------------


def store_tenant() -> ResolvedTenant:
    resolved: ResolvedTenant = app.context["tenant"]
    if resolved.host_kind is not HostKind.STORE:
        raise NotFound()
    return resolved


def shopper_request() -> ShopperRequest:
    return shopper_request_of(app.current_event.raw_event)


def wants_json() -> bool:
    return "application/json" in (app.current_event.headers.get("accept") or "")


def cookie_name(resolved: ResolvedTenant) -> str:
    prefix = "__Host-" if get_settings().secure_cookies else ""
    return f"{prefix}orion_cart_{resolved.tenant.store}"


def cart_id(resolved: ResolvedTenant) -> str | None:
    name = cookie_name(resolved)
    for raw in app.current_event.cookies or []:
        key, _, value = raw.partition("=")
        if key.strip() == name:
            return value.strip() or None
    return None


def cart_cookie(resolved: ResolvedTenant, value: str) -> Cookie:
    return Cookie(
        name=cookie_name(resolved),
        value=value,
        path="/",
        secure=get_settings().secure_cookies,
        http_only=True,
        same_site=SameSite.LAX_MODE,
        max_age=int(CART_LIFETIME.total_seconds()),
    )


def form_data() -> dict[str, Any]:
    """The POST body as a dict: a urlencoded form, or a JSON object from a headless front end."""
    body = app.current_event.decoded_body or ""
    if len(body) > MAX_FORM_BYTES:
        raise BadRequest("The form is too large.")
    content_type = app.current_event.headers.get("content-type") or ""
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body or "{}")
        except ValueError as exc:
            raise BadRequest("The body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise BadRequest("The body must be a JSON object.")
        return data
    return dict(parse_qsl(body, keep_blank_values=True))


def signing_secret() -> str:
    """The HMAC key of shopper form tokens (cached by Powertools for five minutes)."""
    from aws_lambda_powertools.utilities import parameters

    return str(parameters.get_secret(get_settings().shopper_signing_secret_name, max_age=300))


def request_host() -> str | None:
    """The host the shopper's browser used: CloudFront's X-Forwarded-Host only with the origin secret."""
    headers = app.current_event.headers
    forwarded, verify = headers.get("x-forwarded-host"), headers.get("x-origin-verify")
    secret = origin_verify_secret() if forwarded and verify else None
    return viewer_host(headers.get("host"), forwarded, verify, secret)


def site_url(resolved: ResolvedTenant) -> str | None:
    """The store's address as the shopper's browser used it (for links in e-mails)."""
    host = request_host()
    if not host:
        return None
    proto = (app.current_event.headers.get("x-forwarded-proto") or "https").split(",")[0].strip()
    return f"{'http' if proto == 'http' else 'https'}://{host}{resolved.base_path}"


def check_forgery(
    resolved: ResolvedTenant, current_cart: str | None, token: Any, *, token_required: bool
) -> None:
    headers = app.current_event.headers
    csrf.check_request(
        signing_secret(),
        resolved.tenant,
        current_cart,
        host=request_host(),
        origin=headers.get("origin"),
        referer=headers.get("referer"),
        token=token if isinstance(token, str) else None,
        token_required=token_required,
    )


def validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [_shopper_error(".".join(str(p) for p in e["loc"]) or "form", e) for e in exc.errors()]
        raise Invalid("Some fields need your attention.", errors=errors) from exc


def _shopper_error(field: str, error: Any) -> FieldError:
    """A hint for people in place of the validator's wording (written for developers)."""
    return FieldError(field, FIELD_HINTS.get(field) or str(error["msg"]).removeprefix("Value error, "))


# --- responses --------------------------------------------------------------------------------------


def see_other(resolved: ResolvedTenant, path: str, cookies: list[Cookie] | None = None) -> Response[str]:
    """A 303 to ``path`` on the store, keeping a language the shopper chose (``?lang=``)."""
    chosen = (shopper_request().get("lang") or "").lower()
    if chosen and chosen == shop_pages().language(resolved, shopper_request()):
        path += ("&" if "?" in path else "?") + urlencode({"lang": chosen})
    return Response(
        303, headers={**NO_STORE, "Location": resolved.base_path + path}, body="", cookies=cookies or []
    )


def json_response(
    status: int, body: dict[str, Any], cookies: list[Cookie] | None = None, *, location: str | None = None
) -> Response[str]:
    headers = {**NO_STORE, "Location": location} if location else {**NO_STORE}
    return Response(
        status, content_types.APPLICATION_JSON, json.dumps(body), headers=headers, cookies=cookies or []
    )


def problem(error: OrionError, extra: dict[str, Any] | None = None) -> Response[str]:
    body = {**problem_details(error, app.current_event.path), **(extra or {})}
    return Response(error.status, "application/problem+json", json.dumps(body), headers=NO_STORE)


def pages() -> CheckoutPages:
    return CheckoutPages(shop_pages())


def cart_page(
    resolved: ResolvedTenant, *, error: OrionError | None = None, status: int = 200
) -> Response[str]:
    current = get_cart(resolved.tenant, cart_id(resolved))
    token = csrf.csrf_token(signing_secret(), resolved.tenant, current.id if current else None)
    page = pages().cart(
        resolved,
        shopper_request(),
        current,
        token,
        errors=error.errors if error else None,
        status=status,
        **message_of(error),
    )
    return page_response(page)


def checkout_again(resolved: ResolvedTenant, data: dict[str, Any], error: OrionError) -> Response[str]:
    """The checkout form once more, with the shopper's entries, the cart as it is now and what went
    wrong (field errors: 422; prices that changed: 409); the cart page when the cart is empty."""
    current = get_cart(resolved.tenant, cart_id(resolved))
    if current is None or not current.lines:
        return cart_page(resolved, error=error, status=error.status)
    key = str(data.get("checkout_key") or "")
    key = key if CHECKOUT_KEY.fullmatch(key) else new_checkout_key()
    values = {k: str(v) for k, v in data.items() if k not in ("csrf_token", "checkout_key")}
    changes = error.extra.get("changes") if isinstance(error, PriceChanged) else None
    conflict = isinstance(error, PriceChanged | CartChangedSinceForm)
    return checkout_page(
        resolved,
        current,
        key,
        values=values,
        errors=error.errors,
        notice=error if conflict else None,
        changes=changes or [],
        status=error.status,
    )


def checkout_page(
    resolved: ResolvedTenant,
    cart: Cart,
    key: str,
    *,
    values: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
    notice: OrionError | str | None = None,
    changes: list[dict[str, Any]],
    status: int = 200,
) -> Response[str]:
    """The checkout form for ``cart`` under the checkout key ``key``; ``notice`` says what changed
    (an error, shown translated, or a text) and ``changes`` which prices moved (old ones shown)."""
    token = csrf.csrf_token(signing_secret(), resolved.tenant, cart.id)
    page = pages().checkout(
        resolved,
        shopper_request(),
        cart,
        token,
        key,
        values=values,
        errors=errors,
        was_prices={str(c["sku"]): int(c["was"]) for c in changes},
        status=status,
        **message_of(notice),
    )
    return page_response(page)


def message_of(notice: OrionError | str | None) -> dict[str, Any]:
    """A page's message arguments: the text, and for an error naming products its translatable
    template and values."""
    if isinstance(notice, OrionError):
        return {"message": str(notice), "message_template": notice.template, "message_params": notice.params}
    return {"message": notice}


# --- routes -----------------------------------------------------------------------------------------


@app.get("/cart")
@tracer.capture_method
def show_cart() -> Response[str]:
    resolved = store_tenant()
    if wants_json():
        current = get_cart(resolved.tenant, cart_id(resolved))
        token = csrf.csrf_token(signing_secret(), resolved.tenant, current.id if current else None)
        return json_response(200, {"cart": cart_view(current), "csrf_token": token})
    return cart_page(resolved)


@app.post("/cart/items")
@tracer.capture_method
def add_item() -> Response[str]:
    resolved = store_tenant()
    current = cart_id(resolved)
    data = form_data()
    check_forgery(resolved, current, data.get("csrf_token"), token_required=False)
    try:
        form: AddToCartForm = validated(AddToCartForm, data)
        lang = shop_pages().language(resolved, shopper_request())
        cart = add_to_cart(resolved.tenant, current, form.sku, form.quantity, lang=lang)
    except (Invalid, OutOfStock, NotFound) as error:
        if wants_json():
            return problem(error)
        return cart_page(resolved, error=error, status=error.status)
    cookies = [cart_cookie(resolved, cart.id)] if cart.id != current else []
    if wants_json():
        token = csrf.csrf_token(signing_secret(), resolved.tenant, cart.id)
        return json_response(201, {"cart": cart_view(cart), "csrf_token": token}, cookies)
    return see_other(resolved, "/cart", cookies)


@app.post("/cart/items/<sku>")
@tracer.capture_method
def change_item(sku: str) -> Response[str]:
    sku = unquote(sku)  # the cart page escapes "/" in SKUs so they stay one path segment
    resolved = store_tenant()
    current = cart_id(resolved)
    data = form_data()
    check_forgery(resolved, current, data.get("csrf_token"), token_required=True)
    try:
        form: ChangeQuantityForm = validated(ChangeQuantityForm, data)
        cart = change_quantity(resolved.tenant, current, sku, form.quantity)
    except (Invalid, OutOfStock, NotFound) as error:
        if wants_json():
            return problem(error)
        return cart_page(resolved, error=error, status=error.status)
    if wants_json():
        return json_response(200, {"cart": cart_view(cart)})
    return see_other(resolved, "/cart")


@app.get("/checkout")
@tracer.capture_method
def checkout_form() -> Response[str]:
    resolved = store_tenant()
    current, changes = review_cart(resolved.tenant, cart_id(resolved))
    if current is None or not current.lines:
        if wants_json():
            return problem(Invalid("Your cart is empty."))
        return see_other(resolved, "/cart")
    key = new_checkout_key()
    if wants_json():
        body = {
            "cart": cart_view(current),
            "csrf_token": csrf.csrf_token(signing_secret(), resolved.tenant, current.id),
            "checkout_key": key,
            "cart_digest": cart_digest(current),
            "price_changes": changes,
        }
        return json_response(200, body)
    return checkout_page(resolved, current, key, notice=PRICES_CHANGED if changes else None, changes=changes)


@app.post("/checkout")
@tracer.capture_method
def place() -> Response[str]:
    resolved = store_tenant()
    current_id = cart_id(resolved)
    data = form_data()
    check_forgery(resolved, current_id, data.get("csrf_token"), token_required=True)
    lang = shop_pages().language(resolved, shopper_request())
    try:
        form: CheckoutForm = validated(CheckoutForm, data)
    except Invalid as error:
        if wants_json():
            return problem(error)
        return checkout_again(resolved, data, error)
    try:
        placed = checkout(
            resolved.tenant,
            current_id,
            form,
            lang=lang,
            site_url=site_url(resolved),
            store_name=resolved.store.name if resolved.store else None,
        )
    except (PriceChanged, CartChangedSinceForm) as error:
        metrics.add_metric(name="CheckoutPriceChanged", unit="Count", value=1)
        if wants_json():
            current = get_cart(resolved.tenant, current_id)
            return problem(error, {"cart": cart_view(current)})
        return checkout_again(resolved, data, error)
    except (OutOfStock, Unavailable, Invalid) as error:
        metrics.add_metric(name="CheckoutRefused", unit="Count", value=1)
        if wants_json():
            return problem(error)
        return cart_page(resolved, error=error, status=error.status)
    if placed.created:
        metrics.add_metric(name="OrdersPlaced", unit="Count", value=1)
    location = status_path(placed.order.id, placed.token)
    # The cart cookie stays: the cart item is gone (deleted in the order's transaction), and a
    # resubmitted form still carries a token for this cart id, so it gets the same order back.
    cookies: list[Cookie] = []
    if wants_json():
        body = {
            "order": order_view(placed.order),
            "token": placed.token,
            "status_url": resolved.base_path + location,
            "created": placed.created,
        }
        status_url = str(body["status_url"])
        return json_response(201 if placed.created else 200, body, cookies, location=status_url)
    return see_other(resolved, location + "&placed=1", cookies)


@app.get("/orders/<order_id>")
@tracer.capture_method
def show_order(order_id: str) -> Response[str]:
    resolved = store_tenant()
    query = app.current_event.query_string_parameters or {}
    order = get_order_for_shopper(resolved.tenant, order_id, query.get("token"))
    if wants_json():
        return json_response(200, {"order": order_view(order)})
    return page_response(
        pages().order(resolved, shopper_request(), order, just_placed=query.get("placed") == "1")
    )


# --- errors -----------------------------------------------------------------------------------------


def current_tenant_or_none() -> ResolvedTenant | None:
    resolved: ResolvedTenant | None = app.context.get("tenant")
    return resolved


@app.not_found
def not_found(_: Exception) -> Response[str]:
    if wants_json():
        return problem(NotFound())
    return page_response(not_found_page(current_tenant_or_none(), shopper_request()))


@app.exception_handler(OrionError)
def orion_error(error: OrionError) -> Response[str]:
    if wants_json():
        return problem(error)
    page = error_page(current_tenant_or_none(), error, shopper_request())
    return page_response(page.__class__(page.status, page.html, PRIVATE_NO_STORE, page.headers))


@app.exception_handler(Exception)
def unexpected_error(error: Exception) -> Response[str]:
    logger.exception("unexpected checkout error")
    metrics.add_metric(name="CheckoutErrors", unit="Count", value=1)
    if wants_json():
        return problem(OrionError("Something went wrong; please try again."))
    try:
        page = storefront_pages().error(
            current_tenant_or_none(),
            500,
            "Something went wrong",
            "Nothing was charged or ordered. Please try again.",
        )
    except Exception:
        logger.exception("error page could not be rendered")
        return Response(
            500, content_type="text/plain; charset=utf-8", body="Something went wrong.", headers=NO_STORE
        )
    return page_response(page)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_shopper_request(app, event, context)
