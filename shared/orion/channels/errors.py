"""Channels' errors: a destination that refused or failed an item, one that is down for now, a publish
too large for the request, and destinations not available yet."""

from __future__ import annotations

from orion.errors import Conflict, Invalid


class DestinationError(Exception):
    """A destination refused or failed one item (its reason ends in the item's record); never carries
    credentials. Not retried by itself: the merchant acts on the reason."""


class DestinationUnavailable(DestinationError):
    """The destination could not take the item for now (network error, 5xx, throttling): the item's
    record turns ``failed`` with the reason and the channel worker tries again with backoff, no sooner
    than ``retry_after`` seconds when the destination said so (e.g. HTTP ``Retry-After``)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PublishTooLarge(Invalid):
    """A publish of all that selects more products than one request publishes (it goes to the
    background worker instead; never answered as such by the staff API)."""


class ChannelUnavailable(Conflict):
    """The integration's platform has no adapter yet (WordPress and Shopify), or it is paused."""

    title = "Channel unavailable"
    code = "channel-unavailable"
