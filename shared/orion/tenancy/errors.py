"""Tenancy's own errors: the CloudFront side of a store domain refusing a change, the origin-verify
secret unreadable, a rotation step of it refused, a platform declaration that cannot be applied."""

from __future__ import annotations


class EdgeTenantError(RuntimeError):
    """CloudFront refused or could not take the change just now (the caller keeps its record as it was)."""


class ForeignTenant(EdgeTenantError):
    """The domain is a tenant Orion did not create: never changed or deleted by Orion."""


class OriginSecretUnavailable(Exception):
    """The current version of the origin-verify secret could not be read."""


class InvalidDeclaration(ValueError):
    """A platform declaration the deployment cannot apply; the message names the setting
    (``platforms[1].domain: ...``), so a synth stops before anything is deployed."""


class RotationError(Exception):
    """A rotation step cannot proceed (Secrets Manager retries the step, then marks the rotation failed)."""
