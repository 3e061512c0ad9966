"""Payments webhook Lambda: Stripe's ``POST /payments/stripe/webhook`` on a store's host.

Thin: it resolves the store from the host (as the checkout does), hands the raw body and the
``Stripe-Signature`` header to orion.payments, and answers JSON (problem+json for a refused event: 400
with nothing changed). Stripe retries anything that is not 2xx, so only a real fault is a 5xx."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.edge import PROBLEM_JSON, http_entry, problem_result
from functions.common.shopper import handle_shopper_request
from orion.errors import NotFound, OrionError, problem_details
from orion.observability import logger, metrics, tracer
from orion.payments.service import handle_stripe_webhook
from orion.tenancy.models import HostKind, ResolvedTenant

app = APIGatewayHttpResolver()
NO_STORE = {"Cache-Control": "no-store"}
MAX_WEBHOOK_BYTES = 256 * 1024


def problem(error: OrionError) -> Response[str]:
    body = problem_details(error, app.current_event.path)
    return Response(error.status, PROBLEM_JSON, json.dumps(body), headers=NO_STORE)


@app.post("/payments/stripe/webhook")
@tracer.capture_method
def stripe_webhook() -> Response[str]:
    resolved: ResolvedTenant = app.context["tenant"]
    if resolved.host_kind is not HostKind.STORE:
        raise NotFound()
    body = app.current_event.decoded_body or ""
    if len(body) > MAX_WEBHOOK_BYTES:
        return problem(OrionError("The webhook is too large."))
    signature = app.current_event.headers.get("stripe-signature")
    outcome = handle_stripe_webhook(resolved.tenant, body.encode(), signature)
    metrics.add_metric(name="PaymentWebhooks", unit="Count", value=1)
    logger.info("stripe webhook", extra={"outcome": outcome, "store": resolved.tenant.store})
    return Response(
        200, "application/json", json.dumps({"received": True, "outcome": outcome}), headers=NO_STORE
    )


@app.not_found
def not_found(_: Exception) -> Response[str]:
    return problem(NotFound())


@app.exception_handler(OrionError)
def orion_error(error: OrionError) -> Response[str]:
    return problem(error)


@app.exception_handler(Exception)
def unexpected_error(error: Exception) -> Response[str]:
    logger.exception("unexpected payments webhook error")
    return problem(OrionError("Something went wrong; Stripe will retry."))


@http_entry(refuse=problem_result)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_shopper_request(app, event, context)
