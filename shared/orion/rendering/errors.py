"""Rendering's own errors."""

from __future__ import annotations

from jinja2.exceptions import SecurityError


class RenderTimeout(Exception):
    """A template ran past its time limit (an endless or enormous loop)."""


class RenderTooLarge(SecurityError):
    """A template would stream a page, or build a value, past the sandbox's size limits; raised before
    the oversized text is built."""
