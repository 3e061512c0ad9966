"""cdk-nag acknowledgments: every accepted AwsSolutions finding is recorded here with its reason."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

ACKNOWLEDGED: list[tuple[str, str, str]] = []  # (construct path, rule id, reason), for tests and review
# The construct each acknowledgment covers (with its children), by path: tests check it is no wider
# than the resource, or for IAM findings the one policy, that the finding is about.
SCOPES: dict[str, IConstruct] = {}


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Accept finding ``rule`` on ``scope`` (and its children) for a stated reason."""
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule} needs a real reason, got {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))
    ACKNOWLEDGED.append((scope.node.path, rule, reason))
    SCOPES[scope.node.path] = scope


def default_policy(role: iam.Role) -> IConstruct:
    """The role's default policy: where CDK puts the statements it adds itself (X-Ray for active
    tracing, log delivery for Step Functions), so a finding they cause is acknowledged on it alone
    rather than on the whole role."""
    policy = role.node.try_find_child("DefaultPolicy")
    if policy is None:
        raise ValueError(
            f"{role.node.path} has no default policy yet: acknowledge after adding its statements"
        )
    return policy
