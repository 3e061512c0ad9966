"""Stock changes as conditional writes on a variant's item: the update a change makes, the condition it
holds under (the band of orion.catalog.stock.rules), and the store's counter moves it causes."""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from orion.catalog.items import VariantItem
from orion.catalog.models import MAX_STOCK
from orion.catalog.stock.rules import StockLevel, StockState, band, counter_deltas, state_of
from orion.data import keys
from orion.errors import Conflict
from orion.tenant import Tenant


@dataclass(frozen=True)
class StockMove:
    """One variant's stock change as a conditional update, and the counter moves it causes."""

    item: VariantItem
    actions: list[Action]
    condition: Condition
    deltas: dict[str, int]


def plan_stock_change(
    tenant: Tenant, level: StockLevel, delta: int, *, exact: bool = False, threshold: int | None = None
) -> StockMove:
    """The update that adds ``delta`` to a variant read as ``level`` (and, with ``threshold``, counts it
    under a new threshold). It holds only while the variant is in the same state, under the same
    threshold, with its stock in the band where the change ends in the same state (``exact``: at the
    very stock read); else DynamoDB refuses it and the caller reads again. A change that would take the
    stock past MAX_STOCK (a restock or a cancelled order's return) is refused at once, saying why."""
    if level.stock + delta > MAX_STOCK:
        raise Conflict.worded(
            "The stock of {sku} cannot exceed {n}; lower it first.",
            sku=level.sku,
            n=f"{MAX_STOCK:,}",
            extra={"sku": level.sku},
        )
    platform, store = tenant.platform, tenant.require_store()
    item = VariantItem(keys.product_pk(platform, store, level.product_id), keys.variant_sk(level.sku))
    actions: list[Action] = [VariantItem.stock.add(delta)] if delta else []
    condition: Condition = VariantItem.pk.exists() & state_is(level)
    if delta > 0 and not exact:  # concurrent restocks must not pass the ceiling together
        condition &= VariantItem.stock <= MAX_STOCK - delta
    if not level.counted or level.threshold is None:
        if exact:
            condition &= VariantItem.stock == level.stock
        elif delta < 0:
            condition &= VariantItem.stock >= -delta
        return StockMove(item, actions, condition, {})
    new_threshold = level.threshold if threshold is None else threshold
    after = state_of(level.stock + delta, new_threshold)
    condition &= VariantItem.low_at == level.threshold
    if exact:
        condition &= VariantItem.stock == level.stock
    else:
        levels = band(level.stock, delta, level.threshold, new_threshold)
        if levels.high is None:
            condition &= VariantItem.stock >= levels.low
        else:
            condition &= VariantItem.stock.between(levels.low, levels.high)
    if after is not level.state:
        actions.append(VariantItem.stock_state.set(after.value))
        if after.is_low:
            gsi1pk, gsi1sk = low_stock_keys(tenant, level.sku, after)
            actions += [VariantItem.gsi1pk.set(gsi1pk), VariantItem.gsi1sk.set(gsi1sk)]
        elif level.state is not None and level.state.is_low:
            actions += [VariantItem.gsi1pk.remove(), VariantItem.gsi1sk.remove()]
    if new_threshold != level.threshold:
        actions.append(VariantItem.low_at.set(new_threshold))
    return StockMove(item, actions, condition, counter_deltas(level.state, after))


def low_stock_keys(tenant: Tenant, sku: str, state: StockState) -> tuple[str, str]:
    """A low or out-of-stock variant's keys in the store's low-stock index: out of stock first."""
    rank = "0" if state is StockState.OUT else "1"
    return keys.low_stock_gsi1pk(tenant.platform, tenant.require_store()), f"{rank}#{sku}"


def state_is(level: StockLevel) -> Condition:
    """The variant is still in the stock state it was read in."""
    if level.state is None:
        return VariantItem.stock_state.does_not_exist()
    return VariantItem.stock_state == level.state.value
