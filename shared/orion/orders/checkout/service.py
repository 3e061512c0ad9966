"""Cart and checkout use cases: add, change, show, and turn a cart into an order."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from orion import runtime
from orion.catalog.models import ProductStatus
from orion.catalog.service import get_variant_by_sku, get_variants
from orion.data import keys
from orion.errors import Conflict, FieldError, Invalid, NotFound
from orion.ids import new_token
from orion.orders.checkout.models import MAX_CART_LINES, MAX_QUANTITY, Cart, CartLine, CheckoutForm
from orion.orders.checkout.repository import CartRepository
from orion.orders.errors import (
    CartChanged,
    CartChangedSinceForm,
    NotShippedTo,
    OutOfStock,
    PriceChanged,
)
from orion.orders.models import LineRequest, PlacedOrder
from orion.orders.payments import PaymentProvider
from orion.orders.pricing import PricedLine, Totals, totals
from orion.orders.service import find_placed, place_order
from orion.orders.shipping import get_shipping_settings
from orion.tenant import Tenant

_RETRIES = 3


def cart_digest(cart: Cart) -> str:
    """What the shopper agrees to on the checkout form: every line's SKU, quantity and price. The form
    carries it, so an order is placed only for the cart the shopper was shown."""
    text = "|".join(f"{x.sku}:{x.quantity}:{x.unit_price}:{x.currency}" for x in cart.lines)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def review_cart(tenant: Tenant, cart_id: str | None) -> tuple[Cart | None, list[dict[str, Any]]]:
    """The cart for the checkout form at today's prices (one GetItem, one BatchGetItem): lines whose
    price changed since they were added take the new one (the cart is saved), and the changes are
    returned (``sku``, ``was``, ``now``, ``currency``) so the form can say so."""
    cart = get_cart(tenant, cart_id)
    if cart is None or not cart.lines:
        return cart, []
    current = get_variants(tenant, [(x.product_id, x.sku) for x in cart.lines])
    # The products' VAT classes as they are now (the form's totals show the VAT the order will carry).
    cart = cart.model_copy(
        update={
            "lines": tuple(
                x.model_copy(update={"tax_class": current[x.sku][0].tax_class}) if x.sku in current else x
                for x in cart.lines
            )
        }
    )
    changes = [
        {"sku": x.sku, "was": x.unit_price, "now": variant.price, "currency": variant.currency}
        for x in cart.lines
        if (variant := current.get(x.sku, (None, None))[1]) is not None
        and (variant.price != x.unit_price or variant.currency != x.currency)
    ]
    if not changes:
        return cart, []
    # Saved for the next step; shown at the new prices even when another window holds the cart (its
    # digest then differs from the stored cart's, so a submit re-shows the form rather than ordering).
    return _reprice(tenant, cart.id, changes) or _repriced(cart, changes), changes


@dataclass(frozen=True)
class Quote:
    """What the cart costs delivered to ``country``: ``totals``, or ``refused`` when the store does not
    ship there; ``countries`` are those it ships to (the form offers them)."""

    country: str
    totals: Totals | None
    refused: NotShippedTo | None
    countries: list[str]


HOME_COUNTRY = "LU"


def quote(tenant: Tenant, cart: Cart, country: str | None = None) -> Quote:
    """Subtotal, shipping and the VAT included for the cart, delivered to ``country`` (by default the
    store's home country, Luxembourg, or else the first it ships to), at the VAT classes the cart's
    lines carry: one GetItem of the settings (none when prefetched, see :func:`quote_keys`)."""
    settings = get_shipping_settings(tenant)
    countries = settings.countries
    wanted = (country or "").upper()
    if not wanted:
        wanted = HOME_COUNTRY if HOME_COUNTRY in countries or not countries else countries[0]
    lines = [PricedLine(x.total, x.tax_class) for x in cart.lines]
    try:
        return Quote(wanted, totals(lines, wanted, settings), None, countries)
    except NotShippedTo as refused:
        return Quote(wanted, None, refused, countries)


def quote_keys(tenant: Tenant) -> list[tuple[str, str]]:
    """The table keys :func:`quote` reads, to read them with others (``orion.data.table.prefetched``)."""
    return [keys.shipping_settings_key(tenant.platform, tenant.require_store())]


def cart_keys(tenant: Tenant, cart_id: str | None) -> list[tuple[str, str]]:
    """The table key :func:`get_cart` reads for ``cart_id`` (none for a malformed id), so a page can
    read it together with other items (``orion.data.table.prefetched``)."""
    if not cart_id or not _plausible_cart_id(cart_id):
        return []
    return [(keys.cart_pk(tenant.platform, tenant.require_store(), cart_id), keys.CART_SK)]


def new_cart_id() -> str:
    """An unguessable cart id (it is the only key to a cart)."""
    return new_token(24)


def new_checkout_key() -> str:
    """A fresh idempotency key for one rendering of the checkout form."""
    return new_token(24)


def get_cart(tenant: Tenant, cart_id: str | None) -> Cart | None:
    """The cart, or None when there is none (no cookie, expired, already ordered): one GetItem."""
    if not cart_id or not _plausible_cart_id(cart_id):
        return None
    found = runtime.repository(CartRepository).get(tenant, cart_id)
    return found[0] if found else None


def add_to_cart(tenant: Tenant, cart_id: str | None, sku: str, quantity: int, *, lang: str = "en") -> Cart:
    """Add ``quantity`` of a variant (creating the cart if needed); unknown or unsold SKUs are refused
    and the quantity is bounded by the stock (unless the variant sells on backorder) and by
    MAX_QUANTITY."""
    try:
        found = get_variant_by_sku(tenant, sku)
    except NotFound as exc:
        raise Invalid(
            f"There is no product with SKU {sku}.", errors=[FieldError("sku", "unknown SKU")]
        ) from exc
    if found.status is not ProductStatus.ACTIVE:
        raise Invalid("This product is not for sale.", errors=[FieldError("sku", "not for sale")])
    variant = found.variant

    def change(cart: Cart) -> Cart:
        current = cart.line(sku)
        wanted = (current.quantity if current else 0) + quantity
        if wanted > MAX_QUANTITY:
            raise Invalid(
                f"At most {MAX_QUANTITY} of one item per order.",
                errors=[FieldError("quantity", f"at most {MAX_QUANTITY}")],
            )
        if wanted > variant.stock and not variant.backorder:
            raise _not_enough(sku, variant.stock)
        line = CartLine(
            sku=sku,
            product_id=found.product_id,
            handle=found.handle,
            title=found.title,
            titles=found.titles,
            variant_label=variant.label,
            unit_price=variant.price,
            currency=variant.currency,
            quantity=wanted,
            image=found.image,
            tax_class=found.tax_class,
        )
        if current is None:
            if len(cart.lines) >= MAX_CART_LINES:
                raise Invalid(f"A cart holds at most {MAX_CART_LINES} different items.")
            if cart.currency and cart.currency != variant.currency:
                raise Conflict("Items priced in another currency cannot share this cart.")
            lines = (*cart.lines, line)
        else:
            lines = tuple(line if existing.sku == sku else existing for existing in cart.lines)
        return cart.model_copy(update={"lines": lines})

    return _update(tenant, cart_id, change)


def change_quantity(tenant: Tenant, cart_id: str | None, sku: str, quantity: int) -> Cart:
    """Set a line's quantity; 0 removes it (removing a line that is gone already is done, not an
    error: a double-clicked Remove). Changing a SKU not in the cart is a 404."""
    cart = get_cart(tenant, cart_id)
    if quantity == 0 and cart is not None and cart.line(sku) is None:
        return cart
    if cart is None or cart.line(sku) is None:
        raise NotFound("That item is not in your cart.")

    def change(current: Cart) -> Cart:
        line = current.line(sku)
        if line is None:
            raise NotFound("That item is not in your cart.")
        if quantity == 0:
            return current.model_copy(update={"lines": tuple(x for x in current.lines if x.sku != sku)})
        found = get_variant_by_sku(tenant, sku)
        if quantity > found.variant.stock and not found.variant.backorder:
            raise _not_enough(sku, found.variant.stock)
        updated = line.model_copy(update={"quantity": quantity, "unit_price": found.variant.price})
        return current.model_copy(
            update={"lines": tuple(updated if x.sku == sku else x for x in current.lines)}
        )

    return _update(tenant, cart.id, change)


ONLY_SOME_LEFT = "Sorry, we only have {n} of that item."


def _not_enough(sku: str, stock: int) -> OutOfStock:
    """Out of stock for the cart, said so that the shopper's page can translate it."""
    if stock == 0:
        return OutOfStock("Sorry, that item is out of stock.", extra={"skus": [sku]})
    n = str(stock)
    return OutOfStock(
        ONLY_SOME_LEFT.format(n=n), extra={"skus": [sku]}, template=ONLY_SOME_LEFT, params={"n": n}
    )


