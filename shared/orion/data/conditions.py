"""What a refused DynamoDB write means (PynamoDB wraps the service's error code in its exceptions), and
the conditional update that turns a refusal into ``False``."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model

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


def update_if(item: Model, *, actions: Sequence[Action], condition: Condition) -> bool:
    """Apply ``actions`` to ``item`` if ``condition`` holds: ``False`` (nothing written) when the
    condition refused them, any other failure raised. The conditional update every claim, lease and
    "only if it is still so" write is made of."""
    try:
        item.update(actions=list(actions), condition=condition)
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True
