"""The operator step that lists the hosts to deploy as CloudFront distribution tenants."""

from __future__ import annotations

import pytest

from infra.domains import main, tenant_hosts
from orion.tenancy.domains import add_domain
from orion.tenant import Tenant


def test_verified_custom_domains_and_store_subdomains_become_tenants(demo: list[str]) -> None:
    add_domain(Tenant("oms", "wizamart"), "pending.wizamart.lu")

    hosts = tenant_hosts(["oms"])

    assert "shop.wizamart.lu" in hosts
    assert "wizamart.oms.lu" in hosts
    assert "pending.wizamart.lu" not in hosts
    assert not [host for host in hosts if host.endswith(".localhost")]
    assert not [host for host in hosts if host.endswith("loyalty.lu")]


def test_the_cli_prints_the_context_value_merged_with_the_environment(
    demo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--env", "prod", "--platform", "oms"])

    printed = capsys.readouterr().out.strip()
    assert printed.startswith("-c storeDomains=")
    assert "shop.wizamart.lu" in printed.split("=", 1)[1].split(",")
