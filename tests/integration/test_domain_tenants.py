"""A verified store domain becomes a distribution tenant, and a removed one stops being one: the flow
through the domain service and its scheduled task, with the local cloud's recording stand-in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orion import runtime
from orion.data.clients import aws_client
from orion.errors import Conflict
from orion.tenancy import tasks
from orion.tenancy.directory import tenant_directory
from orion.tenancy.domains import add_domain, list_domains, remove_domain, verify_domain
from orion.tenancy.edge import CloudFrontTenants, EdgeTenants, RecordingTenants, edge_tenants
from orion.tenancy.errors import EdgeTenantError
from orion.tenant import Tenant

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BAKERY = Tenant("oms", "bakery")


@pytest.fixture
def recording(demo: list[str], monkeypatch: pytest.MonkeyPatch) -> RecordingTenants:
    monkeypatch.setenv("ORION_EDGE_TENANTS", "recording")  # as the local cloud sets them
    monkeypatch.setenv("ORION_DOMAIN_VERIFICATION", "trust")
    runtime.reset()
    edge = edge_tenants()
    assert isinstance(edge, RecordingTenants)
    return edge


def test_the_task_verifies_a_domain_and_its_tenant_is_created(recording: RecordingTenants) -> None:
    add_domain(BAKERY, "shop.bakery.lu")
    assert recording.calls == []  # a claim alone is not served

    assert tasks.verify_domains(Tenant("oms"), NOW) == 1

    assert [(c.action, c.host, c.owner) for c in recording.calls] == [
        ("create", "shop.bakery.lu", "oms/bakery")
    ]
    verify_domain(BAKERY, "shop.bakery.lu")  # verifying again: the same tenant, brought up to date
    remove_domain(BAKERY, "shop.bakery.lu")
    assert [c.action for c in recording.calls] == ["create", "update", "delete"]
    assert recording.tenants == {}


def test_when_cloudfront_fails_the_domain_stays_pending(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Throttled(EdgeTenants):
        def ensure(self, host: str, owner: str) -> None:
            raise EdgeTenantError("throttled")

    monkeypatch.setenv("ORION_DOMAIN_VERIFICATION", "trust")  # the DNS check passes: CloudFront fails
    runtime.reset()
    monkeypatch.setattr("orion.tenancy.domains.edge_tenants", Throttled)
    add_domain(BAKERY, "shop.bakery.lu")

    with pytest.raises(Conflict, match="CloudFront"):
        verify_domain(BAKERY, "shop.bakery.lu")
    assert tasks.verify_domains(Tenant("oms"), NOW) == 0  # tried again on the next run

    assert [d.verified for d in list_domains(BAKERY) if d.host == "shop.bakery.lu"] == [False]
    assert tenant_directory().resolve("shop.bakery.lu", "/") is None


def test_deployed_the_ids_come_from_the_parameter_the_storefront_stack_writes(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws_client("ssm").put_parameter(
        Name="/orion/prod/storefront-edge",
        Type="String",
        Value='{"distributionId": "E2MULTI", "connectionGroupId": "cg_shops"}',
    )
    monkeypatch.setenv("ORION_EDGE_PARAMETER", "/orion/prod/storefront-edge")
    runtime.reset()

    edge = edge_tenants()

    assert isinstance(edge, CloudFrontTenants)
    assert (edge.distribution_id, edge.connection_group_id) == ("E2MULTI", "cg_shops")
