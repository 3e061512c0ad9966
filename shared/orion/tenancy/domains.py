"""Custom domains of a store: its staff claim, verify and remove them, a scheduled task verifies the
pending ones, and the demo data attaches domains known to be the store's. Also the one spelling of a
host name every tenancy use case stores (:func:`canonical_host`).

A claimed domain serves shoppers only once a TXT record proves the store controls it; verifying makes it
a CloudFront distribution tenant first (:mod:`orion.tenancy.edge`), and removing it removes the tenant.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from orion import runtime
from orion.errors import Conflict, FieldError, Invalid, NotFound
from orion.ids import new_token
from orion.settings import get_settings
from orion.tenancy.directory import tenant_directory
from orion.tenancy.edge import edge_tenants, routing_endpoint
from orion.tenancy.errors import EdgeTenantError, ForeignTenant
from orion.tenancy.hosts import normalize_host
from orion.tenancy.models import StoreDomain
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant

VERIFICATION_LABEL = "_orion-verification"


def canonical_host(host: str) -> str:
    canonical = normalize_host(host)
    if canonical is None or ":" in canonical:
        raise Invalid(f"{host!r} is not a valid host name")
    if canonical.count(".") < 1:
        raise Invalid(f"{host!r} is not a fully qualified host name")
    return canonical


class DomainView(BaseModel):
    host: str
    verified: bool
    verification_record: str | None = Field(default=None, description="TXT record name to create")
    verification_value: str | None = Field(default=None, description="TXT record value to publish")
    created_at: datetime | None = None

    @classmethod
    def of(cls, domain: StoreDomain) -> DomainView:
        pending = not domain.verified
        return cls(
            host=domain.host,
            verified=domain.verified,
            verification_record=f"{VERIFICATION_LABEL}.{domain.host}" if pending else None,
            verification_value=domain.verification_token if pending else None,
            created_at=domain.created_at,
        )


class DnsRecord(BaseModel):
    """A record the store's owner creates at their DNS provider."""

    type: str
    name: str
    value: str
    purpose: str


def dns_records(tenant: Tenant, domain: StoreDomain) -> list[DnsRecord]:
    """The exact records a domain needs: while pending, the TXT record that proves the store controls
    it; always, the CNAME that brings its shoppers to the storefront (the connection group's routing
    endpoint; where the environment has none, the store's own address on the platform, which points
    there). At a zone's apex, DNS providers call the CNAME an ALIAS or ANAME record."""
    records: list[DnsRecord] = []
    if not domain.verified and domain.verification_token:
        records.append(
            DnsRecord(
                type="TXT",
                name=f"{VERIFICATION_LABEL}.{domain.host}",
                value=domain.verification_token,
                purpose="proves the store controls the domain",
            )
        )
    target = routing_endpoint()
    if target is None:
        platform = runtime.repository(TenancyRepository).get_platform(tenant.platform)
        domain_names = platform.domains if platform else ()
        target = f"{tenant.require_store()}.{domain_names[0]}" if domain_names else None
    if target:
        records.append(
            DnsRecord(type="CNAME", name=domain.host, value=target, purpose="serves the shop on the domain")
        )
    return records


def list_domains(tenant: Tenant) -> list[StoreDomain]:
    return runtime.repository(TenancyRepository).list_store_domains(tenant.platform, tenant.require_store())


def add_domain(tenant: Tenant, host: str) -> StoreDomain:
    """Claim ``host`` for the store, pending until a TXT record proves the store controls it."""
    if ":" in host.strip().rstrip("]"):
        raise Invalid(
            f"{host!r} is not a host name: leave out the port", errors=[FieldError("host", "no port")]
        )
    host = canonical_host(host)
    if re.fullmatch(r"[\d.]+", host):
        raise Invalid("An IP address is not a domain.", errors=[FieldError("host", "a domain name")])
    # Any platform's own domains and their subdomains (every platform's store addresses) are never a
    # store's to claim: a custom domain wins over <store>.<platform domain> when hosts are resolved.
    platform_domains = {d for p in runtime.repository(TenancyRepository).list_platforms() for d in p.domains}
    if any(host == d or host.endswith(f".{d}") for d in platform_domains):
        raise Invalid(
            "A platform's own domains and their subdomains cannot be claimed.",
            errors=[FieldError("host", "a platform's domain")],
        )
    if any(d.host == host for d in list_domains(tenant)):
        raise Conflict.worded("{host} is already one of this store's domains.", host=host)
    # Another store's claim that was never verified within the claim's lifetime no longer holds it. A
    # claim dates from the store's first claim of the host, so dropping and re-adding renews nothing.
    now = datetime.now(UTC)
    stale_before = now - timedelta(seconds=get_settings().domain_claim_ttl_seconds)
    repository, store = runtime.repository(TenancyRepository), tenant.require_store()
    claimed_at = repository.first_claimed_at(tenant.platform, store, host) or now
    domain = StoreDomain(
        host=host,
        platform=tenant.platform,
        store=store,
        verified=False,
        verification_token=f"orion-{new_token(18)}",
        created_at=claimed_at,
    )
    repository.put_store_domain(domain, stale_claims_before=stale_before)
    repository.remember_first_claim(tenant.platform, store, host, claimed_at)
    return domain