def checkout(
    tenant: Tenant,
    cart_id: str | None,
    form: CheckoutForm,
    *,
    lang: str = "en",
    site_url: str | None = None,
    store_name: str | None = None,
    customer_id: str | None = None,
    payment: str | PaymentProvider = "manual",
) -> PlacedOrder:
    """Place the order for the cart: one transaction (see orion.orders.service.place_order) that also
    deletes the cart. The same form submitted twice returns the first order, even though the cart is
    gone by then.

    The order is placed only at the prices the cart showed: if a price changed since, nothing is
    ordered, the cart takes the new prices and PriceChanged is raised (the shopper reviews and places
    the order again)."""
    cart = get_cart(tenant, cart_id)
    if cart is None or not cart.lines:
        # A double submit arrives after the first one deleted the cart: the key finds its order.
        return place_order(tenant, [], form.customer(), checkout_key=form.checkout_key, language=lang)
    if form.cart_digest is not None and form.cart_digest != cart_digest(cart):
        # Only an order placed from this very form could have emptied it: that one the key finds.
        replay = find_placed(tenant, form.checkout_key)
        if replay is not None:
            return replay
        raise CartChangedSinceForm(
            "Your cart changed since this page was shown (its items or prices). Please check it and"
            " place your order again."
        )
    lines = [
        LineRequest(
            product_id=x.product_id,
            sku=x.sku,
            quantity=x.quantity,
            agreed_price=x.unit_price,
            agreed_currency=x.currency,
        )
        for x in cart.lines
    ]
    try:
        return place_order(
            tenant,
            lines,
            form.customer(),
            checkout_key=form.checkout_key,
            language=lang,
            cart_id=cart.id,
            site_url=site_url,
            store_name=store_name,
            customer_id=customer_id,
            payment=payment,
        )
    except PriceChanged as changed:
        _reprice(tenant, cart.id, changed.extra["changes"])
        raise


