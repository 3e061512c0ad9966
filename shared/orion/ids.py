"""Random, sortable identifiers and secret tokens."""

from __future__ import annotations

import re
import secrets

from ulid import ULID

# What new_id makes: 26 characters of Crockford's base32, upper case (an id from a cursor or a path is
# checked against it before it reaches a key).
ID_PATTERN = re.compile(r"[0-9A-Z]{26}")


def new_id() -> str:
    """A new ULID: random, unguessable enough for ids, and sortable by creation time."""
    return str(ULID())


def new_token(nbytes: int = 32) -> str:
    """A URL-safe secret token (order links, invitations, refresh tokens)."""
    return secrets.token_urlsafe(nbytes)
