"""Powertools Logger, Tracer and Metrics, created once and imported by every handler and feature, and
the per-tenant CloudWatch metrics (orders, imports, e-mail)."""

from __future__ import annotations

import json
import time

from aws_lambda_powertools import Logger, Metrics, Tracer

from orion.tenant import Tenant

# The service name comes from POWERTOOLS_SERVICE_NAME, which the wiring table sets per function.
logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="Orion")  # NAMESPACE

NAMESPACE = "Orion"
TENANT_DIMENSIONS = ("platform", "store")
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
    """Emit ``name`` (one of TENANT_METRICS) at once as an EMF record of its own with exactly the
    dimensions platform and store: written by hand rather than with Powertools' single_metric, which
    adds the function's service dimension, so a count (e-mails given up by the scheduled task, sent by
    the outbox sender) is one series per tenant whichever function emits it."""
    if name not in TENANT_METRICS:
        raise ValueError(f"{name} is not a tenant metric")
    record = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [list(TENANT_DIMENSIONS)],
                    "Metrics": [{"Name": name, "Unit": "Count"}],
                }
            ],
        },
        "platform": tenant.platform,
        "store": tenant.store or PLATFORM_WIDE,
        name: value,
    }
    print(json.dumps(record, separators=(",", ":")), flush=True)
