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
    """The card was declined (or failed its check): the message says why, for the shopper (one of
    DECLINE_REASONS, so every shop language has it)."""


# Why a card was refused, in Orion's own words (translated in the shop's message catalogues) rather
# than Stripe's English: by Stripe's ``decline_code``, else its error ``code``. Lost or stolen cards read
# as a plain decline, as card networks ask merchants to say.
CARD_DECLINED = "Your card was declined."
DECLINE_REASONS = {
    "insufficient_funds": "Your card has insufficient funds.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "invalid_cvc": "Your card's security code is incorrect.",
    "incorrect_number": "Your card number is incorrect.",
    "invalid_number": "Your card number is incorrect.",
    "invalid_expiry_month": "Your card's expiry date is incorrect.",
    "invalid_expiry_year": "Your card's expiry date is incorrect.",
    "processing_error": "Your card could not be processed; try again in a moment.",
    "authentication_required": "Your bank asked to confirm this payment; try again and complete the check.",
    "payment_intent_authentication_failure": "Your bank's check was not completed.",
}


def decline_reason(code: object, decline_code: object = None) -> str:
    """The shopper's reason for a refused card, from Stripe's codes (CARD_DECLINED when unknown)."""
    for key in (decline_code, code):
        if isinstance(key, str) and key in DECLINE_REASONS:
            return DECLINE_REASONS[key]
    return CARD_DECLINED


class RefundRefused(Exception):
    """Stripe refused a refund (the payment cannot be refunded, or not that much)."""
