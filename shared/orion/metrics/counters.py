"""Counter items: per tenant, one item per UTC day and one for running totals, updated with atomic ADD.

Layout: ``PK=<tenant prefix>#COUNTERS``, ``SK=DAY#<yyyy-mm-dd>`` or ``SK=TOTAL``; every counter is a
top-level number attribute ``m:<name>``. DynamoDB applies each ADD atomically, so concurrent writers
never lose an update; readers get a store's last 30 days and its totals in one Query (``DAY#...`` sorts
before ``TOTAL``).

A module whose counters must move inside its own transactions (low stock moves with the stock change
that crosses the threshold) keeps them in a group item, ``SK=<GROUP>`` (e.g. ``STOCK``), which sorts
between the days and ``TOTAL``: the same Query reads it, and those transactions never contend with
the shared totals item. A group item may also hold settings that define its counters (plain number
attributes, e.g. ``low_stock_threshold``); a transaction that counts under a setting checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path, Value
from pynamodb.transactions import TransactWrite

from orion.data import keys
from orion.data.clients import aws_client
from orion.data.table import TableItem
from orion.metrics.errors import CounterLimitReached
from orion.settings import get_settings
from orion.tenant import Tenant

PREFIX = "m:"
KIND = "Counter"


@dataclass(frozen=True)
class CounterSnapshot:
    """A tenant's daily counters (by UTC day) and running totals, as read in one Query."""

    today: date
    days: Mapping[date, Mapping[str, int]] = field(default_factory=dict)
    totals: Mapping[str, int] = field(default_factory=dict)
    # Settings kept on group items next to the counters they define (``low_stock_threshold``).
    settings: Mapping[str, int] = field(default_factory=dict)

    def total(self, name: str) -> int:
        return self.totals.get(name, 0)

    def over(self, name: str, days: int) -> int:
        """The sum of a daily counter over the last ``days`` days, today included."""
        first = self.today - timedelta(days=days - 1)
        return sum(values.get(name, 0) for day, values in self.days.items() if first <= day <= self.today)

    def names(self, prefix: str) -> set[str]:
        """Every daily counter name starting with ``prefix`` (e.g. ``revenue.`` for each currency)."""
        return {name for values in self.days.values() for name in values if name.startswith(prefix)}


