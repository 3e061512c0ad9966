"""The storefront handler through the table and the templates bucket (moto)."""

from __future__ import annotations

import boto3
import pytest

from functions.storefront.handler import handler
from tests.events import FakeContext, load_event


def render(event_name: str, **changes: object) -> dict[str, object]:
    result: dict[str, object] = handler(load_event(f"storefront/{event_name}", **changes), FakeContext())
    return result


@pytest.mark.parametrize("event_name", ["store-home", "custom-domain-home", "path-mode-home"])
def test_every_way_to_a_store_shows_that_store(demo: list[str], event_name: str) -> None:
    result = render(event_name)
    assert result["statusCode"] == 200
    assert "<h1>Wizamart</h1>" in str(result["body"])
    assert "text/html" in str(result["headers"]["Content-Type"])  # type: ignore[index]


def test_platform_host_shows_the_platform_home(demo: list[str]) -> None:
    result = render("platform-home")
    assert result["statusCode"] == 200
    assert "<h1>OMS</h1>" in str(result["body"])


def test_unknown_host_is_a_404_page(demo: list[str]) -> None:
    result = render("unknown-host")
    assert result["statusCode"] == 404
    assert "Page not found" in str(result["body"])


def test_suspended_store_is_a_404_page(demo: list[str]) -> None:
    result = render("store-home", host="closed-shop.oms.lu")
    assert result["statusCode"] == 404
    assert "Closed Shop" not in str(result["body"])


def test_forwarded_host_is_trusted_only_with_the_origin_secret(demo: list[str]) -> None:
    secret = boto3.client("secretsmanager").get_secret_value(SecretId="orion/origin-verify")["SecretString"]
    trusted = render("cloudfront-forwarded-home", headers={"x-origin-verify": secret})
    assert trusted["statusCode"] == 200
    assert "<h1>Wizamart</h1>" in str(trusted["body"])

    spoofed = render("cloudfront-forwarded-home", headers={"x-origin-verify": "guess"})
    assert spoofed["statusCode"] == 404
