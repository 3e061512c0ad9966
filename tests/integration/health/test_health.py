"""The health function against moto: live always, ready only while the table and buckets exist."""

from __future__ import annotations

import json
from typing import Any

import boto3

from functions.health.handler import handler
from infra.local.events import http_api_event
from tests.events import FakeContext


def get(path: str, host: str = "api.oms.localhost") -> tuple[int, dict[str, Any]]:
    event = http_api_event(method="GET", path=path, headers=[("Host", host)], route_key=f"GET {path}")
    result = handler(event, FakeContext())
    return result["statusCode"], json.loads(result["body"])


def test_liveness_answers_ok(aws: None) -> None:
    status, body = get("/health")
    assert status == 200
    assert body["status"] == "ok"


def test_ready_when_the_table_and_buckets_are_provisioned(aws: None) -> None:
    status, body = get("/health/ready")
    assert status == 200
    assert body["status"] == "ready"
    assert all(check["ok"] for check in body["checks"])


def test_not_ready_with_503_when_a_bucket_is_gone(aws: None) -> None:
    boto3.client("s3").delete_bucket(Bucket="orion-reports")
    status, body = get("/health/ready")
    assert status == 503
    assert body["status"] == "not-ready"
    failed = {check["name"] for check in body["checks"] if not check["ok"]}
    assert failed == {"bucket:reports"}


def test_not_ready_when_the_table_is_gone(aws: None) -> None:
    boto3.client("dynamodb").delete_table(TableName="orion")
    status, body = get("/health/ready")
    assert status == 503
    assert {c["name"] for c in body["checks"] if not c["ok"]} == {"table:main"}


def test_head_on_the_health_routes_is_get_without_a_body(aws: None) -> None:
    for path in ("/health", "/health/ready"):
        event = http_api_event(method="HEAD", path=path, headers=[("Host", "api.oms.localhost")])
        result = handler(event, FakeContext())
        assert result["statusCode"] == 200, path
        assert result["body"] == ""
        assert result["headers"]["Content-Type"] == "application/json"
        got = handler(
            http_api_event(method="GET", path=path, headers=[("Host", "api.oms.localhost")]), FakeContext()
        )
        assert result["headers"]["Content-Length"] == str(len(got["body"].encode()))
