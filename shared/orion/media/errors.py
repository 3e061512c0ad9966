"""The media feature's own errors."""

from __future__ import annotations


class ImageRefused(ValueError):
    """An upload that is not an image Orion takes (corrupt, too large, another type, a bomb); the
    message says why and is shown to staff as it is."""
