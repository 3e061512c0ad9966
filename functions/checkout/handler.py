"""Checkout Lambda: the shopper's cart, checkout and order status (HTML forms, JSON twins).

Thin: it parses cookies, forms and headers, checks the request's origin and token, calls
orion.orders.checkout / orion.orders, and shapes pages, redirects or JSON. Nothing here is cacheable.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import unquote, urlencode

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.shared.cookies import Cookie
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from functions.common import edge
from functions.common.edge import Outcome, PageOrJson, Refusal, http_entry
from functions.common.shopper import (
    SECURITY_HEADERS,
    account_cookie_name,
    error_page,
    handle_shopper_request,
    not_found_page,
    page_response,
    refused_before_routing,
    shopper_request_of,
    signing_secret,
)
from functions.common.shopper import form_data as shopper_form_data
from functions.common.shopper import site_url as shopper_site_url
from functions.common.shopper import validated as shopper_validated
from orion.customers import service as accounts
from orion.customers.models import ShopperSession
from orion.data.table import prefetched
from orion.errors import FieldError, Invalid, NotFound, OrionError
from orion.observability import logger, metrics, tracer
from orion.orders.checkout import csrf
from orion.orders.checkout.models import (
    CART_LIFETIME,
    FIELD_HINTS,
    AddToCartForm,
    Cart,
    ChangeQuantityForm,
    CheckoutForm,
)
from orion.orders.checkout.pages import CheckoutPages, cart_view, order_view
from orion.orders.checkout.service import (
    Quote,
    add_to_cart,
    cart_digest,
    cart_keys,
    change_quantity,
    checkout,
    get_cart,
    new_checkout_key,
    quote,
    quote_keys,
    review_cart,
)
from orion.orders.errors import (
    CartChangedSinceForm,
    NotShippedTo,
    OutOfStock,
    PriceChanged,
    Unavailable,
)
from orion.orders.models import COUNTRIES, Order
from orion.orders.service import CHECKOUT_KEY, get_order_for_shopper, status_path
from orion.payments import service as payments
from orion.storefront.pages import PRIVATE_NO_STORE, storefront_pages
from orion.storefront.shop import ShopperRequest, shop_pages
from orion.tenancy.models import HostKind, ResolvedTenant

app = APIGatewayHttpResolver()
NO_STORE = {**SECURITY_HEADERS, "Cache-Control": PRIVATE_NO_STORE}
PRICES_CHANGED = "Some prices changed since you added the items to your cart; the new prices are shown."
# Every route and error answers a browser with a page and a JSON client with JSON (never cached).
answered = PageOrJson(app, NO_STORE)


# --- request parsing --------------------------------------------------------------------------------


def store_tenant() -> ResolvedTenant:
    resolved: ResolvedTenant = app.context["tenant"]
    if resolved.host_kind is not HostKind.STORE:
        raise NotFound()
    return resolved


def shopper_request() -> ShopperRequest:
    return shopper_request_of(app.current_event.raw_event)


def cart_cookie_name(resolved: ResolvedTenant) -> str:
    return edge.cookie_name(f"orion_cart_{resolved.tenant.store}")


def cart_id(resolved: ResolvedTenant) -> str | None:
    return edge.read_cookie(app.current_event.cookies, cart_cookie_name(resolved))


def cart_cookie(resolved: ResolvedTenant, value: str) -> Cookie:
    return edge.private_cookie(cart_cookie_name(resolved), value, int(CART_LIFETIME.total_seconds()))


def accounts_enabled(resolved: ResolvedTenant) -> bool:
    return "customers" in resolved.platform.enabled_modules


def payments_enabled(resolved: ResolvedTenant) -> bool:
    return "payments" in resolved.platform.enabled_modules


def takes_cards(resolved: ResolvedTenant) -> bool:
    """The platform runs the payments module and the store connected Stripe."""
    return payments_enabled(resolved) and payments.card_payment_available(resolved.tenant)


def payment_of(resolved: ResolvedTenant, order: Order) -> payments.PaymentView | None:
    """A card order's payment (the PaymentIntent to pay, created on first sight); None otherwise."""
    if order.payment_provider != payments.PROVIDER or not payments_enabled(resolved):
        return None
    return payments.payment_of(resolved.tenant, order)


