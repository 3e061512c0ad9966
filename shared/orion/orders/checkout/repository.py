"""The table layout of carts: one item per cart (lines inside), expiring through the table's TTL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pynamodb.attributes import UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError

from orion.data import keys
from orion.data.conditions import condition_failed
from orion.data.table import TableItem, get_or_none
from orion.orders.checkout.models import CART_LIFETIME, Cart, CartLine
from orion.orders.errors import CartChanged
from orion.tenant import Tenant


class CartItem(TableItem, discriminator="Cart"):
    lines = UnicodeAttribute()  # JSON list of CartLine
    updated_at = UnicodeAttribute()
    version = VersionAttribute()  # two tabs adding at once: the second retries instead of overwriting


class CartRepository:
    def get(self, tenant: Tenant, cart_id: str) -> tuple[Cart, int | None] | None:
        """The cart and its version: one GetItem."""
        platform, store = tenant.platform, tenant.require_store()
        item = get_or_none(
            CartItem, keys.cart_pk(platform, store, cart_id), keys.CART_SK, consistent_read=True
        )
        if item is None:
            return None
        lines = tuple(CartLine.model_validate(line) for line in json.loads(item.lines))
        cart = Cart(id=cart_id, lines=lines, updated_at=datetime.fromisoformat(item.updated_at))
        return cart, item.version

    def save(self, tenant: Tenant, cart: Cart, version: int | None) -> None:
        """Write the cart if nobody else changed it since ``version`` was read (None: a new cart)."""
        platform, store = tenant.platform, tenant.require_store()
        item = CartItem(
            keys.cart_pk(platform, store, cart.id),
            keys.CART_SK,
            lines=json.dumps([line.model_dump() for line in cart.lines]),
            updated_at=cart.updated_at.isoformat(),
            ttl=datetime.now(UTC) + CART_LIFETIME,
        )
        if version is not None:
            item.version = version
        try:
            item.save()
        except PutError as exc:
            if condition_failed(exc):
                raise CartChanged from exc
            raise
