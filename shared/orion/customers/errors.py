"""The customers module's errors."""

from __future__ import annotations

from orion.errors import Conflict


class EmailTaken(Conflict):
    """The store already has an account with this address."""
