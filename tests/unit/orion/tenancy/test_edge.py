"""Store domains as CloudFront distribution tenants: the calls Orion makes, checked against botocore's
service model by its Stubber (moto does not emulate distribution tenants)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from orion import runtime
from orion.tenancy.edge import (
    STORE_TAG,
    CloudFrontTenants,
    EdgeTenants,
    RecordingTenants,
    edge_tenants,
    tenant_name,
)
from orion.tenancy.errors import ForeignTenant

DISTRIBUTION = "E2MULTITENANT"
GROUP = "cg_2shops"
HOST = "shop.wizamart.lu"
OWNER = "oms/wizamart"
ARN = "arn:aws:cloudfront::123456789012:distribution-tenant/dt_1"


@pytest.fixture
def cloudfront() -> Iterator[tuple[CloudFrontTenants, Stubber]]:
    client = boto3.client(
        "cloudfront", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    with Stubber(client) as stubber:
        yield CloudFrontTenants(DISTRIBUTION, GROUP, client=client), stubber
        stubber.assert_no_pending_responses()


def _tenant(enabled: bool = True, distribution: str = DISTRIBUTION) -> dict[str, Any]:
    return {
        "Id": "dt_1",
        "Arn": ARN,
        "DistributionId": distribution,
        "Name": "orion-shop.wizamart.lu",
        "Domains": [{"Domain": HOST, "Status": "active"}],
        "Enabled": enabled,
    }


def _found(stubber: Stubber, etag: str = "E1", **tenant: Any) -> None:
    stubber.add_response(
        "get_distribution_tenant_by_domain",
        {"DistributionTenant": _tenant(**tenant), "ETag": etag},
        {"Domain": HOST},
    )


def _not_found(stubber: Stubber) -> None:
    stubber.add_client_error(
        "get_distribution_tenant_by_domain",
        "EntityNotFound",
        http_status_code=404,
        expected_params={"Domain": HOST},
    )


def _tags(stubber: Stubber, owner: str | None) -> None:
    items = [{"Key": STORE_TAG, "Value": owner}] if owner else [{"Key": "team", "Value": "web"}]
    stubber.add_response("list_tags_for_resource", {"Tags": {"Items": items}}, {"Resource": ARN})


CERTIFICATE = {"ValidationTokenHost": "cloudfront", "PrimaryDomainName": HOST}


def test_a_verified_domain_becomes_a_tagged_tenant_with_a_managed_certificate(
    cloudfront: tuple[CloudFrontTenants, Stubber],
) -> None:
    tenants, stubber = cloudfront
    _not_found(stubber)
    stubber.add_response(
        "create_distribution_tenant",
        {"DistributionTenant": _tenant(), "ETag": "E1"},
        {
            "DistributionId": DISTRIBUTION,
            "Name": "orion-shop.wizamart.lu",
            "Domains": [{"Domain": HOST}],
            "ConnectionGroupId": GROUP,
            "ManagedCertificateRequest": CERTIFICATE,
            "Enabled": True,
            "Tags": {"Items": [{"Key": STORE_TAG, "Value": OWNER}]},
        },
    )

    tenants.ensure(HOST, OWNER)


def test_verifying_again_updates_the_same_tenant_with_its_etag(
    cloudfront: tuple[CloudFrontTenants, Stubber],
) -> None:
    tenants, stubber = cloudfront
    _found(stubber, etag="E7", enabled=False)
    _tags(stubber, OWNER)
    stubber.add_response(
        "update_distribution_tenant",
        {"DistributionTenant": _tenant(), "ETag": "E8"},
        {
            "Id": "dt_1",
            "IfMatch": "E7",
            "DistributionId": DISTRIBUTION,
            "Domains": [{"Domain": HOST}],
            "ConnectionGroupId": GROUP,
            "ManagedCertificateRequest": CERTIFICATE,
            "Enabled": True,
        },
    )

    tenants.ensure(HOST, OWNER)


def test_removing_disables_then_deletes_with_the_etag_of_the_disabled_tenant(
    cloudfront: tuple[CloudFrontTenants, Stubber],
) -> None:
    tenants, stubber = cloudfront
    _found(stubber, etag="E3")
    _tags(stubber, OWNER)
    stubber.add_response(
        "update_distribution_tenant",
        {"DistributionTenant": _tenant(enabled=False), "ETag": "E4"},
        {"Id": "dt_1", "IfMatch": "E3", "Enabled": False},
    )
    stubber.add_response("delete_distribution_tenant", {}, {"Id": "dt_1", "IfMatch": "E4"})

    tenants.remove(HOST, OWNER)


def test_a_tenant_orion_did_not_create_is_never_deleted(
    cloudfront: tuple[CloudFrontTenants, Stubber],
) -> None:
    tenants, stubber = cloudfront
    _found(stubber)
    _tags(stubber, None)

    tenants.remove(HOST, OWNER)  # no update, no delete: the Stubber fails on any call not queued


def test_another_stores_or_foreign_tenant_is_neither_updated_nor_deleted(
    cloudfront: tuple[CloudFrontTenants, Stubber],
) -> None:
    tenants, stubber = cloudfront
    _found(stubber)
    _tags(stubber, "oms/other-store")
    _found(stubber)
    _tags(stubber, None)
    _found(stubber, distribution="E9ELSEWHERE")
    _tags(stubber, OWNER)

    with pytest.raises(ForeignTenant):
        tenants.remove(HOST, OWNER)
    with pytest.raises(ForeignTenant):
        tenants.ensure(HOST, OWNER)
    with pytest.raises(ForeignTenant):
        tenants.ensure(HOST, OWNER)


def test_removing_a_domain_without_a_tenant_calls_nothing_else(
    cloudfront: tuple[CloudFrontTenants, Stubber],
) -> None:
    tenants, stubber = cloudfront
    _not_found(stubber)

    tenants.remove(HOST, OWNER)


def test_settings_choose_the_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    assert type(edge_tenants()) is EdgeTenants  # no multi-tenant distribution: nothing to do

    monkeypatch.setenv("ORION_CLOUDFRONT_DISTRIBUTION_ID", DISTRIBUTION)
    monkeypatch.setenv("ORION_CLOUDFRONT_CONNECTION_GROUP_ID", GROUP)
    runtime.reset()
    chosen = edge_tenants()
    assert isinstance(chosen, CloudFrontTenants)
    assert (chosen.distribution_id, chosen.connection_group_id) == (DISTRIBUTION, GROUP)

    monkeypatch.setenv("ORION_EDGE_TENANTS", "recording")
    runtime.reset()
    assert isinstance(edge_tenants(), RecordingTenants)
    assert edge_tenants() is edge_tenants()  # one recording per process


def test_the_recording_stand_in_records_create_update_delete() -> None:
    recording = RecordingTenants()
    recording.ensure(HOST, OWNER)
    recording.ensure(HOST, OWNER)
    recording.remove(HOST, "oms/other-store")  # not that store's: untouched
    recording.remove(HOST, OWNER)

    assert [(c.action, c.host) for c in recording.calls] == [
        ("create", HOST),
        ("update", HOST),
        ("delete", HOST),
    ]


def test_tenant_names_fit_cloudfronts_pattern_and_stay_apart() -> None:
    long_host = "a" * 60 + "." + "b" * 60 + ".example.lu"
    name = tenant_name(long_host)

    assert tenant_name("shop-a.lu") != tenant_name("shop.a-lu")
    assert len(name) <= 128 and name[-1].isalnum() and name != tenant_name(long_host + "x")
