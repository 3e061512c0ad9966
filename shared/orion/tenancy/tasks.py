"""Tenancy's scheduled task: verify pending custom domains whose DNS now carries the store's value.

Staff can ask for verification themselves (``domains.verify_domain``); this task does the same
check for every pending domain of a platform, so a domain starts serving shortly after its TXT record
appears. Pending domains sit in a sparse index, so the task reads only those.
"""

from __future__ import annotations

from datetime import datetime

from orion import runtime
from orion.errors import Conflict, NotFound
from orion.observability import logger
from orion.tenancy.domains import TxtLookup, verify_domain
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant


def verify_domains(tenant: Tenant, now: datetime, lookup: TxtLookup | None = None) -> int:
    """Verify every pending domain of the platform whose TXT record is in place; how many were."""
    verified = 0
    for domain in runtime.repository(TenancyRepository).list_pending_domains(tenant.platform):
        try:
            verify_domain(Tenant(domain.platform, domain.store), domain.host, lookup)
        except (Conflict, NotFound):  # no record yet, DNS unreachable, or removed meanwhile
            continue
        logger.info("domain verified", extra={"host": domain.host, "store": domain.store})
        verified += 1
    return verified
