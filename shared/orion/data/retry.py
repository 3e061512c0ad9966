"""Waiting between attempts of a conditional write that lost a race."""

from __future__ import annotations

import secrets
import time

_RANDOM = secrets.SystemRandom()


def back_off(attempt: int, *, base_seconds: float = 0.01, cap_attempt: int = 4) -> None:
    """Sleep a random share of ``base_seconds`` x 2^attempt (at most 2^``cap_attempt``) before attempt
    ``attempt`` (0, the first, does not wait), so writers that collided (DynamoDB cancels transactions
    touching one item at the same moment with TransactionConflict) do not collide again in lockstep."""
    if attempt > 0:
        time.sleep(_RANDOM.uniform(0, base_seconds * 2 ** min(attempt, cap_attempt)))
