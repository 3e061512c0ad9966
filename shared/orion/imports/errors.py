"""The imports feature's own errors: what makes a file or a feed impossible to import (each message is
shown to the merchant or the platform admin as it is)."""

from __future__ import annotations


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message is shown to the merchant."""


class TooLarge(ValueError):
    """An object is larger than the configured cap."""


class FeedRefused(ValueError):
    """A feed URL Orion will not fetch; the message says why."""


class FeedUnavailable(Exception):
    """The host did not answer in time, could not be reached, or answered 429/5xx: worth retrying."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
