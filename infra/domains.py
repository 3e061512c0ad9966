"""Operator step: which shop hosts must be CloudFront distribution tenants, read from the deployed table.

A store's custom domain becomes servable when the staff API verifies it (a TXT record); CloudFront
serves it only once it is a distribution tenant with a certificate. This lists, for the given
platforms, every verified custom domain and every store subdomain (``<store>.<platform domain>``),
merged with the environment's ``storeDomains``, as the context value to deploy with:

    make domains ENV=prod PLATFORMS="oms loyalty"       # prints -c storeDomains=...
    make deploy ENV=prod CDK_ARGS="-c storeDomains=..."

It reads through orion's service functions (Queries only, no Scan) with the operator's AWS
credentials and ``ORION_TABLE_NAME`` of the environment.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from infra.config import cdk_json_context, deployment_from_context
from orion.tenancy.domains import list_domains
from orion.tenancy.platforms import get_platform
from orion.tenancy.stores import list_stores
from orion.tenant import Tenant


def tenant_hosts(platforms: Iterable[str], *, local_suffix: str = ".localhost") -> list[str]:
    """Verified custom domains and store subdomains of ``platforms`` (local-only hosts left out)."""
    hosts: set[str] = set()
    for code in platforms:
        platform_tenant = Tenant(code)
        platform = get_platform(platform_tenant)
        for store in list_stores(platform_tenant):
            for domain in list_domains(Tenant(code, store.code)):
                if domain.verified:
                    hosts.add(domain.host)
            hosts.update(f"{store.code}.{platform_domain}" for platform_domain in platform.domains)
    return sorted(host for host in hosts if not host.endswith(local_suffix))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.domains", description=__doc__.split("\n")[0])
    parser.add_argument("--env", default="dev", help="environment in cdk.json (its storeDomains are kept)")
    parser.add_argument("--platform", action="append", required=True, help="platform code (repeatable)")
    args = parser.parse_args(argv)
    configured = deployment_from_context({**cdk_json_context(), "env": args.env}).store_domains
    hosts = sorted({*configured, *tenant_hosts(args.platform)})
    print(f"-c storeDomains={','.join(hosts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
