"""Powertools Logger, Tracer and Metrics, created once and imported by every handler and feature, and
the per-tenant CloudWatch metrics (orders, imports, e-mail)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from orion.tenant import Tenant

# The service name comes from POWERTOOLS_SERVICE_NAME, which the wiring table sets per function.
logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="Orion")  # NAMESPACE

NAMESPACE = "Orion"
# A store-level series counts under this store value when the tenant is a whole platform.
PLATFORM_WIDE = "-"
# The metrics that carry tenant dimensions, and only these (docs/operations.md, Alarms and dashboards):
# each platform/store pair is a custom metric of its own, billed monthly, so tenant dimensions go on a
# few business counts and never on the shared Metrics object, whose every metric would multiply.
TENANT_METRICS = frozenset(
    {
        "OrdersPlaced",
        "ImportsCompleted",
        "ImportsCompletedWithErrors",
        "ImportsFailed",
        "EmailsSent",
        "EmailsFailed",
        "EmailsGivenUp",
    }
)


def tenant_metric(name: str, tenant: Tenant, value: float = 1) -> None:
    """Emit ``name`` (one of TENANT_METRICS) at once as its own EMF record with the dimensions platform
    and store, apart from the invocation's metrics (which keep their single service dimension)."""
    if name not in TENANT_METRICS:
        raise ValueError(f"{name} is not a tenant metric")
    with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE) as metric:
        metric.add_dimension(name="platform", value=tenant.platform)
        metric.add_dimension(name="store", value=tenant.store or PLATFORM_WIDE)
