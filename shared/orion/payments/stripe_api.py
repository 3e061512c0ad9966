"""The few Stripe calls Orion makes, through the official SDK, each with the store's own key.

Nothing else in Orion imports ``stripe``. ``ORION_STRIPE_API_BASE`` points the SDK elsewhere
(localstripe in tests and the local cloud)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import stripe

from orion.payments.errors import CardRefused, KeyRefused, RefundRefused, Unreachable, decline_reason
from orion.settings import get_settings


@dataclass(frozen=True)
class Intent:
    """What Orion keeps of a PaymentIntent."""

    id: str
    status: str
    client_secret: str | None
    amount: int
    currency: str
    metadata: dict[str, str]


def _client(secret_key: str) -> stripe.StripeClient:
    settings = get_settings()
    base = settings.stripe_api_base
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": base.rstrip("/")} if base else None,
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=settings.stripe_timeout_seconds),
    )


def _intent(found: Any) -> Intent:
    return Intent(
        id=str(found.id),
        status=str(found.status),
        client_secret=found.client_secret,
        amount=int(found.amount),
        currency=str(found.currency),
        metadata={str(k): str(v) for k, v in (found.metadata.to_dict() if found.metadata else {}).items()},
    )


def check_key(secret_key: str) -> None:
    """A test call with the key (the account's balance): KeyRefused or Unreachable when it fails."""
    try:
        _client(secret_key).v1.balance.retrieve()
    except (stripe.AuthenticationError, stripe.PermissionError) as exc:
        raise KeyRefused(str(exc)) from exc
    except stripe.StripeError as exc:
        raise Unreachable(str(exc)) from exc


def create_intent(
    secret_key: str, *, amount: int, currency: str, idempotency_key: str, metadata: dict[str, str]
) -> Intent:
    """A PaymentIntent for ``amount`` minor units; the same ``idempotency_key`` gives the same one."""
    try:
        created = _client(secret_key).v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": currency.lower(),
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise Unreachable(str(exc)) from exc
    return _intent(created)


def retrieve_intent(secret_key: str, intent_id: str) -> Intent:
    try:
        return _intent(_client(secret_key).v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as exc:
        raise Unreachable(str(exc)) from exc


def confirm_with_card(secret_key: str, intent_id: str, card_token: str) -> Intent:
    """Pay the PaymentIntent with the card stripe.js turned into ``card_token`` (the browser sends only
    the token, never the card): attach it and confirm on the server. The intent comes back
    ``succeeded`` or ``processing`` (the webhook makes the order paid) or ``requires_action`` (3-D
    Secure: the page completes it with stripe.js). CardRefused for a declined card; Unreachable when
    Stripe does not answer."""
    client = _client(secret_key)
    try:
        method = _payment_method(client, card_token)
        client.v1.payment_intents.update(intent_id, params={"payment_method": method})
        return _intent(client.v1.payment_intents.confirm(intent_id))
    except (stripe.CardError, stripe.InvalidRequestError) as exc:
        raise CardRefused(decline_reason(exc.code, getattr(exc.error, "decline_code", None))) from exc
    except stripe.StripeError as exc:
        raise Unreachable(str(exc)) from exc


def _payment_method(client: stripe.StripeClient, card_token: str) -> str:
    """A PaymentMethod made from the card token. Stripe makes one (``card[token]``); a server that
    cannot (localstripe, in tests and the local cloud) takes the token's card itself, which
    PaymentIntents accept as a payment method too."""
    try:
        made = client.v1.payment_methods.create(params={"type": "card", "card": {"token": card_token}})
        return str(made.id)
    except stripe.InvalidRequestError:
        token = client.v1.tokens.retrieve(card_token)
        return str(token.card.id) if token.card else card_token


def verified_event(payload: bytes, signature: str, webhook_secret: str) -> dict[str, Any]:
    """The webhook's event if ``signature`` (the Stripe-Signature header) signs ``payload`` with the
    store's webhook secret (within Stripe's default tolerance); ValueError otherwise."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, webhook_secret)
    except stripe.SignatureVerificationError as exc:
        raise ValueError("bad signature") from exc
    found: dict[str, Any] = event.to_dict()
    return found


def cancel_intent(secret_key: str, intent_id: str) -> bool:
    """Cancel a PaymentIntent so it can no longer be paid: True when it is cancelled now (or was);
    False when it succeeded or is processing (the webhook moves the order). Unreachable otherwise."""
    client = _client(secret_key)
    try:
        current = _intent(client.v1.payment_intents.retrieve(intent_id))
        if current.status in ("succeeded", "processing"):
            return False
        if current.status != "canceled":
            client.v1.payment_intents.cancel(intent_id)
    except stripe.InvalidRequestError:
        # Stripe refuses to cancel an intent that moved on meanwhile: read it again.
        try:
            return _intent(client.v1.payment_intents.retrieve(intent_id)).status == "canceled"
        except stripe.StripeError as exc:
            raise Unreachable(str(exc)) from exc
    except stripe.StripeError as exc:
        raise Unreachable(str(exc)) from exc
    return True


def create_refund(
    secret_key: str, *, payment_intent: str, amount: int, idempotency_key: str, metadata: dict[str, str]
) -> str:
    """Refund ``amount`` minor units of the PaymentIntent's charge; the refund's id. The same
    ``idempotency_key`` gives the same refund. RefundRefused when Stripe refuses it (e.g. more than
    the charge has left), Unreachable when it did not answer."""
    try:
        created = _client(secret_key).v1.refunds.create(
            params={"payment_intent": payment_intent, "amount": amount, "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.InvalidRequestError as exc:
        raise RefundRefused(str(exc.user_message or exc)) from exc
    except stripe.StripeError as exc:
        raise Unreachable(str(exc)) from exc
    return str(created.id)
