"""Shopify's webhooks to a store: verified with the integration's webhook secret (base64 HMAC-SHA256 of
the raw body, compared in constant time), the integration found by the shop's domain among the store's
own, each delivery acted on once, and ``products/update`` handed to two-way sync as a RemoteChange.

Nothing changes for a webhook that is not signed for this store (UnsignedWebhook, 401) or that cannot be
read (BadWebhook, 400); other topics, and integrations that are paused or not syncing, are acknowledged
and ignored (Shopify retries anything that is not a 2xx)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from orion import runtime
from orion.channels import service, sync
from orion.channels.errors import BadWebhook, UnsignedWebhook
from orion.channels.models import ChannelPlatform
from orion.channels.repository import ChannelCredentials, ChannelWebhooks
from orion.channels.shopify import webhook_product_change
from orion.observability import logger
from orion.tenant import Tenant

PRODUCTS_UPDATE = "products/update"
_WEBHOOK_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
NOT_SIGNED = "This webhook is not signed for this store."


@dataclass(frozen=True)
class ShopifyDelivery:
    """One webhook delivery as Shopify sends it: its ``X-Shopify-*`` headers and the raw body."""

    topic: str | None
    shop_domain: str | None
    webhook_id: str | None
    signature: str | None  # X-Shopify-Hmac-Sha256
    body: bytes


def signature_of(secret: str, body: bytes) -> str:
    """What Shopify puts in ``X-Shopify-Hmac-Sha256``: base64 of the HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def handle_shopify_webhook(tenant: Tenant, delivery: ShopifyDelivery) -> str:
    """Act on one delivery to the store ``tenant``; what was done (``applied``, ``duplicate``,
    ``ignored``, ``sync off``)."""
    domain = (delivery.shop_domain or "").strip().lower()
    integration = next(
        (
            i
            for i in service.list_integrations(tenant)  # one Query of the store's integrations
            if i.platform is ChannelPlatform.SHOPIFY and domain and i.config.shop_domain == domain
        ),
        None,
    )
    if integration is None or not delivery.signature:
        raise UnsignedWebhook(NOT_SIGNED)
    secret = (runtime.repository(ChannelCredentials).get(tenant, integration.id) or {}).get("webhook_secret")
    if not secret or not hmac.compare_digest(
        signature_of(secret, delivery.body).encode(), delivery.signature.strip().encode()
    ):
        raise UnsignedWebhook(NOT_SIGNED)
    if delivery.topic != PRODUCTS_UPDATE:
        return "ignored"
    if not integration.is_active or not integration.sync_enabled:
        return "sync off"
    webhook_id = (delivery.webhook_id or "").strip()
    if not _WEBHOOK_ID.fullmatch(webhook_id):
        raise BadWebhook("The webhook has no delivery id (X-Shopify-Webhook-Id).")
    try:
        payload = json.loads(delivery.body)
        if not isinstance(payload, dict):
            raise ValueError("not an object")
        change = webhook_product_change(payload)
    except ValueError as exc:
        raise BadWebhook("The webhook's body is not a Shopify product.") from exc
    deliveries = runtime.repository(ChannelWebhooks)
    if not deliveries.claim(tenant, integration.id, webhook_id, PRODUCTS_UPDATE):
        return "duplicate"
    try:
        sync.apply_remote_changes(tenant, integration.id, [change])
    except BaseException:
        deliveries.release(tenant, integration.id, webhook_id)  # Shopify's retry is acted on
        raise
    logger.info(
        "shopify product update applied",
        extra={"integration": integration.id, "remote_id": change.remote_id, "fields": sorted(change.fields)},
    )
    return "applied"