def account_cookie(resolved: ResolvedTenant) -> str | None:
    """The shopper account's session cookie (see functions/account), where accounts are on."""
    if not accounts_enabled(resolved):
        return None
    return edge.read_cookie(app.current_event.cookies, account_cookie_name(resolved))


def shopper_session(resolved: ResolvedTenant) -> ShopperSession | None:
    """The signed-in shopper, if any (a session that ended is a guest checkout, not an error)."""
    cookie = account_cookie(resolved)
    if cookie is None:
        return None
    try:
        return accounts.resume(resolved.tenant, cookie)
    except OrionError:
        return None


def form_data() -> dict[str, Any]:
    return shopper_form_data(app.current_event.decoded_body, app.current_event.headers)


def form_token(resolved: ResolvedTenant, cart: str | None) -> str:
    """The token a form of this store (for the cart ``cart``) posts back."""
    return csrf.csrf_token(signing_secret(), resolved.tenant, cart)


def site_url(resolved: ResolvedTenant) -> str | None:
    return shopper_site_url(resolved, app.current_event.headers)


def check_forgery(
    resolved: ResolvedTenant, current_cart: str | None, token: Any, *, token_required: bool
) -> None:
    headers = app.current_event.headers
    csrf.check_request(
        signing_secret(),
        resolved.tenant,
        current_cart,
        # The request's own scheme is the viewer's, from X-Forwarded-Proto: on AWS viewers reach
        # CloudFront over https only (its viewer protocol policies), CloudFront reaches API Gateway over
        # https and API Gateway says so; the local gateway speaks plain http and says that. A browser
        # cannot add the header to a cross-site form post, so a forger cannot pick the scheme compared
        # here, and without the header https is assumed: an http Origin is then refused, not let in.
        scheme=edge.viewer_scheme(headers),
        host=edge.viewer_host(headers),
        origin=headers.get("origin"),
        referer=headers.get("referer"),
        token=token if isinstance(token, str) else None,
        token_required=token_required,
    )


def validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    return shopper_validated(model, data, FIELD_HINTS)


# --- responses --------------------------------------------------------------------------------------


def see_other(resolved: ResolvedTenant, path: str, cookies: list[Cookie] | None = None) -> Response[str]:
    """A 303 to ``path`` on the store, keeping a language the shopper chose (``?lang=``)."""
    chosen = (shopper_request().get("lang") or "").lower()
    if chosen and chosen == shop_pages().language(resolved, shopper_request()):
        path += ("&" if "?" in path else "?") + urlencode({"lang": chosen})
    return Response(
        303, headers={**NO_STORE, "Location": resolved.base_path + path}, body="", cookies=cookies or []
    )


def pages() -> CheckoutPages:
    return CheckoutPages(shop_pages())


def cart_page(
    resolved: ResolvedTenant, *, error: OrionError | None = None, status: int = 200
) -> Response[str]:
    wanted = cart_id(resolved)
    with prefetched([*cart_keys(resolved.tenant, wanted), *quote_keys(resolved.tenant)]):  # one read
        current = get_cart(resolved.tenant, wanted)
        priced = quote(resolved.tenant, current) if current and current.lines else None
    page = pages().cart(
        resolved,
        shopper_request(),
        current,
        form_token(resolved, current.id if current else None),
        errors=error.errors if error else None,
        status=status,
        quote=priced,
        **message_of(error),
    )
    return page_response(page)


