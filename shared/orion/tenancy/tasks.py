"""Tenancy's scheduled task: verify custom domains whose owners have published their token.

A store proves it controls a host by serving its verification token at
``http://<host>/.well-known/orion-domain-verification`` (or behind CloudFront, once DNS points there).
Pending domains sit in a sparse index, so the task reads only those.
"""

from __future__ import annotations

import hmac
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime

from orion.observability import logger
from orion.tenancy.models import StoreDomain, Tenant
from orion.tenancy.repository import TenancyRepository
from orion.tenancy.service import tenant_directory

WELL_KNOWN_PATH = "/.well-known/orion-domain-verification"
MAX_TOKEN_BYTES = 512

Fetch = Callable[[str], str | None]


def fetch_token(host: str) -> str | None:
    """What ``host`` serves at the well-known path, or ``None`` if it does not answer 200 quickly."""
    url = f"http://{host}{WELL_KNOWN_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            if response.status != 200:
                return None
            body: bytes = response.read(MAX_TOKEN_BYTES)
            return body.decode("utf-8", errors="replace").strip()
    except (urllib.error.URLError, TimeoutError, ValueError, OSError):
        return None


def verify_domains(tenant: Tenant, now: datetime, fetch: Fetch = fetch_token) -> int:
    """Verify every pending domain of the platform that serves its token; how many were verified."""
    repository = TenancyRepository()
    verified = 0
    for domain in repository.list_pending_domains(tenant.platform):
        if _serves_token(domain, fetch) and repository.mark_domain_verified(domain):
            logger.info("domain verified", extra={"host": domain.host, "store": domain.store})
            verified += 1
    if verified:
        tenant_directory().forget()
    return verified


def _serves_token(domain: StoreDomain, fetch: Fetch) -> bool:
    if not domain.verification_token:
        return False
    served = fetch(domain.host)
    return served is not None and hmac.compare_digest(served.encode(), domain.verification_token.encode())
