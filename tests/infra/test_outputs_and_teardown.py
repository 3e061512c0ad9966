"""What an operator gets from a deploy and a teardown: stack outputs naming every resource they look
up, an environment that keeps no data (dev) destroyed whole, one that keeps it (prod) protected, and
prod's alarms reaching someone."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from infra import wiring
from tests.infra.conftest import ALARM_EMAIL, Assembly


def template(assembly: Assembly, concern: str) -> Template:
    return Template.from_json(assembly.template(concern))


def logical_id(assembly: Assembly, concern: str, resource_type: str, contains: str = "") -> str:
    [found] = [name for name in assembly.resources(concern, resource_type) if contains in name]
    return found


def test_the_data_stack_outputs_the_table_and_every_bucket(any_assembly: Assembly) -> None:
    data = template(any_assembly, "data")
    table = logical_id(any_assembly, "data", "AWS::DynamoDB::GlobalTable")

    data.has_output("TableNameMain", {"Value": {"Ref": table}})
    for bucket in wiring.BUCKETS:
        resource = logical_id(any_assembly, "data", "AWS::S3::Bucket", f"Bucket{bucket.name}")
        output = "BucketName" + bucket.name.capitalize()
        data.has_output(output, {"Value": {"Ref": resource}, "Description": bucket.purpose})
    data.has_output("BucketNameAccessLogs", {"Value": {"Ref": Match.string_like_regexp("^AccessLogs")}})


def test_the_api_and_the_distribution_are_outputs(any_assembly: Assembly) -> None:
    api = logical_id(any_assembly, "api", "AWS::ApiGatewayV2::Api")
    distribution = logical_id(any_assembly, "storefront", "AWS::CloudFront::Distribution")

    template(any_assembly, "api").has_output(
        "ApiEndpoint", {"Value": Match.object_like({"Fn::GetAtt": [api, "ApiEndpoint"]})}
    )
    storefront = template(any_assembly, "storefront")
    storefront.has_output("DistributionId", {"Value": {"Ref": distribution}})
    storefront.has_output("DistributionDomainName", {"Value": {"Fn::GetAtt": [distribution, "DomainName"]}})
    template(any_assembly, "observability").has_output("AlarmTopicArn", {"Value": {"Ref": Match.any_value()}})


def test_the_connection_group_endpoint_is_an_output_where_shops_have_domains(
    assembly: Assembly, dev_assembly: Assembly
) -> None:
    group = logical_id(assembly, "storefront", "AWS::CloudFront::ConnectionGroup")

    storefront = template(assembly, "storefront")
    storefront.has_output("ShopDomainsTarget", {"Value": {"Fn::GetAtt": [group, "RoutingEndpoint"]}})
    storefront.has_output("ConnectionGroupId", {"Value": {"Fn::GetAtt": [group, "Id"]}})
    # dev has no platform domains, so no connection group and nothing to point a domain at.
    assert not dev_assembly.resources("storefront", "AWS::CloudFront::ConnectionGroup")
    assert "ShopDomainsTarget" not in dev_assembly.template("storefront").get("Outputs", {})


def stateful(assembly: Assembly) -> dict[str, dict[str, Any]]:
    """Every resource of the data stack that holds data: the table, the buckets, its key, the secrets."""
    kinds = ("AWS::DynamoDB::GlobalTable", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::SecretsManager::Secret")
    return {name: r for kind in kinds for name, r in assembly.resources("data", kind).items()}


def test_dev_keeps_no_data_so_a_destroy_removes_everything(dev_assembly: Assembly) -> None:
    resources = stateful(dev_assembly)
    [table] = dev_assembly.resources("data", "AWS::DynamoDB::GlobalTable").values()
    emptied = {
        r["Properties"]["BucketName"]["Ref"]
        for r in dev_assembly.resources("data", "Custom::S3AutoDeleteObjects").values()
    }

    assert {name: r.get("DeletionPolicy") for name, r in resources.items()} == dict.fromkeys(
        resources, "Delete"
    )
    assert not any(replica.get("DeletionProtectionEnabled") for replica in table["Properties"]["Replicas"])
    assert emptied == set(dev_assembly.resources("data", "AWS::S3::Bucket"))  # emptied before deletion


def test_prod_keeps_its_data_protected_and_restorable(assembly: Assembly) -> None:
    resources = stateful(assembly)
    [table] = assembly.resources("data", "AWS::DynamoDB::GlobalTable").values()

    assert {name: r.get("DeletionPolicy") for name, r in resources.items()} == dict.fromkeys(
        resources, "Retain"
    )
    for replica in table["Properties"]["Replicas"]:
        assert replica["DeletionProtectionEnabled"] is True
        assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert not assembly.resources("data", "Custom::S3AutoDeleteObjects")


def test_prod_alarms_reach_the_configured_subscriber(assembly: Assembly) -> None:
    topic = logical_id(assembly, "observability", "AWS::SNS::Topic")

    template(assembly, "observability").has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": ALARM_EMAIL, "TopicArn": {"Ref": topic}}
    )
    alarms = assembly.resources("observability", "AWS::CloudWatch::Alarm")
    assert alarms
    assert all({"Ref": topic} in alarm["Properties"]["AlarmActions"] for alarm in alarms.values())


@pytest.mark.parametrize("concern", ["data", "api", "storefront", "observability"])
def test_every_output_says_what_it_is(any_assembly: Assembly, concern: str) -> None:
    outputs = any_assembly.template(concern).get("Outputs", {})
    described = {name for name, output in outputs.items() if len(output.get("Description", "").split()) >= 3}
    exported = {name for name in outputs if name.startswith("ExportsOutput")}  # CDK's cross-stack references
    assert set(outputs) - exported == described