def cart_data(resolved: ResolvedTenant) -> dict[str, Any]:
    """The cart as a JSON client sees it, with the token its next form posts back and, as on the cart
    page, its totals for the store's home country (``country``, ``totals``, ``shipping_countries``;
    ``totals`` is null for an empty cart)."""
    wanted = cart_id(resolved)
    with prefetched([*cart_keys(resolved.tenant, wanted), *quote_keys(resolved.tenant)]):  # one read
        current = get_cart(resolved.tenant, wanted)
        priced = quote(resolved.tenant, current) if current and current.lines else None
    data = {"cart": cart_view(current), "csrf_token": form_token(resolved, current.id if current else None)}
    if priced is None:
        return {**data, "country": None, "shipping_countries": [], "totals": None, "shipping_error": None}
    return {**data, **quote_data(priced)}


def refused_with_cart(resolved: ResolvedTenant, error: OrionError) -> Refusal:
    """``error``, shown to a browser on the cart page (with the error's status)."""
    return Refusal(error, page=lambda refused: cart_page(resolved, error=refused, status=refused.status))


def checkout_again(resolved: ResolvedTenant, data: dict[str, Any], error: OrionError | None) -> Response[str]:
    """The checkout form once more, with the shopper's entries, the cart as it is now, its totals for
    the country chosen and what went wrong (field errors: 422; prices that changed: 409; nothing: 200,
    the shopper asked for the shipping of another country); the cart page when the cart is empty."""
    current = get_cart(resolved.tenant, cart_id(resolved))
    status = error.status if error else 200
    if current is None or not current.lines:
        return cart_page(resolved, error=error, status=status)
    key = str(data.get("checkout_key") or "")
    key = key if CHECKOUT_KEY.fullmatch(key) else new_checkout_key()
    values = {
        k: str(v) for k, v in data.items() if k not in ("csrf_token", "checkout_key", "update_shipping")
    }
    changes = error.extra.get("changes") if isinstance(error, PriceChanged) else None
    conflict = isinstance(error, PriceChanged | CartChangedSinceForm)
    session = shopper_session(resolved)  # a signed-in shopper keeps their saved addresses on the form
    return checkout_page(
        resolved,
        current,
        key,
        values=values,
        errors=error.errors if error else None,
        notice=error if conflict else None,
        changes=changes or [],
        status=status,
        session=session,
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
    session: ShopperSession | None = None,
    priced: Quote | None = None,
) -> Response[str]:
    """The checkout form for ``cart`` under the checkout key ``key``; ``notice`` says what changed
    (an error, shown translated, or a text) and ``changes`` which prices moved (old ones shown). A
    signed-in shopper's form starts from their default address (or the saved one ``?address=`` names)
    and lists the others."""
    if session is not None and values is None:
        values = signed_in_values(session)
    priced = priced or quote(resolved.tenant, cart, chosen_country(values))
    values = {**(values or {}), "country": priced.country}
    page = pages().checkout(
        resolved,
        shopper_request(),
        cart,
        form_token(resolved, cart.id),
        key,
        values=values,
        errors=errors,
        was_prices={str(c["sku"]): int(c["was"]) for c in changes},
        status=status,
        addresses=session.customer.addresses if session else (),
        signed_in=session is not None,
        card_payment=takes_cards(resolved),
        quote=priced,
        **message_of(notice),
    )
    return page_response(page)


def signed_in_values(session: ShopperSession) -> dict[str, str]:
    """A signed-in shopper's form: their e-mail, and their default address (or the saved one
    ``?address=`` names)."""
    customer = session.customer
    chosen = customer.address(shopper_request().get("address")) or customer.default_address
    values = {"email": customer.email, "name": customer.name}
    if chosen is not None:
        values.update(chosen.model_dump(exclude={"id", "label"}))
        values["address_id"] = chosen.id
    return values


