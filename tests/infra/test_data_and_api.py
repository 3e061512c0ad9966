"""The data and API stacks follow infra/wiring.py: every function, route, table and bucket, and no
access beyond what the wiring lists."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra import wiring
from infra.stacks.permissions import TENANT_KEY_PATTERNS, WRITE_ACTION_PREFIXES
from orion.data.keys import ACCESS_PATTERNS
from tests.infra.conftest import Assembly


def function_resource(assembly: Assembly, name: str) -> dict[str, Any]:
    matches = [
        resource
        for resource in assembly.resources("api", "AWS::Lambda::Function").values()
        if resource["Properties"].get("FunctionName") == f"{assembly.prefix}-{name}"
    ]
    assert len(matches) == 1, f"wiring function {name!r} has {len(matches)} Lambdas"
    return matches[0]


def role_of(assembly: Assembly, name: str) -> str:
    role = function_resource(assembly, name)["Properties"]["Role"]
    return str(role["Fn::GetAtt"][0])


def statements_of_role(assembly: Assembly, role_id: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for policy in assembly.resources("api", "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def granted(assembly: Assembly, statements: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """The wiring resources these statements touch, as ("table"|"bucket"|"secret", name)."""
    found: set[tuple[str, str]] = set()
    for statement in statements:
        for resource in as_list(statement["Resource"]):
            text = json.dumps(resource)
            hits = {("table", t.name) for t in wiring.TABLES if f"Table{t.name.replace('-', '')}" in text}
            hits |= {
                ("bucket", b.name) for b in wiring.BUCKETS if f":s3:::{assembly.prefix}-{b.name}-" in text
            }
            hits |= {("secret", s.name) for s in wiring.SECRETS if f"Secret{s.name.replace('-', '')}" in text}
            found |= hits
    return found


def actions_of(statements: list[dict[str, Any]]) -> set[str]:
    return {action for statement in statements for action in as_list(statement["Action"])}


@pytest.mark.parametrize("fn", wiring.FUNCTIONS, ids=lambda fn: fn.name)
def test_every_wiring_function_is_an_arm64_lambda_with_its_own_role(
    assembly: Assembly, fn: wiring.Function
) -> None:
    properties = function_resource(assembly, fn.name)["Properties"]

    assert properties["Handler"] == fn.handler
    assert properties["Architectures"] == ["arm64"]
    assert properties["Runtime"] == "python3.13"
    assert properties["MemorySize"] == fn.memory_mb
    assert properties["Timeout"] == fn.timeout_seconds
    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert len(properties["Layers"]) == 1
    assert properties["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == f"orion-{fn.name}"
    roles = [role_of(assembly, other.name) for other in wiring.FUNCTIONS]
    assert roles.count(role_of(assembly, fn.name)) == 1


@pytest.mark.parametrize("fn", wiring.FUNCTIONS, ids=lambda fn: fn.name)
def test_a_function_is_granted_exactly_the_tables_buckets_and_secrets_the_wiring_lists(
    assembly: Assembly, fn: wiring.Function
) -> None:
    statements = statements_of_role(assembly, role_of(assembly, fn.name))
    listed = (
        {("table", name) for name in fn.tables}
        | {("bucket", name) for name in fn.buckets}
        | {("secret", name) for name in fn.secrets}
    )

    assert granted(assembly, statements) == listed


def test_the_grant_check_notices_an_extra_bucket(assembly: Assembly) -> None:
    """The check above can fail: a statement on a bucket the wiring does not list shows up."""
    unlisted = next(b for b in wiring.BUCKETS if b.name not in wiring.function("storefront").buckets)
    extra = {
        "Action": "s3:GetObject",
        "Effect": "Allow",
        "Resource": {
            "Fn::Join": [
                "",
                ["arn:", {"Ref": "AWS::Partition"}, f":s3:::{assembly.prefix}-{unlisted.name}-x/*"],
            ]
        },
    }
    statements = [*statements_of_role(assembly, role_of(assembly, "storefront")), extra]

    assert ("bucket", unlisted.name) in granted(assembly, statements)


def test_the_storefront_role_cannot_change_anything(assembly: Assembly) -> None:
    statements = statements_of_role(assembly, role_of(assembly, "storefront"))
    writes = {a for a in actions_of(statements) if a.startswith(WRITE_ACTION_PREFIXES) or a.endswith("*")}

    assert writes == set()


def test_only_xray_is_granted_on_every_resource(assembly: Assembly) -> None:
    for fn in wiring.FUNCTIONS:
        on_everything = {
            action.split(":")[0]
            for statement in statements_of_role(assembly, role_of(assembly, fn.name))
            if "*" in as_list(statement["Resource"])
            for action in as_list(statement["Action"])
        }
        assert on_everything == {"xray"}, fn.name  # every function is traced, and nothing else is global


# DescribeTable reads no item; a Query on the index ARNs alone is the index statement (no condition).
# Reading the table's stream (the outbox sender's trigger) touches no item by key either.
NOT_ITEM_ACTIONS = {
    "dynamodb:DescribeTable",
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
}


def test_item_access_is_confined_to_tenant_key_families(assembly: Assembly) -> None:
    for fn in wiring.FUNCTIONS:
        confined = 0
        for statement in statements_of_role(assembly, role_of(assembly, fn.name)):
            on_indexes_only = all("/index/" in json.dumps(r) for r in as_list(statement["Resource"]))
            item_actions = {
                a
                for a in as_list(statement["Action"])
                if a.startswith("dynamodb:") and a not in NOT_ITEM_ACTIONS
            }
            if item_actions and not on_indexes_only:
                condition = statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
                assert sorted(condition) == sorted(TENANT_KEY_PATTERNS)
                confined += 1
        # A function the wiring gives the table's items reads or writes them, and each such grant was
        # checked; a probe (metadata only) has no item grant at all.
        item_access = any(access is not wiring.Access.PROBE for access in fn.tables.values())
        assert (confined > 0) == item_access, fn.name


def test_every_access_pattern_uses_a_key_family_the_leading_keys_condition_allows() -> None:
    prefixes = tuple(pattern.rstrip("*") for pattern in TENANT_KEY_PATTERNS)
    table_keys = [(p.name, key) for p in ACCESS_PATTERNS for key in re.findall(r"\bPK=([^\s,;]+)", p.key)]
    assert len(table_keys) >= len(ACCESS_PATTERNS) // 2  # the pattern descriptions were read
    for name, key in table_keys:
        assert key.startswith(prefixes), f"{name}: {key} is outside {TENANT_KEY_PATTERNS}"


def test_every_wiring_route_is_an_api_route(assembly: Assembly) -> None:
    route_keys = {
        r["Properties"]["RouteKey"] for r in assembly.resources("api", "AWS::ApiGatewayV2::Route").values()
    }
    expected = {route.key for fn in wiring.FUNCTIONS for route in wiring.routes_of(fn)}

    assert route_keys == expected


def test_provisioned_and_reserved_concurrency_come_from_the_environment(assembly: Assembly) -> None:
    aliases = assembly.resources("api", "AWS::Lambda::Alias")
    provisioned = [a["Properties"].get("ProvisionedConcurrencyConfig") for a in aliases.values()]
    storefront = function_resource(assembly, "storefront")["Properties"]

    assert {"ProvisionedConcurrentExecutions": 2} in provisioned
    assert storefront["ReservedConcurrentExecutions"] == 200


def test_the_table_matches_the_wiring_and_is_protected(assembly: Assembly) -> None:
    (table,) = assembly.resources("data", "AWS::DynamoDB::GlobalTable").values()
    properties = table["Properties"]
    spec = wiring.TABLES[0]

    assert {g["IndexName"] for g in properties["GlobalSecondaryIndexes"]} == {
        name for name, _, _ in spec.gsis
    }
    assert properties["TimeToLiveSpecification"] == {"AttributeName": spec.ttl_attribute, "Enabled": True}
    (replica,) = properties["Replicas"]
    assert replica["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert replica["DeletionProtectionEnabled"] is True
    assert properties["SSESpecification"]["SSEType"] == "KMS"
    assert table["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize("bucket", wiring.BUCKETS, ids=lambda b: b.name)
def test_buckets_are_private_encrypted_and_expire_what_the_wiring_says(
    assembly: Assembly, bucket: wiring.Bucket
) -> None:
    (resource,) = [
        r
        for r in assembly.resources("data", "AWS::S3::Bucket").values()
        if f"{assembly.prefix}-{bucket.name}-" in json.dumps(r["Properties"].get("BucketName"))
    ]
    properties = resource["Properties"]

    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    rules = [r for r in properties["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r]
    by_prefix = {r.get("Prefix", ""): r["ExpirationInDays"] for r in rules if "TagFilters" not in r}
    by_tag = {
        (tag["Key"], tag["Value"]): r["ExpirationInDays"]
        for r in rules
        if "TagFilters" in r
        for tag in r["TagFilters"]
    }
    assert by_prefix == dict(bucket.expire_days)
    assert by_tag == {(wiring.EXPIRY_TAG, value): days for value, days in bucket.expire_tagged.items()}
    assert all(len(r.get("TagFilters", [])) <= 1 and not ("TagFilters" in r and "Prefix" in r) for r in rules)
    event_bridge = properties.get("NotificationConfiguration", {}).get("EventBridgeConfiguration", {})
    assert event_bridge.get("EventBridgeEnabled", False) is bucket.event_bridge


def test_every_bucket_policy_denies_requests_without_tls(assembly: Assembly) -> None:
    buckets = assembly.all_resources("AWS::S3::Bucket")
    policies = assembly.all_resources("AWS::S3::BucketPolicy").values()
    denied: set[str] = set()
    for policy in policies:
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement.get("Condition") == {
                "Bool": {"aws:SecureTransport": "false"}
            }:
                denied.add(policy["Properties"]["Bucket"]["Ref"])

    assert {key.split("/")[1] for key in buckets} == denied


def test_functions_name_the_secrets_the_data_stack_creates(assembly: Assembly) -> None:
    created = {
        r["Properties"]["Name"] for r in assembly.resources("data", "AWS::SecretsManager::Secret").values()
    }
    with_secrets = [fn for fn in wiring.FUNCTIONS if fn.secrets]
    assert with_secrets
    for fn in with_secrets:
        variables = function_resource(assembly, fn.name)["Properties"]["Environment"]["Variables"]
        for name in fn.secrets:
            assert variables[wiring.secret(name).env] in created


def test_every_wiring_schedule_is_an_eventbridge_schedule_of_its_function(assembly: Assembly) -> None:
    schedules = {
        resource["Properties"]["Name"]: resource["Properties"]
        for resource in assembly.resources("api", "AWS::Scheduler::Schedule").values()
    }
    assert set(schedules) == {f"{assembly.prefix}-{s.name}" for s in wiring.SCHEDULES}
    for schedule in wiring.SCHEDULES:
        properties = schedules[f"{assembly.prefix}-{schedule.name}"]
        assert properties["ScheduleExpression"] == schedule.expression
        assert json.loads(properties["Target"]["Input"]) == dict(schedule.input)


def test_the_health_function_may_only_probe_metadata_no_tenant_data(assembly: Assembly) -> None:
    statements = statements_of_role(assembly, role_of(assembly, "health"))
    actions = actions_of(statements)
    resources = json.dumps([statement["Resource"] for statement in statements])

    assert {"dynamodb:DescribeTable", "s3:ListBucket"} <= actions  # DescribeTable, HeadBucket
    assert not {a for a in actions if a.startswith(("dynamodb:Get", "dynamodb:Query", "s3:Get", "kms:"))}
    assert "/*" not in resources  # no object of any bucket (tenants' uploads and reports)


API_FUNCTIONS = [fn for fn in wiring.FUNCTIONS if wiring.routes_of(fn)]


@pytest.mark.parametrize("fn", API_FUNCTIONS, ids=lambda fn: fn.name)
def test_every_api_function_answers_only_what_came_through_cloudfront(
    assembly: Assembly, fn: wiring.Function
) -> None:
    variables = function_resource(assembly, fn.name)["Properties"]["Environment"]["Variables"]

    assert variables["ORION_REQUIRE_ORIGIN_VERIFY"] == "true"
    assert "origin-verify" in fn.secrets  # the gate reads the secret
    assert "ORION_ORIGIN_VERIFY_SECRET_NAME" in variables


def test_functions_without_routes_are_not_gated(assembly: Assembly) -> None:
    for fn in wiring.FUNCTIONS:
        if not wiring.routes_of(fn):
            variables = function_resource(assembly, fn.name)["Properties"]["Environment"]["Variables"]
            assert "ORION_REQUIRE_ORIGIN_VERIFY" not in variables, fn.name


def test_the_api_stage_is_throttled(assembly: Assembly) -> None:
    (stage,) = assembly.resources("api", "AWS::ApiGatewayV2::Stage").values()
    limits = stage["Properties"]["DefaultRouteSettings"]

    assert 0 < limits["ThrottlingRateLimit"] <= 1000
    assert limits["ThrottlingRateLimit"] <= limits["ThrottlingBurstLimit"] <= 5000
