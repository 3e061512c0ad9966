"""Password hashing with argon2id (cost from settings; RFC 9106 low-memory profile by default)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from orion import runtime
from orion.ids import new_token
from orion.settings import get_settings


@runtime.singleton
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.password_hash_time_cost,
        memory_cost=settings.password_hash_memory_kib,
        parallelism=settings.password_hash_parallelism,
    )


@runtime.singleton
def _dummy_hash() -> str:
    # Verified against when the account does not exist, so an unknown e-mail costs as much as a
    # wrong password and timing does not tell which one it was.
    return _hasher().hash(new_token(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (unknown user) a dummy hash is verified instead."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's (re-hash after a good login)."""
    return _hasher().check_needs_rehash(password_hash)
