"""What a refused DynamoDB write means: PynamoDB wraps the service's error code in its exceptions."""

from __future__ import annotations

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"


def error_code(exc: BaseException) -> str | None:
    """The DynamoDB error code behind a PynamoDB exception (None for anything else)."""
    code = getattr(exc, "cause_response_code", None)
    return code if isinstance(code, str) else None


def condition_failed(exc: BaseException) -> bool:
    """A single write (Put, Update, Delete) refused by its condition."""
    return error_code(exc) == CONDITION_FAILED


def refused(exc: BaseException) -> bool:
    """A single write refused by its condition or a transaction cancelled (by a condition or a
    conflicting write): the write did not happen and reading again tells why."""
    return error_code(exc) in {CONDITION_FAILED, TRANSACTION_CANCELLED}
