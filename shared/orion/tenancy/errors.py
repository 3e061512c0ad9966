"""Tenancy's own errors: the CloudFront side of a store domain refusing a change."""

from __future__ import annotations


class EdgeTenantError(RuntimeError):
    """CloudFront refused or could not take the change just now (the caller keeps its record as it was)."""


class ForeignTenant(EdgeTenantError):
    """The domain is a tenant Orion did not create: never changed or deleted by Orion."""
