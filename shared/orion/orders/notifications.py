"""Order e-mails after the confirmation: the shopper hears when an order is paid, shipped (carrier and
tracking number), delivered, cancelled or refunded, in the order's language; the store hears of each
new order at its contact address, in its default language. Each kind can be switched off per store
(``Store.notifications_off``, see orion.tenancy). All go through the outbox (sent after the request,
retried there) and name the store and its address; links point to the host the shopper ordered on."""

from __future__ import annotations

from collections.abc import Callable

from orion.orders.models import Order, OrderStatus
from orion.outbox.service import enqueue_email
from orion.rendering.i18n import format_money, translator
from orion.tenancy.models import Store
from orion.tenancy.stores import store_profile
from orion.tenant import Tenant

NEW_ORDER = "order_new_staff"
# The shopper's e-mail for each status, its subject and what it says (English; translated in
# orion.rendering.i18n).
STATUS_MAILS: dict[OrderStatus, tuple[str, str, str]] = {
    OrderStatus.PAID: (
        "order_paid",
        "Payment received for your order {id} at {store}",
        "We received your payment and are preparing your order.",
    ),
    OrderStatus.SHIPPED: (
        "order_shipped",
        "Your order {id} at {store} has shipped",
        "Your order is on its way.",
    ),
    OrderStatus.DELIVERED: (
        "order_delivered",
        "Your order {id} at {store} was delivered",
        "Your order was delivered. We hope you enjoy it.",
    ),
    OrderStatus.CANCELLED: (
        "order_cancelled",
        "Your order {id} at {store} was cancelled",
        "Your order was cancelled. If you already paid, you will be refunded.",
    ),
    OrderStatus.REFUNDED: (
        "order_refunded",
        "Your order {id} at {store} was refunded",
        "Your order was refunded: {amount}.",
    ),
    # Same kind as a full refund (one switch in the store's settings); {amount}: this refund's.
    OrderStatus.PARTIALLY_REFUNDED: (
        "order_refunded",
        "Part of your order {id} at {store} was refunded",
        "We refunded {amount} of your order.",
    ),
}


def notify_status(tenant: Tenant, order: Order, *, status_url: Callable[[], str | None]) -> bool:
    """Enqueue the shopper's e-mail for ``order``'s new status (if that status has one and the store
    has not switched it off), linking to the order's status page (``status_url`` reads it, only when
    an e-mail goes out); whether one was enqueued."""
    found = STATUS_MAILS.get(order.status)
    if found is None:
        return False
    kind, subject, says = found
    store = store_profile(tenant)
    if store is not None and not store.notifies(kind):
        return False
    t = translator(order.language)
    name = store.name if store else tenant.require_store()
    amount = format_money(_amount(order), order.currency, order.language)
    parts = [t("Hello {name},", name=order.customer.name), t(says, amount=amount)]
    if order.status is OrderStatus.SHIPPED and order.shipment is not None:
        shipment = order.shipment
        details = [
            f"{t('Carrier')}: {shipment.carrier}",
            f"{t('Tracking number')}: {shipment.tracking_number}",
        ]
        if shipment.tracking_url:
            details.append(t("Track your parcel: {url}", url=shipment.tracking_url))
        parts.append("\n".join(details))
    link = status_url()
    if link:
        parts.append(t("Follow your order here: {url}", url=link))
    parts.append(_signature(name, store))
    enqueue_email(
        tenant,
        to=str(order.customer.email),
        subject=t(subject, id=order.id, store=name),
        text="\n\n".join(parts) + "\n",
        kind=kind,
        data={"order_id": order.id, "status": order.status.value},
    )
    return True


def _amount(order: Order) -> int:
    """The sum the e-mail names: refunded in all (a full refund) or by the last refund (a partial one),
    the order's total otherwise (or for a refund marked by a status change, with no refund recorded)."""
    done = [r for r in order.refunds if r.completed_at is not None]
    if order.status is OrderStatus.PARTIALLY_REFUNDED and done:
        return max(done, key=lambda r: r.completed_at or r.created_at).amount
    if order.status is OrderStatus.REFUNDED and done:
        return order.refunded_amount
    return order.total


def notify_new_order(tenant: Tenant, order: Order) -> bool:
    """Enqueue the new-order e-mail to the store's contact address (none: nothing), in the store's
    default language, linking to the order's page in the store console on the host the shopper used;
    whether one was enqueued."""
    store = store_profile(tenant)
    if store is None or not store.contact_email or not store.notifies(NEW_ORDER):
        return False
    lang = store.default_language
    t = translator(lang)
    lines = "\n".join(
        f"  {line.quantity} x {line.sku} {line.title}"
        f"{f' ({line.variant_label})' if line.variant_label else ''}"
        f"  {format_money(line.total, order.currency, lang)}"
        for line in order.lines
    )
    parts = [
        t("{name} placed order {id}.", name=order.customer.name, id=order.id),
        lines,
        f"{t('Total')}: {format_money(order.total, order.currency, lang)}",
    ]
    if order.site_url:
        url = f"{order.site_url.rstrip('/')}/admin/orders/{order.id}"
        parts.append(t("Open it in the store console: {url}", url=url))
    enqueue_email(
        tenant,
        to=store.contact_email,
        subject=t("New order {id} at {store}", id=order.id, store=store.name),
        text="\n\n".join(parts) + "\n",
        kind=NEW_ORDER,
        data={"order_id": order.id},
    )
    return True


def _signature(name: str, store: Store | None) -> str:
    """The store's name, postal address and contact address, as the e-mail's last lines."""
    lines = [name]
    if store is not None and store.business_address:
        lines.append(store.business_address)
    if store is not None and store.contact_email:
        lines.append(store.contact_email)
    return "\n".join(lines)
