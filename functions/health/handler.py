"""Health Lambda: ``GET /health`` (liveness) and ``GET /health/ready`` (table and buckets reachable)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.edge import http_entry, resolve_head_as_get
from orion.health.service import liveness, readiness
from orion.observability import logger, metrics, tracer

app = APIGatewayHttpResolver()
NO_STORE = {"Cache-Control": "no-store"}


@app.get("/health")
def live() -> Response[dict[str, str]]:
    return Response(200, content_types.APPLICATION_JSON, liveness(), headers=NO_STORE)


@app.get("/health/ready")
@tracer.capture_method
def ready() -> Response[dict[str, Any]]:
    report = readiness()
    if not report.ready:
        logger.warning("not ready", extra={"checks": report.model_dump()["checks"]})
        metrics.add_metric(name="ReadinessFailures", unit="Count", value=1)
    return Response(
        200 if report.ready else 503, content_types.APPLICATION_JSON, report.model_dump(), headers=NO_STORE
    )


@http_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve_head_as_get(event, lambda routed: app.resolve(routed, context))
