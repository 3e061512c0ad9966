"""The metrics feature's own errors."""

from __future__ import annotations


class CounterLimitReached(Exception):
    """A bounded ADD would have passed its maximum; nothing was written."""
