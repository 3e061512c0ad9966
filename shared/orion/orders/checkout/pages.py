"""The cart, checkout and order pages (never cached: ``private, no-store``) and their JSON twins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from orion.errors import FieldError
from orion.orders.checkout.models import MAX_QUANTITY, Cart
from orion.orders.checkout.service import Quote, cart_digest
from orion.orders.models import COUNTRIES, Order
from orion.storefront.pages import Page
from orion.storefront.shop import ShopPages, ShopperRequest
from orion.tenancy.models import ResolvedTenant


class CheckoutPages:
    def __init__(self, shop: ShopPages) -> None:
        self.shop = shop

    def _render(
        self,
        resolved: ResolvedTenant,
        request: ShopperRequest,
        template: str,
        context: dict[str, Any],
        status: int,
    ) -> Page:
        return self.shop.private_page(resolved, request, template, context, status)

    def cart(
        self,
        resolved: ResolvedTenant,
        request: ShopperRequest,
        cart: Cart | None,
        csrf_token: str,
        *,
        message: str | None = None,
        message_template: str = "",
        message_params: dict[str, str] | None = None,
        errors: list[FieldError] | None = None,
        status: int = 200,
        quote: Quote | None = None,
    ) -> Page:
        """The cart; ``message`` is shown translated (through ``message_template`` filled with
        ``message_params`` where the text names products); ``quote``: its totals delivered to the
        store's home country."""
        lang = self.shop.language(resolved, request)
        return self._render(
            resolved,
            request,
            "cart.html",
            {
                "cart": cart_view(cart, lang),
                "csrf_token": csrf_token,
                "message": message,
                "message_template": message_template,
                "message_params": message_params or {},
                "errors": [{"field": e.field, "message": e.message} for e in errors or []],
                "max_quantity": MAX_QUANTITY,
                "quote": quote_view(quote),
            },
            status,
        )

    def checkout(
        self,
        resolved: ResolvedTenant,
        request: ShopperRequest,
        cart: Cart,
        csrf_token: str,
        checkout_key: str,
        *,
        values: dict[str, str] | None = None,
        errors: list[FieldError] | None = None,
        message: str | None = None,
        message_template: str = "",
        message_params: dict[str, str] | None = None,
        was_prices: dict[str, int] | None = None,
        status: int = 200,
        addresses: Sequence[Any] = (),
        signed_in: bool = False,
        card_payment: bool = False,
        quote: Quote | None = None,
    ) -> Page:
        """The checkout form; ``message`` and ``was_prices`` (SKU -> former unit price) tell the
        shopper which prices changed since the items were added; ``addresses`` are a signed-in
        shopper's saved ones (links fill the form with one)."""
        lang = self.shop.language(resolved, request)
        return self._render(
            resolved,
            request,
            "checkout.html",
            {
                "message": message,
                "message_template": message_template,
                "message_params": message_params or {},
                "was_prices": was_prices or {},
                "cart": cart_view(cart, lang),
                "csrf_token": csrf_token,
                "checkout_key": checkout_key,
                "cart_digest": cart_digest(cart),
                "values": values or {},
                "errors": {e.field: e.message for e in errors or []},
                "countries": offered_countries(quote, values or {}),
                "addresses": list(addresses),
                "signed_in": signed_in,
                # The store takes cards (orion.payments): the form offers card or invoice.
                "card_payment": card_payment,
                "quote": quote_view(quote),
            },
            status,
        )

    def order(
        self,
        resolved: ResolvedTenant,
        request: ShopperRequest,
        order: Order,
        *,
        just_placed: bool,
        offer_account: bool = False,
        payment: dict[str, Any] | None = None,
        order_token: str = "",
    ) -> Page:
        """An order's status page; ``offer_account`` (after a guest checkout) invites the shopper to
        open an account with the address they used; ``payment`` (a card order: its status, the
        client secret and where stripe.js is) shows the "Pay now" section, whose form sends
        ``order_token`` (the page's own link token) with the card."""
        context = {
            "order": order_view(order),
            "just_placed": just_placed,
            "offer_account": offer_account,
            "payment": payment,
            "order_token": order_token,
        }
        return self._render(resolved, request, "order.html", context, 200)


def cart_view(cart: Cart | None, lang: str = "en") -> dict[str, Any]:
    """The cart as templates and JSON clients see it."""
    if cart is None:
        return {"id": None, "lines": [], "subtotal": 0, "currency": None, "item_count": 0}
    return {
        "id": cart.id,
        "lines": [
            {
                "sku": line.sku,
                "handle": line.handle,
                "title": line.title_in(lang),
                "variant_label": line.variant_label,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "total": line.total,
                "currency": line.currency,
                "image": line.image,
            }
            for line in cart.lines
        ],
        "subtotal": cart.subtotal,
        "currency": cart.currency,
        "item_count": cart.item_count,
    }


def offered_countries(quote: Quote | None, values: Mapping[str, str]) -> dict[str, str]:
    """The form's countries: those the store ships to, and the one already chosen even if it is not
    (a saved address abroad), so the form shows what was refused rather than silently another country."""
    if quote is None:
        return dict(COUNTRIES)
    chosen = {values.get("country", ""), quote.country}
    return {code: name for code, name in COUNTRIES.items() if code in quote.countries or code in chosen}


def quote_view(quote: Quote | None) -> dict[str, Any] | None:
    """A quote as templates see it: the country, its totals (or why it is refused) and the countries
    the store ships to."""
    if quote is None:
        return None
    refused = quote.refused
    return {
        "country": quote.country,
        "country_name": COUNTRIES.get(quote.country, quote.country),
        "totals": quote.totals.as_json() if quote.totals else None,
        "refused": {"template": refused.template, "params": refused.params} if refused else None,
        "countries": quote.countries,
    }


def order_view(order: Order) -> dict[str, Any]:
    """What the shopper may see of an order (no internal fields, no staff notes)."""
    return {
        "id": order.id,
        "status": order.status.value,
        "currency": order.currency,
        "subtotal": order.subtotal,
        "shipping": order.shipping,
        "vat": [{"rate": v.rate, "amount": v.amount} for v in order.vat],
        "total": order.total,
        "created_at": order.created_at.isoformat(),
        "payment_provider": order.payment_provider,
        "payment_instructions": order.payment_instructions,
        "payment_note": order.payment_note,
        # The reason alone ("card declined: <reason>" keeps the note readable for staff), which the
        # page translates.
        "payment_reason": (order.payment_note or "").partition(": ")[2] or order.payment_note,
        "customer": {
            "name": order.customer.name,
            "email": str(order.customer.email),
            "address": order.customer.address,
            "postal_code": order.customer.postal_code,
            "city": order.customer.city,
            "country": order.customer.country,
            "country_name": COUNTRIES.get(order.customer.country, order.customer.country),
        },
        "lines": [
            {
                "sku": line.sku,
                "handle": line.handle,
                "title": line.title,
                "variant_label": line.variant_label,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "total": line.total,
            }
            for line in order.lines
        ],
        "history": shopper_history(order),
        # It belongs to a shopper account (its page links there).
        "in_account": order.customer_id is not None,
        # How it was shipped (once staff marked it shipped), else None.
        "shipment": order.shipment.model_dump() if order.shipment else None,
    }


def shopper_history(order: Order) -> list[dict[str, str]]:
    """The order's status changes as the shopper may see them: when each status began. Staff notes,
    who acted and note-only entries stay internal."""
    shown: list[dict[str, str]] = []
    for change in order.history:
        if not shown or shown[-1]["status"] != change.status.value:
            shown.append({"status": change.status.value, "at": change.at.isoformat()})
    return shown
