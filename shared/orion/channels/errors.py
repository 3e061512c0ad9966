"""Channels' errors: a destination that refused or failed an item, one that is down for now, a publish
too large for the request, destinations not available yet, and webhooks refused."""

from __future__ import annotations

from orion.errors import BadRequest, Conflict, Invalid, OrionError, Unauthorized


class DestinationError(Exception):
    """A destination refused or failed one item (its reason ends in the item's record); never carries
    credentials. Retrying the same content would fail the same way (bad credentials, a product the
    destination refuses), so it is not retried by itself."""


class DestinationUnavailable(DestinationError):
    """The destination could not take the item now (unreachable, timed out, a 5xx, throttled): worth
    retrying later, after ``retry_after`` seconds when the destination said so. The channel worker
    does (orion.channels.worker): the record turns ``failed`` with the reason, ``retryable``."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RemoteMissing(DestinationError):
    """The item is gone at the destination (deleted there by hand): an update publishes it anew, an
    unpublish has nothing left to do."""


class PublishTooLarge(Invalid):
    """A publish of all that selects more products than one request publishes (it goes to the channel
    worker instead, orion.channels.jobs; never answered as such by the staff API)."""


class ChannelUnavailable(Conflict):
    """The integration's platform has no adapter yet, or it is paused."""

    title = "Channel unavailable"
    code = "channel-unavailable"


class UnsignedWebhook(Unauthorized):
    """A destination's webhook that is not signed for this store (no integration of the shop, no webhook
    secret, or a signature that does not verify): nothing changes."""

    title = "Webhook not signed"
    code = "webhook-not-signed"


class BadWebhook(BadRequest):
    """A signed webhook whose delivery cannot be read (no delivery id, a body that is not a product)."""

    title = "Bad webhook"
    code = "bad-webhook"


def is_temporary(failure: BaseException | None) -> bool:
    """A failure worth trying again by itself (the worker's backoff, the recovery task): the destination
    said it is unavailable, or something unexpected broke (a network error an adapter did not name); a
    refusal (DestinationError, an Orion error) is the merchant's to act on."""
    if isinstance(failure, DestinationUnavailable):
        return True
    return not isinstance(failure, DestinationError | OrionError)
