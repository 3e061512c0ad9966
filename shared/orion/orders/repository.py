"""The table layout of orders: the order, its lines and history in one partition, checkout keys."""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from orion.catalog.stock_api import StockChanges, StockLevel
from orion.data import keys
from orion.data.clients import aws_client
from orion.data.conditions import TRANSACTION_CANCELLED, error_code
from orion.data.cursors import IndexKey, decode_sort_key, encode_cursor, start_key
from orion.data.table import Gsi1, Gsi2, TableItem, get_or_none, transaction
from orion.orders.errors import TransactionCancelled
from orion.orders.models import (
    CustomerDetails,
    Order,
    OrderLine,
    OrderList,
    OrderStatus,
    OrderSummary,
    StatusChange,
)
from orion.settings import get_settings
from orion.tenant import Tenant

CHECKOUT_KEY_TTL = timedelta(days=2)


class OrderItem(TableItem, discriminator="Order"):
    id = UnicodeAttribute()
    status = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    data = UnicodeAttribute()  # the Order without lines and history, as JSON
    # The shopper's status-page link with its token, for the later e-mails (paid, shipped, ...) to link
    # to: the token is otherwise kept only as its hash, so it could not be rebuilt. Private: never part
    # of ``data``, so never in staff JSON or pages; read only by :meth:`OrderRepository.status_url`.
    status_url = UnicodeAttribute(null=True)
    # Order.refunds_version as last written (absent: no refund yet), the condition refund writes hold.
    refunds_version = NumberAttribute(null=True)


class OrderLineItem(TableItem, discriminator="OrderLine"):
    data = UnicodeAttribute()


class OrderHistoryItem(TableItem, discriminator="OrderHistory"):
    data = UnicodeAttribute()


class OrderByEmailItem(TableItem, discriminator="OrderByEmail"):
    """A pointer from a shopper's e-mail address (digest) to one of their orders (never changes)."""

    order_id = UnicodeAttribute()


def email_digest(email: str) -> str:
    """The key part an e-mail address is found by: a digest of its trimmed lowercase form."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


class CustomerOrderItem(TableItem, discriminator="CustomerOrder"):
    """An order's summary in its shopper account's partition (the account page lists these), kept in
    step with the order's status by every transition."""

    order_id = UnicodeAttribute()
    data = UnicodeAttribute()  # the OrderSummary as JSON


class CheckoutKeyItem(TableItem, discriminator="CheckoutKey"):
    """A checkout submission already turned into an order (idempotency); kept two days."""

    order_id = UnicodeAttribute()
    token = UnicodeAttribute()