def add_verified_domain(tenant: Tenant, host: str) -> StoreDomain:
    """Attach ``host`` to the store as already verified, for a domain whose control is known without
    DNS (the demo data's); it serves shoppers at once."""
    domain = StoreDomain(
        host=canonical_host(host),
        platform=tenant.platform,
        store=tenant.require_store(),
        verified=True,
        created_at=datetime.now(UTC),
    )
    runtime.repository(TenancyRepository).put_store_domain(domain)
    return domain


TxtLookup = Callable[[str], list[str]]


def dns_over_https_txt(name: str) -> list[str]:
    """TXT values of ``name`` from the DNS-over-HTTPS resolver in settings (JSON API)."""
    url = f"{get_settings().dns_over_https_url}?{urllib.parse.urlencode({'name': name, 'type': 'TXT'})}"
    request = urllib.request.Request(url, headers={"Accept": "application/dns-json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - https URL from settings
        answer = json.load(response).get("Answer", [])
    return [str(a.get("data", "")).strip('"') for a in answer if a.get("type") == 16]


def verify_domain(tenant: Tenant, host: str, lookup: TxtLookup | None = None) -> StoreDomain:
    """Mark the domain verified if its TXT record carries the store's value (then it serves shoppers).

    The local cloud has no public DNS: with ``ORION_DOMAIN_VERIFICATION=trust`` (set only there) any
    pending domain verifies."""
    host = canonical_host(host)
    domain = next((d for d in list_domains(tenant) if d.host == host), None)
    if domain is None:
        raise NotFound.worded("{host} is not one of this store's domains.", host=host)
    if domain.verified:
        # Verifying again brings the edge up to date (a tenant lost or changed by hand comes back).
        _ensure_tenant(tenant, host)
        return domain
    if get_settings().domain_verification != "trust":
        try:
            values = (lookup or dns_over_https_txt)(f"{VERIFICATION_LABEL}.{host}")
        except OSError as exc:
            raise Conflict("DNS could not be checked just now; try again in a minute.") from exc
        if domain.verification_token not in values:
            raise Conflict.worded(
                "No TXT record {name} with the value {value} was found yet; "
                "DNS changes can take a while to show.",
                name=f"{VERIFICATION_LABEL}.{host}",
                value=domain.verification_token,
            )
    # The tenant first: a domain marked verified is one CloudFront serves (or will, once its
    # certificate is issued); if CloudFront fails, the domain stays pending and is tried again.
    _ensure_tenant(tenant, host)
    runtime.repository(TenancyRepository).mark_store_domain_verified(
        tenant.platform, tenant.require_store(), host
    )
    tenant_directory().forget()
    return domain.model_copy(update={"verified": True})


def remove_domain(tenant: Tenant, host: str) -> None:
    host = canonical_host(host)
    domain = next((d for d in list_domains(tenant) if d.host == host), None)
    if domain is None:
        raise NotFound.worded("{host} is not one of this store's domains.", host=host)
    if domain.verified:
        try:
            edge_tenants().remove(host, _owner(tenant))
        except ForeignTenant:
            pass  # another owner's tenant: never Orion's to delete, and the claim is released anyway
        except EdgeTenantError as exc:
            raise Conflict.worded(
                "{host} could not be removed from CloudFront just now; try again in a minute.", host=host
            ) from exc
    runtime.repository(TenancyRepository).release_store_domain(tenant.platform, tenant.require_store(), host)
    tenant_directory().forget()


def _owner(tenant: Tenant) -> str:
    return f"{tenant.platform}/{tenant.require_store()}"


def _ensure_tenant(tenant: Tenant, host: str) -> None:
    try:
        edge_tenants().ensure(host, _owner(tenant))
    except ForeignTenant as exc:
        raise Conflict.worded(
            "{host} is already served by another CloudFront distribution tenant.", host=host
        ) from exc
    except EdgeTenantError as exc:
        raise Conflict.worded(
            "{host} could not be set up at CloudFront just now; try again in a minute.", host=host
        ) from exc
