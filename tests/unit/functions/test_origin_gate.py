"""The origin gate: a deployed API function answers only requests that came through CloudFront."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.common.edge import http_entry
from functions.common.entry import lambda_entry
from orion import runtime
from orion.settings import reset_settings
from orion.tenancy.errors import OriginSecretUnavailable
from orion.tenancy.origin_verify import OriginVerifyValues
from tests.events import FakeContext

SECRET = "cloudfront-only-knows-this"


class FakeSecretValues:
    def __init__(self) -> None:
        self.versions = [SECRET, "the-previous-value"]

    def accepts(self, name: str, value: str) -> bool:
        if not self.versions:
            raise OriginSecretUnavailable("AccessDenied")
        return value in self.versions


@http_entry()
def api_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": "served"}


@lambda_entry()
def task_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"done": True}


def request(**headers: str) -> dict[str, Any]:
    return {
        "headers": {"host": "abc123.execute-api.eu-west-1.amazonaws.com", **headers},
        "rawPath": "/api/v1/staff/orders",
        "requestContext": {"requestId": "r-1", "http": {"method": "GET"}},
    }


@pytest.fixture
def versions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("ORION_REQUIRE_ORIGIN_VERIFY", "true")
    reset_settings()
    fake = FakeSecretValues()
    runtime.substitute(OriginVerifyValues, fake)
    return fake.versions


def test_a_request_straight_to_the_execute_api_endpoint_is_refused(versions: list[str]) -> None:
    for event in (request(), request(**{"x-origin-verify": "a-guess"})):
        response = api_handler(event, FakeContext())
        assert response["statusCode"] == 403
        assert response["headers"]["Content-Type"] == "application/problem+json"
        problem = json.loads(response["body"])
        assert (problem["status"], problem["instance"]) == (403, "/api/v1/staff/orders")


def test_requests_cloudfront_forwarded_with_any_accepted_version_are_served(versions: list[str]) -> None:
    assert api_handler(request(**{"x-origin-verify": SECRET}), FakeContext())["body"] == "served"
    previous = request(**{"X-Origin-Verify": "the-previous-value"})
    assert api_handler(previous, FakeContext())["statusCode"] == 200


def test_an_unreadable_secret_refuses_rather_than_opens(versions: list[str]) -> None:
    versions.clear()
    assert api_handler(request(**{"x-origin-verify": SECRET}), FakeContext())["statusCode"] == 403


def test_tasks_and_the_local_cloud_are_not_gated(
    versions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert task_handler({}, FakeContext()) == {"done": True}
    monkeypatch.delenv("ORION_REQUIRE_ORIGIN_VERIFY")
    reset_settings()
    assert api_handler(request(), FakeContext())["statusCode"] == 200
