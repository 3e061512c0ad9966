"""What can go wrong with a card payment, as the shopper or staff should hear it."""

from __future__ import annotations

from orion.errors import BadRequest, OrionError


class PaymentServiceUnreachable(OrionError):
    """Stripe did not answer (network, timeout, its own error): the order is kept; try again."""

    status = 503
    title = "Card service unreachable"
    code = "payment-service-unreachable"


class BadWebhook(BadRequest):
    """A webhook whose signature does not verify, or that is not for this store: nothing changes."""

    title = "Bad webhook"
    code = "bad-webhook"


class Unreachable(Exception):
    """Stripe did not answer, or answered with its own failure: the call may be tried again (raised by
    orion.payments.stripe_api, turned into a page or PaymentServiceUnreachable by the use cases)."""


class KeyRefused(Exception):
    """Stripe does not accept the secret key."""


class CardRefused(Exception):
    """The card was declined (or failed its check): the message says why, for the shopper."""


class RefundRefused(Exception):
    """Stripe refused a refund (the payment cannot be refunded, or not that much)."""
