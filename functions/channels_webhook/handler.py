"""Channels webhook Lambda: Shopify's ``POST /channels/shopify/webhook`` on a store's host.

Thin: it resolves the store from the host (as the checkout does), hands the ``X-Shopify-*`` headers and
the raw body to orion.channels.webhooks, and answers JSON: 200 ``{"received": true, "outcome": ...}``,
problem+json for a refused delivery (401 not signed for this store, 400 unreadable; nothing changed).
Shopify retries anything that is not a 2xx, so a fault of ours is a 503 (retried), never a 500."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.edge import PROBLEM_JSON, http_entry, problem_result
from functions.common.shopper import handle_shopper_request
from orion.channels.errors import BadWebhook
from orion.channels.webhooks import ShopifyDelivery, handle_shopify_webhook
from orion.errors import NotFound, OrionError, problem_details
from orion.observability import logger, metrics, tracer
from orion.tenancy.models import HostKind, ResolvedTenant

app = APIGatewayHttpResolver()
NO_STORE = {"Cache-Control": "no-store"}
# Shopify's product payloads grow with variants and images; far above any real one, far below Lambda's.
MAX_WEBHOOK_BYTES = 2 * 1024 * 1024


class TryAgain(OrionError):
    """A fault of ours while acting on a delivery: 503, so Shopify delivers it again."""

    status = 503
    title = "Try again"
    code = "try-again"


def problem(error: OrionError) -> Response[str]:
    body = problem_details(error, app.current_event.path)
    return Response(error.status, PROBLEM_JSON, json.dumps(body), headers=NO_STORE)


def raw_body() -> bytes:
    """The body exactly as Shopify signed it (API Gateway hands binary bodies over in base64)."""
    event = app.current_event.raw_event
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadWebhook("The webhook's body is not valid base64.") from None
    return str(body).encode()


@app.post("/channels/shopify/webhook")
@tracer.capture_method
def shopify_webhook() -> Response[str]:
    resolved: ResolvedTenant = app.context["tenant"]
    if resolved.host_kind is not HostKind.STORE:
        raise NotFound()
    body = raw_body()
    if len(body) > MAX_WEBHOOK_BYTES:
        raise BadWebhook("The webhook is too large.")
    headers = app.current_event.headers  # case-insensitive
    delivery = ShopifyDelivery(
        topic=headers.get("x-shopify-topic"),
        shop_domain=headers.get("x-shopify-shop-domain"),
        webhook_id=headers.get("x-shopify-webhook-id"),
        signature=headers.get("x-shopify-hmac-sha256"),
        body=body,
    )
    outcome = handle_shopify_webhook(resolved.tenant, delivery)
    metrics.add_metric(name="ChannelWebhooks", unit="Count", value=1)
    logger.info("shopify webhook", extra={"outcome": outcome, "store": resolved.tenant.store})
    return Response(
        200, "application/json", json.dumps({"received": True, "outcome": outcome}), headers=NO_STORE
    )


@app.not_found
def not_found(_: Exception) -> Response[str]:
    return problem(NotFound())


@app.exception_handler(OrionError)
def orion_error(error: OrionError) -> Response[str]:
    if error.status >= 500:
        logger.warning("channels webhook failed", extra={"reason": str(error)})
        return problem(TryAgain("Something went wrong; Shopify will retry."))
    return problem(error)


@app.exception_handler(Exception)
def unexpected_error(error: Exception) -> Response[str]:
    logger.exception("unexpected channels webhook error")
    return problem(TryAgain("Something went wrong; Shopify will retry."))


@http_entry(refuse=problem_result)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_shopper_request(app, event, context)