class OrderRepository:
    def get(self, tenant: Tenant, order_id: str) -> tuple[Order, str] | None:
        """The order with lines and history, and its token hash: one Query."""
        platform, store = tenant.platform, tenant.require_store()
        head: OrderItem | None = None
        lines: list[OrderLine] = []
        history: list[StatusChange] = []
        for item in TableItem.query(keys.order_pk(platform, store, order_id), consistent_read=True):
            if isinstance(item, OrderItem):
                head = item
            elif isinstance(item, OrderLineItem):
                lines.append(OrderLine.model_validate_json(item.data))
            elif isinstance(item, OrderHistoryItem):
                history.append(StatusChange.model_validate_json(item.data))
        if head is None:
            return None
        fields = json.loads(head.data)
        order = Order.model_validate({**fields, "lines": lines, "history": history})
        return order, head.token_hash

    def status_url(self, tenant: Tenant, order_id: str) -> str | None:
        """The shopper's status-page link kept with the order (see OrderItem.status_url): one GetItem."""
        platform, store = tenant.platform, tenant.require_store()
        item = get_or_none(OrderItem, keys.order_pk(platform, store, order_id), keys.ORDER_SK)
        return item.status_url if item else None

    def checkout_key(self, tenant: Tenant, key: str) -> tuple[str, str] | None:
        """``(order id, token)`` of a checkout key already used."""
        platform, store = tenant.platform, tenant.require_store()
        item = get_or_none(
            CheckoutKeyItem,
            keys.checkout_key_pk(platform, store, key),
            keys.CHECKOUT_KEY_SK,
            consistent_read=True,
        )
        return (item.order_id, item.token) if item else None

    def list(
        self,
        tenant: Tenant,
        *,
        status: OrderStatus | None,
        limit: int,
        after: str | None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> OrderList:
        platform, store = tenant.platform, tenant.require_store()
        sort_key: Any
        index_name: Literal["GSI1", "GSI2"]
        if status is None:
            index: Any = OrderItem.gsi1
            index_name, partition = "GSI1", keys.orders_gsi1pk(platform, store)
            sort_key = Gsi1.gsi1sk
        else:
            index = OrderItem.gsi2
            index_name, partition = "GSI2", keys.orders_by_status_gsi2pk(platform, store, status.value)
            sort_key = Gsi2.gsi2sk
        # Sort keys are "<created ISO time>#<id>": a date range is a key condition, not a filter.
        low = since.astimezone(UTC).isoformat() if since else "0"
        high = (until.astimezone(UTC).isoformat() if until else "9") + "#~"
        range_condition = sort_key.between(low, high) if since or until else None
        start = None
        if after:
            sort_value, order_id = decode_sort_key(after)
            start = start_key(
                keys.order_pk(platform, store, order_id),
                keys.ORDER_SK,
                IndexKey(index_name, partition, sort_value),
            )
        result = index.query(
            partition,
            range_condition,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
            page_size=limit,
        )
        items: list[Order] = []
        last: str | None = None
        for item in result:
            if isinstance(item, OrderItem):
                items.append(Order.model_validate_json(item.data))
                last = item.gsi2sk if status else item.gsi1sk
        more = result.last_evaluated_key is not None
        return OrderList(items=items, next_cursor=encode_cursor(last) if more and last else None)

    def awaiting_action(
        self, tenant: Tenant, statuses: frozenset[OrderStatus], *, scan: int
    ) -> tuple[Order, ...]:
        """Of the store's ``scan`` newest orders, those in ``statuses``, newest first: exactly one
        Query on GSI1 with a filter (the dashboard's short list, not a complete one)."""
        platform, store = tenant.platform, tenant.require_store()
        wanted = sorted(status.value for status in statuses)
        names = {f":s{i}": {"S": value} for i, value in enumerate(wanted)}
        answer = aws_client("dynamodb").query(
            TableName=get_settings().table_name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            FilterExpression=f"#status IN ({', '.join(names)})",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":pk": {"S": keys.orders_gsi1pk(platform, store)}, **names},
            ScanIndexForward=False,
            Limit=scan,
        )
        return tuple(
            Order.model_validate_json(item["data"]["S"])
            for item in answer.get("Items", [])
            if item.get("kind", {}).get("S") == "Order"
        )

    def by_email(self, tenant: Tenant, email: str, *, limit: int, after: str | None) -> OrderList:
        """The orders placed with ``email``, newest first: one Query on the pointers, one BatchGetItem
        of the orders they name."""
        platform, store = tenant.platform, tenant.require_store()
        pk = keys.orders_by_email_pk(platform, store, email_digest(email))
        start = None
        if after:
            sort_value, _ = decode_sort_key(after)
            start = start_key(pk, sort_value)
        result = OrderByEmailItem.query(
            pk, scan_index_forward=False, limit=limit, last_evaluated_key=start, page_size=limit
        )
        pointers = [item for item in result if isinstance(item, OrderByEmailItem)]
        more = result.last_evaluated_key is not None
        heads: dict[str, Order] = {}
        if pointers:
            wanted = [(keys.order_pk(platform, store, p.order_id), keys.ORDER_SK) for p in pointers]
            for item in TableItem.batch_get(wanted):
                if isinstance(item, OrderItem):
                    heads[item.id] = Order.model_validate_json(item.data)
        items = [heads[p.order_id] for p in pointers if p.order_id in heads]
        last = pointers[-1].sk if pointers else None
        return OrderList(items=items, next_cursor=encode_cursor(last) if more and last else None)

    def create(
        self,
        tenant: Tenant,
        order: Order,
        *,
        token: str,
        token_hash: str,
        checkout_key: str,
        cart_id: str | None,
        levels: Mapping[str, StockLevel],
        status_url: str | None = None,
    ) -> None:
        """Everything a checkout writes, in one transaction: a conditional stock decrement per line of
        the units it takes (from the stock ``levels`` read, see orion.catalog.stock_api), the order,
        its lines, its first history entry, its e-mail pointer, the checkout key (conditional: first
        submit wins), the cart's deletion, and the store's low-stock counters if a line crosses the
        threshold. Items:
        2 x lines + 6, so a cart is capped at 40 lines (see checkout).

        Raises TransactionCancelled naming the failed parts (``sku:<sku>``, ``checkout-key`` or
        ``stock-counters``)."""
        platform, store = tenant.platform, tenant.require_store()
        pk = keys.order_pk(platform, store, order.id)
        tx = transaction()
        updates: list[str] = []
        puts: list[str] = []
        deletes: list[str] = []
        checks: list[str] = []
        stock = StockChanges(tenant)
        for line in order.lines:
            if line.taken:
                stock.change(tx, levels[line.sku], -line.taken)
                updates.append(f"sku:{line.sku}")
            else:  # wholly on backorder: takes no stock, on condition none came in since the read
                stock.hold(tx, levels[line.sku])
                checks.append(f"sku:{line.sku}")
        if stock.count(tx):
            updates.append("stock-counters")
        head = self._order_item(tenant, order, token_hash)
        head.status_url = status_url
        tx.save(head, condition=OrderItem.pk.does_not_exist())
        puts.append("order")
        for line in order.lines:
            tx.save(OrderLineItem(pk, keys.order_line_sk(line.position), data=line.model_dump_json()))
            puts.append("line")
        for position, change in enumerate(order.history):
            tx.save(self._history_item(pk, change, position))
            puts.append("history")
        tx.save(
            OrderByEmailItem(
                keys.orders_by_email_pk(platform, store, email_digest(str(order.customer.email))),
                f"{order.created_at.isoformat()}#{order.id}",
                order_id=order.id,
            )
        )
        puts.append("email")
        tx.save(
            CheckoutKeyItem(
                keys.checkout_key_pk(platform, store, checkout_key),
                keys.CHECKOUT_KEY_SK,
                order_id=order.id,
                token=token,
                ttl=datetime.now(UTC) + CHECKOUT_KEY_TTL,
            ),
            condition=CheckoutKeyItem.pk.does_not_exist(),
        )
        puts.append("checkout-key")
        if order.customer_id:
            tx.save(self._summary_item(tenant, order))
            puts.append("account")
        if cart_id:
            tx.delete(TableItem(keys.cart_pk(platform, store, cart_id), keys.CART_SK))
            deletes.append("cart")
        _commit(tx, checks=checks, deletes=deletes, puts=puts, updates=updates)

    def change_status(
        self,
        tenant: Tenant,
        order: Order,
        change: StatusChange,
        restock: Sequence[tuple[StockLevel, int]],
    ) -> None:
        """Move an order to ``change.status`` if it is still in ``order.status``; add the history entry
        and put ``restock`` (each variant's stock level as read, quantity) back, with the low-stock
        counters they move, all in one transaction."""
        platform, store = tenant.platform, tenant.require_store()
        pk = keys.order_pk(platform, store, order.id)
        updated = order.model_copy(update={"status": change.status, "updated_at": change.at})
        tx = transaction()
        updates: list[str] = []
        item = OrderItem(pk, keys.ORDER_SK)
        tx.update(
            item,
            actions=[
                OrderItem.status.set(change.status.value),
                OrderItem.data.set(updated.model_dump_json(exclude={"lines", "history"})),
                OrderItem.gsi2pk.set(keys.orders_by_status_gsi2pk(platform, store, change.status.value)),
            ],
            condition=OrderItem.status == order.status.value,
        )
        updates.append("order")
        tx.save(self._history_item(pk, change, len(order.history)))
        puts = ["history"]
        if order.customer_id:
            tx.save(self._summary_item(tenant, updated))
            puts.append("account")
        stock = StockChanges(tenant)
        for level, quantity in restock:
            stock.change(tx, level, quantity)
            updates.append(f"sku:{level.sku}")
        if stock.count(tx):
            updates.append("stock-counters")
        _commit(tx, puts=puts, updates=updates)

    def save_refunds(
        self,
        tenant: Tenant,
        order: Order,
        updated: Order,
        change: StatusChange | None,
        restock: Sequence[tuple[StockLevel, int]] = (),
    ) -> None:
        """Write ``updated``'s refunds (and, with ``change``, its new status and history entry), if the
        order's status and refunds are still those of ``order`` as read; put ``restock`` back, all in
        one transaction (TransactionCancelled naming ``order`` when it moved meanwhile)."""
        platform, store = tenant.platform, tenant.require_store()
        pk = keys.order_pk(platform, store, order.id)
        version = OrderItem.refunds_version
        same = version.does_not_exist() if order.refunds_version == 0 else version == order.refunds_version
        actions: builtins.list[Any] = [
            OrderItem.data.set(updated.model_dump_json(exclude={"lines", "history"})),
            version.set(updated.refunds_version),
        ]
        if change is not None and change.status is not order.status:
            actions += [
                OrderItem.status.set(change.status.value),
                OrderItem.gsi2pk.set(keys.orders_by_status_gsi2pk(platform, store, change.status.value)),
            ]
        tx = transaction()
        tx.update(
            OrderItem(pk, keys.ORDER_SK),
            actions=actions,
            condition=(OrderItem.status == order.status.value) & same,
        )
        updates, puts = ["order"], []
        if change is not None:
            tx.save(self._history_item(pk, change, len(order.history)))
            puts.append("history")
            if order.customer_id:
                tx.save(self._summary_item(tenant, updated))
                puts.append("account")
        stock = StockChanges(tenant)
        for level, quantity in restock:
            stock.change(tx, level, quantity)
            updates.append(f"sku:{level.sku}")
        if stock.count(tx):
            updates.append("stock-counters")
        _commit(tx, puts=puts, updates=updates)

    def add_history_entry(self, tenant: Tenant, order: Order, change: StatusChange) -> None:
        """Append ``change`` (a note, the status unchanged) to the order's history."""
        pk = keys.order_pk(tenant.platform, tenant.require_store(), order.id)
        self._history_item(pk, change, len(order.history)).save(
            condition=OrderHistoryItem.pk.does_not_exist()
        )

    def for_customer(
        self, tenant: Tenant, customer_id: str, *, limit: int, after: str | None = None
    ) -> tuple[builtins.list[OrderSummary], str | None]:
        """A shopper account's orders, newest first, and the cursor of the next page: one Query."""
        pk = keys.customer_pk(tenant.platform, tenant.require_store(), customer_id)
        start = start_key(pk, decode_sort_key(after)[0]) if after else None
        result = CustomerOrderItem.query(
            pk,
            CustomerOrderItem.sk.startswith(keys.CUSTOMER_ORDER_PREFIX),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=start,
        )
        found = [item for item in result if isinstance(item, CustomerOrderItem)]
        more = result.last_evaluated_key is not None and found
        summaries = [OrderSummary.model_validate_json(item.data) for item in found]
        return summaries, encode_cursor(found[-1].sk) if more else None

    def attach(self, tenant: Tenant, order: Order, customer_id: str) -> None:
        """Make ``order`` (a guest order) one of the account's, if its status did not change since it
        was read (TransactionCancelled otherwise)."""
        attached = order.model_copy(update={"customer_id": customer_id})
        tx = transaction()
        tx.update(
            OrderItem(keys.order_pk(tenant.platform, tenant.require_store(), order.id), keys.ORDER_SK),
            actions=[OrderItem.data.set(attached.model_dump_json(exclude={"lines", "history"}))],
            condition=OrderItem.status == order.status.value,
        )
        tx.save(self._summary_item(tenant, attached))
        _commit(tx, puts=["account"], updates=["order"])

    def set_payment(self, tenant: Tenant, order: Order, reference: str | None, note: str) -> None:
        """Keep the payment's reference and note on the order, if its status did not change since it
        was read (TransactionCancelled otherwise)."""
        paid = order.model_copy(update={"payment_reference": reference, "payment_note": note})
        tx = transaction()
        tx.update(
            OrderItem(keys.order_pk(tenant.platform, tenant.require_store(), order.id), keys.ORDER_SK),
            actions=[OrderItem.data.set(paid.model_dump_json(exclude={"lines", "history"}))],
            condition=OrderItem.status == order.status.value,
        )
        _commit(tx, updates=["order"])

    def anonymise(self, tenant: Tenant, order: Order, anonymous: CustomerDetails) -> None:
        """Replace who ordered with ``anonymous`` (figures, lines and history stay), and drop the
        order's e-mail pointer and account summary, in one transaction."""
        platform, store = tenant.platform, tenant.require_store()
        erased = order.model_copy(update={"customer": anonymous, "customer_id": None})
        tx = transaction()
        tx.update(
            OrderItem(keys.order_pk(platform, store, order.id), keys.ORDER_SK),
            actions=[OrderItem.data.set(erased.model_dump_json(exclude={"lines", "history"}))],
            condition=OrderItem.status == order.status.value,
        )
        tx.delete(
            OrderByEmailItem(
                keys.orders_by_email_pk(platform, store, email_digest(str(order.customer.email))),
                f"{order.created_at.isoformat()}#{order.id}",
            )
        )
        deletes = ["email"]
        if order.customer_id:
            summary = self._summary_item(tenant, order)
            tx.delete(CustomerOrderItem(summary.pk, summary.sk))
            deletes.append("account")
        _commit(tx, deletes=deletes, updates=["order"])

    @staticmethod
    def _summary_item(tenant: Tenant, order: Order) -> CustomerOrderItem:
        assert order.customer_id is not None
        return CustomerOrderItem(
            keys.customer_pk(tenant.platform, tenant.require_store(), order.customer_id),
            keys.customer_order_sk(order.created_at, order.id),
            order_id=order.id,
            data=OrderSummary.of(order).model_dump_json(),
        )

    @staticmethod
    def _order_item(tenant: Tenant, order: Order, token_hash: str) -> OrderItem:
        platform, store = tenant.platform, tenant.require_store()
        created = f"{order.created_at.isoformat()}#{order.id}"
        return OrderItem(
            keys.order_pk(platform, store, order.id),
            keys.ORDER_SK,
            gsi1pk=keys.orders_gsi1pk(platform, store),
            gsi1sk=created,
            gsi2pk=keys.orders_by_status_gsi2pk(platform, store, order.status.value),
            gsi2sk=created,
            id=order.id,
            status=order.status.value,
            token_hash=token_hash,
            data=order.model_dump_json(exclude={"lines", "history"}),
        )

    @staticmethod
    def _history_item(pk: str, change: StatusChange, position: int) -> OrderHistoryItem:
        return OrderHistoryItem(
            pk, keys.order_history_sk(change.at.isoformat(), position), data=change.model_dump_json()
        )


def _commit(
    tx: TransactWrite,
    *,
    checks: Sequence[str] = (),
    deletes: Sequence[str] = (),
    puts: Sequence[str] = (),
    updates: Sequence[str] = (),
) -> None:
    """Commit, naming the parts whose condition failed. PynamoDB sends a transaction's items grouped by
    kind (condition checks, deletes, puts, updates), and DynamoDB's cancellation reasons follow that
    order, so the labels are given per kind in the order each kind was added."""
    labels = [*checks, *deletes, *puts, *updates]
    try:
        tx._commit()
    except TransactWriteError as exc:
        if error_code(exc) != TRANSACTION_CANCELLED:
            raise
        reasons = exc.cancellation_reasons
        failed = [
            label
            for label, reason in zip(labels, reasons, strict=False)
            if reason is not None and reason.code == "ConditionalCheckFailed"
        ]
        raise TransactionCancelled(failed or ["conflict"]) from exc
