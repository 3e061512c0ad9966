"""Rendering's own errors."""

from __future__ import annotations


class RenderTimeout(Exception):
    """A template ran past its time limit (an endless or enormous loop)."""
