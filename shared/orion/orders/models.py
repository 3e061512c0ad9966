"""Order domain models and the order status state machine."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, EmailStr, Field

# Where the shops deliver (ISO 3166-1 alpha-2 -> name shown in the form).
COUNTRIES = {
    "LU": "Luxembourg",
    "BE": "Belgium",
    "FR": "France",
    "DE": "Germany",
    "NL": "Netherlands",
    "AT": "Austria",
    "CH": "Switzerland",
}


def deliverable_country(value: str) -> str:
    """A form's country as its ISO code, if the shops deliver there (a validator's ValueError if not)."""
    if value.upper() not in COUNTRIES:
        raise ValueError("we do not deliver there yet")
    return value.upper()


# Largest quantity of one variant in one order (forms offer 1-99).
MAX_LINE_QUANTITY_FORM = 99


class OrderStatus(StrEnum):
    PENDING = "pending"  # placed, waiting for payment
    PAID = "paid"
    FULFILLED = "fulfilled"  # packed
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"  # some of the money (and maybe of the items) went back


# Allowed moves; anything else is a Conflict. Cancelled and refunded orders put their stock back.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset(
        {OrderStatus.FULFILLED, OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED}
    ),
    OrderStatus.FULFILLED: frozenset(
        {OrderStatus.SHIPPED, OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED}
    ),
    OrderStatus.SHIPPED: frozenset(
        {OrderStatus.DELIVERED, OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED}
    ),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
    # Further partial refunds, or the rest of the money. Refunds go through the refund use cases
    # (orion.orders.service.record_refund, orion.payments), which restock only the lines chosen.
    OrderStatus.PARTIALLY_REFUNDED: frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
}
# Statuses a refund may start from (the money was taken).
REFUNDABLE = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.FULFILLED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.PARTIALLY_REFUNDED,
    }
)
RESTORES_STOCK = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})
# Orders a member of staff has to move on: confirm a payment, pack, ship.
AWAITING_ACTION = frozenset({OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.FULFILLED})


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def next_statuses(current: OrderStatus) -> list[OrderStatus]:
    """The statuses an order in ``current`` may move to, in the state machine's order."""
    return [status for status in OrderStatus if status in TRANSITIONS[current]]


class CustomerDetails(BaseModel):
    """Who ordered and where it goes (validated again wherever it enters, e.g. the checkout form)."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    email: EmailStr = Field(max_length=254)
    name: str = Field(min_length=1, max_length=120)
    address: str = Field(min_length=3, max_length=300)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=120)
    country: str = Field(pattern=r"^[A-Z]{2}$")


class OrderLine(BaseModel):
    """A bought variant as it was at checkout (titles and prices are copied, not referenced)."""

    model_config = ConfigDict(frozen=True)

    position: int
    product_id: str
    handle: str
    sku: str
    title: str
    variant_label: str = ""
    unit_price: int
    quantity: int = Field(ge=1)
    currency: str
    # Units of a backorder variant beyond its stock at checkout: they took no stock and wait for more
    # (a cancellation puts back only the ``quantity - backordered`` units taken).
    backordered: int = Field(default=0, ge=0)
    # The product's VAT class at checkout (orion.catalog.models.TaxClass values; see orion.orders.pricing).
    tax_class: str = "standard"

    @property
    def taken(self) -> int:
        """The units this line took from stock."""
        return self.quantity - self.backordered

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity


class VatLine(BaseModel):
    """VAT included in an order at one rate (percent as text, e.g. ``"17"``), in minor units."""

    model_config = ConfigDict(frozen=True)

    rate: str
    amount: int


class StatusChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: OrderStatus
    at: datetime
    note: str = ""
    actor: str = "system"


# A parcel's tracking number as carriers print it: letters, digits, hyphens and spaces.
TRACKING_NUMBER_PATTERN = r"^[A-Za-z0-9 -]+$"


class Shipment(BaseModel):
    """How an order was shipped: staff give the carrier and tracking number when they mark it shipped."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    carrier: str = Field(min_length=1, max_length=80)
    tracking_number: str = Field(min_length=1, max_length=80, pattern=TRACKING_NUMBER_PATTERN)
    tracking_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://[^\s]+$")


class RefundLine(BaseModel):
    """Units of one order line a refund puts back in stock."""

    model_config = ConfigDict(frozen=True)

    sku: str
    quantity: int = Field(ge=1)


