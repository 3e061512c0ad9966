"""Counter items: per tenant, one item per UTC day and one for running totals, updated with atomic ADD.

Layout: ``PK=<tenant prefix>#COUNTERS``, ``SK=DAY#<yyyy-mm-dd>`` or ``SK=TOTAL``; every counter is a
top-level number attribute ``m:<name>``. DynamoDB applies each ADD atomically, so concurrent writers
never lose an update; readers get a store's last 30 days and its totals in one Query (``DAY#...`` sorts
before ``TOTAL``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from botocore.exceptions import ClientError

from orion.data import keys
from orion.data.clients import aws_client
from orion.data.table import TableItem
from orion.settings import get_settings
from orion.tenancy.models import Tenant

PREFIX = "m:"
KIND = "Counter"


class CounterLimitReached(Exception):
    """A bounded ADD would have passed its maximum; nothing was written."""


@dataclass(frozen=True)
class CounterSnapshot:
    """A tenant's daily counters (by UTC day) and running totals, as read in one Query."""

    today: date
    days: Mapping[date, Mapping[str, int]] = field(default_factory=dict)
    totals: Mapping[str, int] = field(default_factory=dict)

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
            "Key": self._key(tenant, day),
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
        client = aws_client("dynamodb")
        while True:
            page = client.query(**request)
            for item in page.get("Items", []):
                sk = item["SK"]["S"]
                if sk == keys.COUNTER_TOTAL_SK:
                    totals = _numbers(item)
                elif sk.startswith(keys.COUNTER_DAY_SK_PREFIX):
                    day = date.fromisoformat(sk.removeprefix(keys.COUNTER_DAY_SK_PREFIX))
                    if day <= today:
                        by_day[day] = _numbers(item)
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return CounterSnapshot(today=today, days=by_day, totals=totals)

    @staticmethod
    def _key(tenant: Tenant, day: date | None) -> dict[str, Any]:
        sk = keys.COUNTER_TOTAL_SK if day is None else keys.counter_day_sk(day)
        return {"PK": {"S": keys.counters_pk(tenant.key_prefix)}, "SK": {"S": sk}}


class CounterItem(TableItem, discriminator=KIND):
    """Declared so PynamoDB reads that meet a counter item know its kind; writes go through
    :class:`CounterRepository` (counter names are dynamic attributes)."""


def _numbers(item: Mapping[str, Any]) -> dict[str, int]:
    return {
        name.removeprefix(PREFIX): int(value["N"])
        for name, value in item.items()
        if name.startswith(PREFIX) and "N" in value
    }
