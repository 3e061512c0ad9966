"""Log retention from the environment's ``logRetentionDays`` (rounded up to what CloudWatch offers)."""

from __future__ import annotations

from aws_cdk import aws_logs as logs

_RETENTION: tuple[tuple[int, logs.RetentionDays], ...] = (
    (1, logs.RetentionDays.ONE_DAY),
    (3, logs.RetentionDays.THREE_DAYS),
    (5, logs.RetentionDays.FIVE_DAYS),
    (7, logs.RetentionDays.ONE_WEEK),
    (14, logs.RetentionDays.TWO_WEEKS),
    (30, logs.RetentionDays.ONE_MONTH),
    (60, logs.RetentionDays.TWO_MONTHS),
    (90, logs.RetentionDays.THREE_MONTHS),
    (180, logs.RetentionDays.SIX_MONTHS),
    (365, logs.RetentionDays.ONE_YEAR),
    (731, logs.RetentionDays.TWO_YEARS),
)


def retention(days: int) -> logs.RetentionDays:
    return next((value for limit, value in _RETENTION if limit >= days), _RETENTION[-1][1])