def chosen_country(values: dict[str, str] | None) -> str | None:
    """The country to price the delivery for: ``?country=`` (a browser without JavaScript asks for
    another country's shipping so), else the form's (or saved address's) country, if one we list."""
    country = (shopper_request().get("country") or (values or {}).get("country") or "").upper()
    return country if country in COUNTRIES else None


def quote_data(quoted: Quote) -> dict[str, Any]:
    """A quote as JSON clients read it (``totals`` is null for a country the store does not ship to,
    and ``shipping_error`` says why)."""
    return {
        "country": quoted.country,
        "shipping_countries": quoted.countries,
        "totals": quoted.totals.as_json() if quoted.totals else None,
        "shipping_error": str(quoted.refused) if quoted.refused else None,
    }


def repriced_for(resolved: ResolvedTenant, current_id: str | None, country: str) -> dict[str, Any]:
    """The cart's totals for ``country`` (the JSON twin of "Update shipping")."""
    current = get_cart(resolved.tenant, current_id)
    if current is None or not current.lines:
        return {"cart": cart_view(current), "totals": None}
    wanted = country.upper() if country.upper() in COUNTRIES else None
    return {"cart": cart_view(current), **quote_data(quote(resolved.tenant, current, wanted))}


def message_of(notice: OrionError | str | None) -> dict[str, Any]:
    """A page's message arguments: the text, and for an error naming products its translatable
    template and values."""
    if isinstance(notice, OrionError):
        return {"message": str(notice), "message_template": notice.template, "message_params": notice.params}
    return {"message": notice}


# --- routes -----------------------------------------------------------------------------------------


@app.get("/cart")
@tracer.capture_method
@answered
def show_cart() -> Outcome:
    resolved = store_tenant()
    return Outcome(page=lambda: cart_page(resolved), data=lambda: cart_data(resolved))


@app.post("/cart/items")
@tracer.capture_method
@answered
def add_item() -> Outcome | Refusal:
    resolved = store_tenant()
    current = cart_id(resolved)
    data = form_data()
    check_forgery(resolved, current, data.get("csrf_token"), token_required=False)
    try:
        form: AddToCartForm = validated(AddToCartForm, data)
        lang = shop_pages().language(resolved, shopper_request())
        cart = add_to_cart(resolved.tenant, current, form.sku, form.quantity, lang=lang)
    except (Invalid, OutOfStock, NotFound) as error:
        return refused_with_cart(resolved, error)
    cookies = [cart_cookie(resolved, cart.id)] if cart.id != current else []
    return Outcome(
        page=lambda: see_other(resolved, "/cart", cookies),
        data=lambda: {"cart": cart_view(cart), "csrf_token": form_token(resolved, cart.id)},
        status=201,
        cookies=cookies,
    )


@app.post("/cart/items/<sku>")
@tracer.capture_method
@answered
def change_item(sku: str) -> Outcome | Refusal:
    sku = unquote(sku)  # the cart page escapes "/" in SKUs so they stay one path segment
    resolved = store_tenant()
    current = cart_id(resolved)
    data = form_data()
    check_forgery(resolved, current, data.get("csrf_token"), token_required=True)
    try:
        form: ChangeQuantityForm = validated(ChangeQuantityForm, data)
        cart = change_quantity(resolved.tenant, current, sku, form.quantity)
    except (Invalid, OutOfStock, NotFound) as error:
        return refused_with_cart(resolved, error)
    return Outcome(page=lambda: see_other(resolved, "/cart"), data=lambda: {"cart": cart_view(cart)})


