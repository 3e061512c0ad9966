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
