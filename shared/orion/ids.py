"""Random, sortable identifiers and secret tokens."""

from __future__ import annotations

import secrets

from ulid import ULID


def new_id() -> str:
    """A new ULID: random, unguessable enough for ids, and sortable by creation time."""
    return str(ULID())


def new_token(nbytes: int = 32) -> str:
    """A URL-safe secret token (order links, invitations, refresh tokens)."""
    return secrets.token_urlsafe(nbytes)