@app.get("/checkout")
@tracer.capture_method
@answered
def checkout_form() -> Outcome | Refusal:
    resolved = store_tenant()
    cart_id_now = cart_id(resolved)
    # The cart, a signed-in shopper's session and account, and the shipping settings: one BatchGetItem.
    cookie = account_cookie(resolved)
    wanted = [
        *cart_keys(resolved.tenant, cart_id_now),
        *accounts.session_keys(resolved.tenant, cookie),
        *quote_keys(resolved.tenant),
    ]
    with prefetched(wanted):
        session = shopper_session(resolved)
        current, changes = review_cart(resolved.tenant, cart_id_now)
        if current is None or not current.lines:
            return Refusal(Invalid("Your cart is empty."), page=lambda _: see_other(resolved, "/cart"))
        values = signed_in_values(session) if session else None
        priced = quote(resolved.tenant, current, chosen_country(values))
    cart, key = current, new_checkout_key()
    notice = PRICES_CHANGED if changes else None
    return Outcome(
        page=lambda: checkout_page(
            resolved, cart, key, notice=notice, changes=changes, session=session, priced=priced
        ),
        data=lambda: {
            "cart": cart_view(cart),
            "csrf_token": form_token(resolved, cart.id),
            "checkout_key": key,
            "cart_digest": cart_digest(cart),
            "price_changes": changes,
            "payment_methods": ["card", "manual"] if takes_cards(resolved) else ["manual"],
            **quote_data(priced),
        },
    )


@app.post("/checkout")
@tracer.capture_method
@answered
def place() -> Outcome | Refusal:
    resolved = store_tenant()
    current_id = cart_id(resolved)
    data = form_data()
    check_forgery(resolved, current_id, data.get("csrf_token"), token_required=True)
    lang = shop_pages().language(resolved, shopper_request())
    if data.get("update_shipping"):  # "Update shipping": the form again, priced for its country
        return Outcome(
            page=lambda: checkout_again(resolved, data, None),
            data=lambda: repriced_for(resolved, current_id, str(data.get("country") or "")),
        )
    try:
        form: CheckoutForm = validated(CheckoutForm, data)
    except Invalid as error:
        return Refusal(error, page=lambda refused: checkout_again(resolved, data, refused))
    session = shopper_session(resolved)
    # Signed in: the order is the account's. A guest order placed with an account's verified address
    # joins that account too (the shopper proved the address is theirs).
    customer_id = session.customer.id if session else None
    if customer_id is None and accounts_enabled(resolved):
        customer_id = accounts.account_of_verified_email(resolved.tenant, str(form.email))
    if form.payment == "card" and not takes_cards(resolved):
        refused = Invalid(
            "This shop does not take cards; choose another way to pay.",
            errors=[FieldError("payment", "Choose another way to pay.")],
        )
        return Refusal(refused, page=lambda error: checkout_again(resolved, data, error))
    try:
        placed = checkout(
            resolved.tenant,
            current_id,
            form,
            lang=lang,
            site_url=site_url(resolved),
            store_name=resolved.store.name if resolved.store else None,
            customer_id=customer_id,
            payment=payments.CARD if form.payment == "card" else "manual",
        )
    except NotShippedTo as error:
        metrics.add_metric(name="CheckoutRefused", unit="Count", value=1)
        return Refusal(error, page=lambda refused: checkout_again(resolved, data, refused))
    except (PriceChanged, CartChangedSinceForm) as error:
        metrics.add_metric(name="CheckoutPriceChanged", unit="Count", value=1)
        return Refusal(
            error,
            page=lambda refused: checkout_again(resolved, data, refused),
            extra=lambda: {"cart": cart_view(get_cart(resolved.tenant, current_id))},
        )
    except (OutOfStock, Unavailable, Invalid) as error:
        metrics.add_metric(name="CheckoutRefused", unit="Count", value=1)
        return refused_with_cart(resolved, error)
    if placed.created:
        metrics.add_metric(name="OrdersPlaced", unit="Count", value=1)
    location = status_path(placed.order.id, placed.token)
    status_url = resolved.base_path + location
    # A card order gets its PaymentIntent now (Stripe unreachable: the order is kept, and its page
    # offers to try again).
    payment = payment_of(resolved, placed.order)
    # No cookie: the cart cookie stays. The cart item is gone (deleted in the order's transaction), and
    # a resubmitted form still carries a token for this cart id, so it gets the same order back.
    return Outcome(
        page=lambda: see_other(resolved, location + "&placed=1"),
        data=lambda: {
            "order": order_view(placed.order),
            "payment": payment.as_dict() if payment else None,
            "token": placed.token,
            "status_url": status_url,
            "created": placed.created,
        },
        status=201 if placed.created else 200,
        location=status_url,
    )


