"""The orders module's errors, beyond the bases in orion.errors: why a checkout was refused (stock,
availability, prices, a cart changed since its form), and the signals its transactions send back to
the use cases that retry them."""

from __future__ import annotations

from orion.errors import Conflict, FieldError, Invalid


class OutOfStock(Conflict):
    """Some lines cannot be bought in the wanted quantity; ``extra['skus']`` lists them."""

    title = "Out of stock"
    code = "out-of-stock"


class Unavailable(Conflict):
    """Some lines are no longer sold (unknown, unpublished or archived products)."""

    title = "No longer available"
    code = "unavailable"


class PriceChanged(Conflict):
    """Some lines' prices changed since the shopper saw them; ``extra['changes']`` lists them
    (``sku``, ``was``, ``now``, ``currency``) so the shopper can agree to the new prices."""

    title = "Prices changed"
    code = "price-changed"


class CartChangedSinceForm(Conflict):
    """The cart is not the one the checkout form showed (prices or lines changed since)."""

    title = "Your cart changed"
    code = "cart-changed"


class NotShippedTo(Invalid):
    """The store ships to no zone holding the order's country (``extra['country']``)."""

    title = "Not shipped there"
    code = "not-shipped"


NOT_SHIPPED = "We do not ship to {country}."


def not_shipped_to(country: str, name: str) -> NotShippedTo:
    """The refusal of ``country`` (called ``name``), on the ``country`` field, said so a page can
    translate it."""
    message = NOT_SHIPPED.format(country=name)
    return NotShippedTo(
        message,
        errors=[FieldError("country", message)],
        extra={"country": country},
        template=NOT_SHIPPED,
        params={"country": name},
    )


class TransactionCancelled(Exception):
    """The order's transaction was refused; ``failed`` names the labelled parts whose condition failed."""

    def __init__(self, failed: list[str]) -> None:
        super().__init__(", ".join(failed))
        self.failed = failed


class CartChanged(Exception):
    """The cart was changed by another request since it was read."""
