"""Tenancy: platforms, merchants, stores, domains, and resolving a request's tenant from its host."""

from orion.tenancy.models import (
    DomainRecord,
    HostKind,
    Platform,
    ResolvedTenant,
    Store,
    StoreStatus,
    Tier,
)
from orion.tenancy.resolver import Resolution, resolve_tenant

__all__ = [
    "DomainRecord",
    "HostKind",
    "Platform",
    "Resolution",
    "ResolvedTenant",
    "Store",
    "StoreStatus",
    "Tier",
    "resolve_tenant",
]