class RefundStatus(StrEnum):
    PENDING = "pending"  # asked of the payment provider; waits for its confirmation (Stripe's webhook)
    DONE = "done"  # the money went back; the lines' stock was put back
    FAILED = "failed"  # the provider could not be reached or refused: nothing went back


class Refund(BaseModel):
    """Money given back on an order (all or part), and the units it restocks."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1)  # 1, 2, ... per order (part of the provider's idempotency key)
    amount: int = Field(ge=1)
    lines: tuple[RefundLine, ...] = ()
    reason: str = ""
    status: RefundStatus = RefundStatus.PENDING
    reference: str | None = None  # the provider's refund id (Stripe: re_...)
    actor: str = "staff"
    created_at: datetime
    completed_at: datetime | None = None


class Order(BaseModel):
    """An order with its lines and status history."""

    model_config = ConfigDict(frozen=True)

    id: str
    status: OrderStatus
    currency: str
    subtotal: int
    shipping: int = 0
    # VAT included in subtotal and shipping, per rate, highest first (total = subtotal + shipping).
    vat: tuple[VatLine, ...] = ()
    total: int
    customer: CustomerDetails
    language: str = "en"
    payment_provider: str = "manual"
    payment_instructions: str = ""
    # The provider's reference for the payment (Stripe: the PaymentIntent id), once there is one, and
    # what the shopper should know about the last attempt (e.g. "card declined: ..."); see orion.payments.
    payment_reference: str | None = None
    payment_note: str = ""
    # The shopper account it belongs to (orion.customers): placed signed in, or a guest order of the
    # account's verified address.
    customer_id: str | None = None
    created_at: datetime
    updated_at: datetime
    lines: tuple[OrderLine, ...] = ()
    history: tuple[StatusChange, ...] = ()
    # The store's address as the shopper's browser used it at checkout (links in later e-mails).
    site_url: str | None = None
    shipment: Shipment | None = None
    # Refunds asked or made, oldest first (see orion.orders.service.record_refund and orion.payments).
    refunds: tuple[Refund, ...] = ()

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def refunded_amount(self) -> int:
        """Money given back so far (done refunds)."""
        return sum(r.amount for r in self.refunds if r.status is RefundStatus.DONE)

    @property
    def refundable_amount(self) -> int:
        """What may still be refunded: the total less refunds done or waiting for the provider."""
        return self.total - sum(r.amount for r in self.refunds if r.status is not RefundStatus.FAILED)

    def restocked(self, sku: str, *, done_only: bool = False) -> int:
        """Units of the line ``sku`` chosen by refunds done, and (unless ``done_only``) pending."""
        counted = (RefundStatus.DONE,) if done_only else (RefundStatus.DONE, RefundStatus.PENDING)
        return sum(
            line.quantity
            for refund in self.refunds
            if refund.status in counted
            for line in refund.lines
            if line.sku == sku
        )

    @property
    def refunds_version(self) -> int:
        """Grows with each refund written or settled (the repository's condition against races)."""
        return len(self.refunds) + sum(r.status is not RefundStatus.PENDING for r in self.refunds)


class OrderSummary(BaseModel):
    """An order as a shopper account's list shows it (kept beside the account, see the repository)."""

    model_config = ConfigDict(frozen=True)

    id: str
    status: OrderStatus
    total: int
    currency: str
    item_count: int
    created_at: datetime

    @classmethod
    def of(cls, order: Order) -> OrderSummary:
        return cls(
            id=order.id,
            status=order.status,
            total=order.total,
            currency=order.currency,
            item_count=order.item_count,
            created_at=order.created_at,
        )


class OrderList(BaseModel):
    items: list[Order]
    next_cursor: str | None = None


class LineRequest(BaseModel):
    """One line a shopper wants to buy: a variant of a product, and how many."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    sku: str
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY_FORM)
    # The unit price (minor units) and currency the shopper was shown; when given, the order is placed
    # only at that price (a price changed since is a PriceChanged, nothing written).
    agreed_price: int | None = None
    agreed_currency: str | None = None


class PlacedOrder(BaseModel):
    """The outcome of a checkout: the order, the secret for its status page, and whether it is new
    (``False`` when the same checkout key was submitted before)."""

    model_config = ConfigDict(frozen=True)

    order: Order
    token: str
    created: bool