@app.get("/orders/<order_id>")
@tracer.capture_method
@answered
def show_order(order_id: str) -> Outcome:
    resolved = store_tenant()
    query = app.current_event.query_string_parameters or {}
    order = get_order_for_shopper(resolved.tenant, order_id, query.get("token"))
    just_placed = query.get("placed") == "1"
    # After a guest checkout: offer an account for the address used (no read: a cookie-less browser
    # is a guest; a signed-in shopper's order is in their account already).
    offer = (
        just_placed
        and accounts_enabled(resolved)
        and order.customer_id is None
        and not account_cookie(resolved)
    )
    payment = payment_of(resolved, order)
    view = asdict(payment) if payment else None
    return Outcome(
        page=lambda: page_response(
            pages().order(
                resolved,
                shopper_request(),
                order,
                just_placed=just_placed,
                offer_account=offer,
                payment=view,
                order_token=str(query.get("token") or ""),
            )
        ),
        data=lambda: {"order": order_view(order), "payment": payment.as_dict() if payment else None},
    )


@app.post("/orders/<order_id>/pay")
@tracer.capture_method
@answered
def pay(order_id: str) -> Outcome:
    """The order page's card form: stripe.js sends the card's token (never the card), the order's
    status token proves the shopper may see the order, and the page's origin is checked."""
    resolved = store_tenant()
    data = form_data()
    headers = app.current_event.headers
    csrf.check_origin(
        edge.viewer_scheme(headers), edge.viewer_host(headers), headers.get("origin"), headers.get("referer")
    )
    order = get_order_for_shopper(resolved.tenant, order_id, str(data.get("token") or "") or None)
    if order.payment_provider != payments.PROVIDER or not payments_enabled(resolved):
        raise NotFound("This order is not paid by card.")
    paid = payments.pay_with_card(resolved.tenant, order, str(data.get("card_token") or ""))
    location = status_path(order.id, str(data.get("token")))
    return Outcome(page=lambda: see_other(resolved, location), data=lambda: {"payment": paid.as_dict()})


# --- errors -----------------------------------------------------------------------------------------


def current_tenant_or_none() -> ResolvedTenant | None:
    resolved: ResolvedTenant | None = app.context.get("tenant")
    return resolved


def private_error_page(error: OrionError) -> Response[str]:
    """The error page for ``error``, never stored (it may name what the shopper has in the cart)."""
    page = error_page(current_tenant_or_none(), error, shopper_request())
    return page_response(page.__class__(page.status, page.html, PRIVATE_NO_STORE, page.headers))


def unexpected_error_page() -> Response[str]:
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


@app.not_found
def not_found(_: Exception) -> Response[str]:
    return answered.answer(
        Refusal(
            NotFound(),
            page=lambda _: page_response(not_found_page(current_tenant_or_none(), shopper_request())),
        )
    )


@app.exception_handler(OrionError)
def orion_error(error: OrionError) -> Response[str]:
    return answered.answer(Refusal(error, page=private_error_page))


@app.exception_handler(Exception)
def unexpected_error(error: Exception) -> Response[str]:
    logger.exception("unexpected checkout error")
    metrics.add_metric(name="CheckoutErrors", unit="Count", value=1)
    failure = OrionError("Something went wrong; please try again.")
    return answered.answer(Refusal(failure, page=lambda _: unexpected_error_page()))


@http_entry(refuse=refused_before_routing)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_shopper_request(app, event, context)
