"""The media feature's own errors."""

from __future__ import annotations

from orion.errors import OrionError


class RemoteRefused(OrionError):
    """An image address that could not be fetched (orion.media.remote): the message says why, in words
    staff can act on."""


class ImageRefused(ValueError):
    """An upload that is not an image Orion takes (corrupt, too large, another type, a bomb); the
    message says why and is shown to staff as it is."""
