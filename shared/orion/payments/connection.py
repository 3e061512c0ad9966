"""A store's own Stripe account: its keys in Secrets Manager (one secret per store, write-only: staff
see them masked), checked with a test call when saved."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field

from orion.data.clients import aws_client
from orion.errors import FieldError, Invalid
from orion.payments import stripe_api
from orion.payments.errors import KeyRefused, PaymentServiceUnreachable, Unreachable
from orion.settings import get_settings
from orion.tenant import Tenant

SECRET_KEY = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9]{1,200}$")
WEBHOOK_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/=]{1,200}$")
PUBLISHABLE_KEY = re.compile(r"^pk_(test|live)_[A-Za-z0-9]{1,200}$")


class StripeKeys(BaseModel):
    """What staff enter to connect their Stripe account."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    secret_key: str = Field(min_length=8, max_length=255)
    webhook_secret: str = Field(min_length=8, max_length=255)
    # Not needed with localstripe; Stripe's Payment Element needs it in the shopper's browser.
    publishable_key: str = Field(default="", max_length=255)


@dataclass(frozen=True)
class StripeConnection:
    """A store's connection as staff see it: never the keys themselves."""

    connected: bool
    secret_key: str | None = None
    webhook_secret: str | None = None
    publishable_key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "connected": self.connected,
            "secret_key": self.secret_key,
            "webhook_secret": self.webhook_secret,
            "publishable_key": self.publishable_key,
        }


def secret_name(tenant: Tenant) -> str:
    """``<prefix>/<platform>/<store>/stripe``: one secret per store, under the prefix the functions that
    use it may read (see infra/wiring.py, store_secrets)."""
    prefix = get_settings().store_secrets_prefix.rstrip("/")
    return f"{prefix}/{tenant.platform}/{tenant.require_store()}/stripe"


def mask(value: str) -> str:
    """``sk_test_…1234``: the kind of key and its last four characters."""
    kind = value.rsplit("_", 1)[0] + "_" if "_" in value else ""
    return f"{kind}…{value[-4:]}" if len(value) > 8 else f"{kind}…"


def stripe_keys(tenant: Tenant) -> StripeKeys | None:
    """The store's Stripe keys, or None when it has not connected Stripe."""
    try:
        found = aws_client("secretsmanager").get_secret_value(SecretId=secret_name(tenant))
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("ResourceNotFoundException", "InvalidRequestException"):
            return None
        raise
    return StripeKeys.model_validate(json.loads(found["SecretString"]))


def get_connection(tenant: Tenant) -> StripeConnection:
    keys = stripe_keys(tenant)
    if keys is None:
        return StripeConnection(connected=False)
    return StripeConnection(
        connected=True,
        secret_key=mask(keys.secret_key),
        webhook_secret=mask(keys.webhook_secret),
        publishable_key=keys.publishable_key or None,
    )


def connect(tenant: Tenant, keys: StripeKeys) -> StripeConnection:
    """Check the keys' shape, then the secret key with a test call to Stripe (a key Stripe refuses is
    Invalid on ``secret_key``; Stripe unreachable is PaymentServiceUnreachable), then keep them."""
    problems = []
    if not SECRET_KEY.fullmatch(keys.secret_key):
        problems.append(FieldError("secret_key", "must be a Stripe secret key (sk_test_… or sk_live_…)"))
    if not WEBHOOK_SECRET.fullmatch(keys.webhook_secret):
        problems.append(FieldError("webhook_secret", "must be a webhook signing secret (whsec_…)"))
    if keys.publishable_key and not PUBLISHABLE_KEY.fullmatch(keys.publishable_key):
        problems.append(FieldError("publishable_key", "must be a publishable key (pk_test_… or pk_live_…)"))
    if problems:
        raise Invalid("Check the Stripe keys.", errors=problems)
    try:
        stripe_api.check_key(keys.secret_key)
    except KeyRefused as exc:
        raise Invalid(
            "Stripe refused this secret key.",
            errors=[FieldError("secret_key", "Stripe refused this key; copy it again from Stripe")],
        ) from exc
    except Unreachable as exc:
        raise PaymentServiceUnreachable("Stripe could not be reached; try again in a moment.") from exc
    client, name, value = aws_client("secretsmanager"), secret_name(tenant), keys.model_dump_json()
    try:
        client.put_secret_value(SecretId=name, SecretString=value)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        client.create_secret(
            Name=name, SecretString=value, Description=f"Stripe keys of store {tenant.require_store()}"
        )
    return get_connection(tenant)


def disconnect(tenant: Tenant) -> None:
    """Forget the store's Stripe keys (at once: the store may connect again right away)."""
    try:
        aws_client("secretsmanager").delete_secret(
            SecretId=secret_name(tenant), ForceDeleteWithoutRecovery=True
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
