"""cdk-nag acknowledgments: every accepted AwsSolutions finding is recorded here with its reason."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

ACKNOWLEDGED: list[tuple[str, str, str]] = []  # (construct path, rule id, reason), for tests and review


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Accept finding ``rule`` on ``scope`` (and its children) for a stated reason."""
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule} needs a real reason, got {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))
    ACKNOWLEDGED.append((scope.node.path, rule, reason))