class CounterRepository:
    """The only place that knows the counter items' layout; low-level UpdateItem for dynamic names."""

    def add(
        self,
        tenant: Tenant,
        deltas: Mapping[str, int],
        *,
        day: date | None = None,
        at_most: int | None = None,
        group: str | None = None,
    ) -> dict[str, int]:
        """ADD ``deltas`` to the day's item (or the totals item when ``day`` is None); the new values.

        With ``at_most`` (one counter only), the ADD happens only if the result stays within it:
        a quota check and the increment in one atomic request.
        """
        if not deltas:
            return {}
        names = {f"#n{i}": PREFIX + name for i, name in enumerate(deltas)}
        values: dict[str, Any] = {f":v{i}": {"N": str(int(v))} for i, v in enumerate(deltas.values())}
        values[":kind"] = {"S": KIND}
        request: dict[str, Any] = {
            "TableName": get_settings().table_name,
            "Key": self._key(tenant, day, group),
            "UpdateExpression": "SET #kind = :kind ADD "
            + ", ".join(f"#n{i} :v{i}" for i in range(len(deltas))),
            "ExpressionAttributeNames": {**names, "#kind": "kind"},
            "ExpressionAttributeValues": values,
            "ReturnValues": "UPDATED_NEW",
        }
        if at_most is not None:
            if len(deltas) != 1:
                raise ValueError("a bounded add takes exactly one counter")
            (delta,) = deltas.values()
            request["ConditionExpression"] = "attribute_not_exists(#n0) OR #n0 <= :room"
            request["ExpressionAttributeValues"][":room"] = {"N": str(at_most - int(delta))}
            if int(delta) > at_most:
                raise CounterLimitReached()
        try:
            answer = aws_client("dynamodb").update_item(**request)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise CounterLimitReached() from exc
            raise
        return _numbers(answer.get("Attributes", {}))

    def read(self, tenant: Tenant, today: date, days: int = 30) -> CounterSnapshot:
        """The last ``days`` daily items and the totals item: one Query."""
        first = today - timedelta(days=days - 1)
        pk = keys.counters_pk(tenant.key_prefix)
        request: dict[str, Any] = {
            "TableName": get_settings().table_name,
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :first AND :total",
            "ExpressionAttributeValues": {
                ":pk": {"S": pk},
                ":first": {"S": keys.counter_day_sk(first)},
                ":total": {"S": keys.COUNTER_TOTAL_SK},
            },
        }
        by_day: dict[date, dict[str, int]] = {}
        totals: dict[str, int] = {}
        settings: dict[str, int] = {}
        client = aws_client("dynamodb")
        while True:
            page = client.query(**request)
            for item in page.get("Items", []):
                sk = item["SK"]["S"]
                if sk.startswith(keys.COUNTER_DAY_SK_PREFIX):
                    day = date.fromisoformat(sk.removeprefix(keys.COUNTER_DAY_SK_PREFIX))
                    if day <= today:
                        by_day[day] = _numbers(item)
                else:  # TOTAL or a module's group item: running totals, and the group's settings
                    totals.update(_numbers(item))
                    settings.update(_settings(item))
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return CounterSnapshot(today=today, days=by_day, totals=totals, settings=settings)

    def read_today_many(self, tenants: list[Tenant], today: date) -> dict[Tenant, CounterSnapshot]:
        """Today's item and the totals item of each tenant: one BatchGetItem per 50 tenants (no
        module group items; enough for usage against allowances)."""
        found: dict[Tenant, CounterSnapshot] = {}
        client = aws_client("dynamodb")
        table = get_settings().table_name
        by_pk = {keys.counters_pk(t.key_prefix): t for t in tenants}
        items: dict[str, list[Mapping[str, Any]]] = {pk: [] for pk in by_pk}
        pks = list(by_pk)
        for start in range(0, len(pks), 50):
            wanted: list[dict[str, Any]] = [
                {"PK": {"S": pk}, "SK": {"S": sk}}
                for pk in pks[start : start + 50]
                for sk in (keys.counter_day_sk(today), keys.COUNTER_TOTAL_SK)
            ]
            while wanted:
                answer = client.batch_get_item(RequestItems={table: {"Keys": wanted}})
                for item in answer.get("Responses", {}).get(table, []):
                    items[item["PK"]["S"]].append(item)
                wanted = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        for pk, tenant in by_pk.items():
            days: dict[date, dict[str, int]] = {}
            totals: dict[str, int] = {}
            for item in items[pk]:
                if item["SK"]["S"] == keys.COUNTER_TOTAL_SK:
                    totals = _numbers(item)
                else:
                    days[today] = _numbers(item)
            found[tenant] = CounterSnapshot(today=today, days=days, totals=totals)
        return found

    def read_setting(self, tenant: Tenant, group: str, name: str) -> int | None:
        """A setting kept on a group item (consistent GetItem); None while it was never set."""
        answer = aws_client("dynamodb").get_item(
            TableName=get_settings().table_name,
            Key=self._key(tenant, None, group),
            ConsistentRead=True,
            ProjectionExpression="#s",
            ExpressionAttributeNames={"#s": name},
        )
        value = answer.get("Item", {}).get(name, {})
        return int(value["N"]) if "N" in value else None

    def set_setting(self, tenant: Tenant, group: str, name: str, value: int) -> None:
        aws_client("dynamodb").update_item(
            TableName=get_settings().table_name,
            Key=self._key(tenant, None, group),
            UpdateExpression="SET #kind = :kind, #s = :v",
            ExpressionAttributeNames={"#kind": "kind", "#s": name},
            ExpressionAttributeValues={":kind": {"S": KIND}, ":v": {"N": str(int(value))}},
        )

    @staticmethod
    def add_in_transaction(
        tx: TransactWrite,
        tenant: Tenant,
        group: str,
        deltas: Mapping[str, int],
        *,
        setting: tuple[str, int | None] | None = None,
    ) -> None:
        """ADD ``deltas`` to a group item as part of ``tx`` (the write that causes them), so they move
        exactly when it commits. With ``setting=(name, value)`` the transaction holds only if the
        setting is still ``value`` (None: never set), e.g. counts made under a threshold."""
        actions: list[Any] = [CounterItem.kind.set(CounterItem)]
        actions += [Path([PREFIX + name]).add(Value({"N": str(int(v))})) for name, v in deltas.items()]
        condition: Condition | None = None
        if setting is not None:
            name, value = setting
            path = Path([name])
            condition = path.does_not_exist() if value is None else path == Value({"N": str(int(value))})
        item = CounterItem(keys.counters_pk(tenant.key_prefix), keys.counter_group_sk(group))
        tx.update(item, actions=actions, condition=condition)

    @staticmethod
    def _key(tenant: Tenant, day: date | None, group: str | None = None) -> dict[str, Any]:
        if group is not None:
            sk = keys.counter_group_sk(group)
        else:
            sk = keys.COUNTER_TOTAL_SK if day is None else keys.counter_day_sk(day)
        return {"PK": {"S": keys.counters_pk(tenant.key_prefix)}, "SK": {"S": sk}}


class CounterItem(TableItem, discriminator=KIND):
    """Declared so PynamoDB reads that meet a counter item know its kind; writes go through
    :class:`CounterRepository` (counter names are dynamic attributes)."""


def _settings(item: Mapping[str, Any]) -> dict[str, int]:
    return {
        name: int(value["N"])
        for name, value in item.items()
        if not name.startswith(PREFIX) and isinstance(value, Mapping) and "N" in value
    }


def _numbers(item: Mapping[str, Any]) -> dict[str, int]:
    return {
        name.removeprefix(PREFIX): int(value["N"])
        for name, value in item.items()
        if name.startswith(PREFIX) and "N" in value
    }
