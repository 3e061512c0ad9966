"""Rotating the origin-verify secret while requests flow: Secrets Manager (moto) drives the rotation
Lambda's four steps, CloudFront's distribution (moto) gets the new origin header, and a warm function
keeps trusting every value an edge may still send, so no request falls back to the origin host."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto.awslambda.models import LambdaFunction

from functions.common import edge
from functions.origin_rotation import handler as rotation_handler
from infra.wiring import LOCAL_ACCOUNT, LOCAL_REGION
from orion import runtime
from orion.tenancy import origin_verify
from orion.tenancy.errors import OriginSecretUnavailable, RotationError
from orion.tenancy.origin_verify import ORIGIN_VERIFY_HEADER, OriginVerifyValues
from tests.events import FakeContext

SECRET = "orion/origin-verify"
SHOP = "shop.wizamart.lu"
ORIGIN_HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
ROTATION_FUNCTION = "orion-origin-rotation"


def request_from_edge(value: str) -> bool:
    """Whether a request CloudFront forwards with ``value`` in X-Origin-Verify is served as the shop's
    (False: refused as the shop's, answered for the origin host)."""
    headers = {"host": ORIGIN_HOST, "x-forwarded-host": SHOP, "x-origin-verify": value}
    return edge.viewer_host(headers) == SHOP


def distribution(cloudfront: Any, value: str) -> str:
    config = {
        "CallerReference": "orion-test",
        "Comment": "storefront",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "api",
                    "DomainName": ORIGIN_HOST,
                    "CustomHeaders": {
                        "Quantity": 1,
                        "Items": [{"HeaderName": ORIGIN_VERIFY_HEADER, "HeaderValue": value}],
                    },
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "api",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
        },
    }
    return str(cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"])


def header_sent(cloudfront: Any, distribution_id: str) -> str:
    config = cloudfront.get_distribution_config(Id=distribution_id)["DistributionConfig"]
    return str(config["Origins"]["Items"][0]["CustomHeaders"]["Items"][0]["HeaderValue"])


@pytest.fixture
def rotation(aws: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A distribution sending the current value, a rotation Lambda (run in-process) that records the
    requests edges send after each step: edges already switched send the header the distribution now
    has, edges not yet switched the value they had."""
    secrets = boto3.client("secretsmanager", region_name=LOCAL_REGION)
    cloudfront = boto3.client("cloudfront", region_name=LOCAL_REGION)
    old = secrets.get_secret_value(SecretId=SECRET)["SecretString"]
    distribution_id = distribution(cloudfront, old)
    monkeypatch.setenv("ORION_DISTRIBUTION_ID", distribution_id)
    iam = boto3.client("iam", region_name=LOCAL_REGION)
    role = iam.create_role(RoleName="rotation", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    function_arn = boto3.client("lambda", region_name=LOCAL_REGION).create_function(
        FunctionName=ROTATION_FUNCTION,
        Runtime="python3.13",
        Role=role,
        Handler="functions.origin_rotation.handler.handler",
        Code={"ZipFile": b"stand-in: the handler runs in-process"},
    )["FunctionArn"]
    served: dict[str, Any] = {"old": old, "arn": function_arn, "distribution": distribution_id, "refused": 0}
    served["requests"] = 0
    original = LambdaFunction._invoke_lambda

    def invoke_in_process(self: Any, event: Any = None) -> tuple[str, bool, str]:
        if self.function_name != ROTATION_FUNCTION:
            return original(self, event)
        payload = event if isinstance(event, dict) else json.loads(event or "{}")
        try:
            rotation_handler.handler(payload, FakeContext())
        except Exception as exc:  # reported as Lambda would; the test checks the secret's state
            served["error"] = exc
            return json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__}), True, ""
        for value in {old, header_sent(cloudfront, distribution_id)}:
            for _ in range(3):
                served["requests"] += 1
                served["refused"] += not request_from_edge(value)
        return "{}", False, ""

    monkeypatch.setattr(LambdaFunction, "_invoke_lambda", invoke_in_process)
    return served


def test_a_rotation_while_requests_flow_refuses_none(rotation: dict[str, Any]) -> None:
    secrets = boto3.client("secretsmanager", region_name=LOCAL_REGION)
    cloudfront = boto3.client("cloudfront", region_name=LOCAL_REGION)
    assert request_from_edge(rotation["old"])  # a warm function, its cache filled before the rotation

    secrets.rotate_secret(
        SecretId=SECRET, RotationLambdaARN=rotation["arn"], RotationRules={"AutomaticallyAfterDays": 30}
    )

    assert rotation.get("error") is None
    new = secrets.get_secret_value(SecretId=SECRET)["SecretString"]
    assert new != rotation["old"]
    assert header_sent(cloudfront, rotation["distribution"]) == new
    previous = secrets.get_secret_value(SecretId=SECRET, VersionStage="AWSPREVIOUS")["SecretString"]
    assert previous == rotation["old"]
    assert rotation["requests"] >= 12
    assert rotation["refused"] == 0
    # After the rotation: lagging edges (old value) and switched ones (new value) are both served.
    assert request_from_edge(rotation["old"])
    assert request_from_edge(new)
    assert not request_from_edge("a-guess")


def test_the_old_value_is_dropped_by_the_next_rotation(rotation: dict[str, Any]) -> None:
    secrets = boto3.client("secretsmanager", region_name=LOCAL_REGION)
    for _ in range(2):
        secrets.rotate_secret(
            SecretId=SECRET, RotationLambdaARN=rotation["arn"], RotationRules={"AutomaticallyAfterDays": 30}
        )
    assert rotation.get("error") is None
    assert rotation["refused"] == 0
    accepted = runtime.repository(OriginVerifyValues).values(SECRET, refresh=True)
    assert rotation["old"] not in accepted
    assert len(accepted) == 2  # current and previous


def test_the_origin_header_is_updated_once_and_only_when_it_differs(aws: None) -> None:
    from orion.tenancy.origin_verify import OriginHeader

    cloudfront = boto3.client("cloudfront", region_name=LOCAL_REGION)
    distribution_id = distribution(cloudfront, "old")
    header = OriginHeader(distribution_id)
    assert header.send("new") == 1
    assert header.sent() == {"new"}
    assert header.send("new") == 0  # unchanged: no update, no new ETag


def test_a_token_that_is_not_a_version_of_the_secret_is_refused(aws: None) -> None:
    from orion.tenancy.origin_verify import OriginHeader, OriginSecretRotation

    arn = f"arn:aws:secretsmanager:{LOCAL_REGION}:{LOCAL_ACCOUNT}:secret:{SECRET}"
    with pytest.raises(RotationError):
        OriginSecretRotation(arn, "not-a-version", OriginHeader("E123")).run("createSecret")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_guessed_headers_reread_the_secret_at_most_every_10_seconds(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    read_stages = origin_verify._read_stages

    def counted(name: str) -> tuple[str, ...]:
        reads.append(name)
        return read_stages(name)

    monkeypatch.setattr(origin_verify, "_read_stages", counted)
    clock = Clock()
    values = OriginVerifyValues(clock)
    current = boto3.client("secretsmanager", region_name=LOCAL_REGION).get_secret_value(SecretId=SECRET)

    assert values.accepts(SECRET, current["SecretString"])
    for _ in range(20):
        assert not values.accepts(SECRET, "a-guess")
    clock.now += origin_verify.REFRESH_FLOOR_SECONDS
    assert not values.accepts(SECRET, "another-guess")

    assert len(reads) == 3  # the first read, one early re-read, one more 10 s later


def test_a_secret_unreadable_for_a_moment_keeps_the_values_read_before(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    values = OriginVerifyValues(clock)
    current = boto3.client("secretsmanager", region_name=LOCAL_REGION).get_secret_value(SecretId=SECRET)
    assert values.accepts(SECRET, current["SecretString"])

    def unreadable(name: str) -> tuple[str, ...]:
        raise OriginSecretUnavailable("ThrottlingException")

    monkeypatch.setattr(origin_verify, "_read_stages", unreadable)
    clock.now += origin_verify.MAX_AGE_SECONDS
    assert values.accepts(SECRET, current["SecretString"])
    with pytest.raises(OriginSecretUnavailable):
        OriginVerifyValues(clock).values(SECRET)  # a cold container has nothing to fall back on