def _repriced(cart: Cart, changes: list[dict[str, Any]]) -> Cart:
    now = {str(c["sku"]): (int(c["now"]), str(c["currency"])) for c in changes}
    lines = tuple(
        line.model_copy(update={"unit_price": now[line.sku][0], "currency": now[line.sku][1]})
        if line.sku in now
        else line
        for line in cart.lines
    )
    return cart.model_copy(update={"lines": lines})


def _reprice(tenant: Tenant, cart_id: str, changes: list[dict[str, Any]]) -> Cart | None:
    """Give the cart's lines the prices the checkout found (the cart page then shows what is due);
    the saved cart, or None when it is gone or changing in another window."""
    # When the cart is changing in another window, the next checkout compares its prices again.
    with suppress(Conflict):
        return _apply(tenant, cart_id, lambda cart: _repriced(cart, changes), create=False)
    return None


def _update(tenant: Tenant, cart_id: str | None, apply: Callable[[Cart], Cart]) -> Cart:
    updated = _apply(tenant, cart_id, apply, create=True)
    assert updated is not None  # a missing cart is created
    return updated


def _apply(
    tenant: Tenant, cart_id: str | None, apply: Callable[[Cart], Cart], *, create: bool
) -> Cart | None:
    """Apply a change to the cart under optimistic locking (a fresh cart when there is none and
    ``create``; else None)."""
    repository = runtime.repository(CartRepository)
    for _ in range(_RETRIES):
        found = repository.get(tenant, cart_id) if cart_id and _plausible_cart_id(cart_id) else None
        if found is None:
            if not create:
                return None
            cart, version = Cart(id=new_cart_id(), updated_at=datetime.now(UTC)), None
        else:
            cart, version = found
        updated = apply(cart).model_copy(update={"updated_at": datetime.now(UTC)})
        try:
            repository.save(tenant, updated, version)
        except CartChanged:
            continue
        return updated
    raise Conflict("Your cart changed in another window; please try again.")


def _plausible_cart_id(cart_id: str) -> bool:
    return 16 <= len(cart_id) <= 64 and all(c.isalnum() or c in "-_" for c in cart_id)
