"""The imports feature's own errors: what makes a file or a feed impossible to import (each message is
shown to the merchant or the platform admin as it is)."""

from __future__ import annotations

from orion.rendering.phrases import Phrase, as_phrases, english


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message is shown to the merchant."""


class TooLarge(ValueError):
    """An object is larger than the configured cap."""


class FeedRefused(ValueError):
    """A feed URL Orion will not fetch; the message says why, kept as phrases (``parts``: templates of
    orion.imports.sources.messages and their values) so a saved source's run can say it in the
    reader's language; ``str()`` is the English."""

    def __init__(self, *parts: Phrase | str) -> None:
        self.parts = as_phrases(parts)
        super().__init__(english(self.parts))


class FeedUnavailable(Exception):
    """The host did not answer in time, could not be reached, or answered 429/5xx: worth retrying.
    Its message is kept as phrases, as :class:`FeedRefused`'s."""

    def __init__(self, *parts: Phrase | str, retry_after: float | None = None) -> None:
        self.parts = as_phrases(parts)
        super().__init__(english(self.parts))
        self.retry_after = retry_after


class SourceFilesNotRemoved(RuntimeError):
    """S3 refused to delete some of a saved source's files (the keys and S3's reasons are in the message;
    logged, never shown: deleting the source does not wait for its files)."""
