"""Per-tenant CloudWatch metrics: a few business counts with platform and store, each its own EMF record."""

from __future__ import annotations

import json

import pytest

from orion.observability import PLATFORM_WIDE, tenant_metric
from orion.tenant import Tenant


def emitted(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]


def test_a_tenant_metric_carries_platform_and_store(capsys: pytest.CaptureFixture[str]) -> None:
    tenant_metric("OrdersPlaced", Tenant("oms", "wizamart"))
    tenant_metric("EmailsGivenUp", Tenant("oms"))

    orders, emails = emitted(capsys)
    (dimensions,) = orders["_aws"]["CloudWatchMetrics"][0]["Dimensions"]  # type: ignore[index]
    assert dimensions == ["platform", "store"]  # exactly: one series per tenant, whichever function
    assert (orders["platform"], orders["store"], orders["OrdersPlaced"]) == ("oms", "wizamart", 1)
    assert (emails["platform"], emails["store"]) == ("oms", PLATFORM_WIDE)


def test_only_the_listed_metrics_may_multiply_by_tenant() -> None:
    with pytest.raises(ValueError, match="not a tenant metric"):
        tenant_metric("StorefrontErrors", Tenant("oms", "wizamart"))
