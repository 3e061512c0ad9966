"""Payment providers: how an order gets paid. The built-in ``manual`` provider sends an invoice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from orion.errors import Invalid
from orion.orders.models import Order, OrderStatus
from orion.rendering.i18n import translator
from orion.tenant import Tenant


@dataclass(frozen=True)
class PaymentStart:
    """What placing an order with a provider means: the order's status and what to tell the shopper."""

    status: OrderStatus
    instructions: str


class PaymentProvider(Protocol):
    """A way to pay. ``start`` runs before the order is written (it must not charge anything that
    cannot be undone if the write fails); providers that confirm later move the order to ``paid``
    through ``orion.orders.service.transition_order``."""

    code: str
    name: str

    def start(self, tenant: Tenant, order: Order) -> PaymentStart: ...


class ManualPayment:
    """Invoice / bank transfer: the order waits as ``pending`` until staff mark it paid."""

    code = "manual"
    name = "Invoice (bank transfer)"

    def start(self, tenant: Tenant, order: Order) -> PaymentStart:
        """Pending, with the instructions in the order's language (they are kept on the order)."""
        return PaymentStart(
            status=OrderStatus.PENDING,
            instructions=translator(order.language)(INVOICE_INSTRUCTIONS, id=order.id),
        )


INVOICE_INSTRUCTIONS = (
    "We will e-mail you an invoice. Your order ships once the bank transfer has arrived; please mention"
    " the order number {id}."
)


_PROVIDERS: dict[str, PaymentProvider] = {"manual": ManualPayment()}


def payment_provider(code: str) -> PaymentProvider:
    provider = _PROVIDERS.get(code)
    if provider is None:
        raise Invalid(f"Unknown payment method {code!r}.")
    return provider
