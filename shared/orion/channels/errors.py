"""Channels' errors: a destination that refused or failed an item, and destinations not available yet."""

from __future__ import annotations

from orion.errors import Conflict


class DestinationError(Exception):
    """A destination refused or failed one item (its reason ends in the item's record); never carries
    credentials."""


class ChannelUnavailable(Conflict):
    """The integration's platform has no adapter yet (WordPress and Shopify), or it is paused."""

    title = "Channel unavailable"
    code = "channel-unavailable"
