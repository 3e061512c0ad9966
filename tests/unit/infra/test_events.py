"""HTTP requests become API Gateway v2 events and Lambda results become HTTP responses, as on AWS."""

from __future__ import annotations

import base64

from infra.local.events import http_api_event, lambda_result_to_http


def test_event_shape_follows_payload_v2() -> None:
    event = http_api_event(
        method="POST",
        path="/cart/items",
        query="a=1&a=2&b=",
        headers=[
            ("Host", "wizamart.oms.localhost:8000"),
            ("Cookie", "cart=abc; csrf=xyz"),
            ("X-Multi", "1"),
            ("X-Multi", "2"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body=b"sku=A&quantity=2",
        route_key="POST /cart/items",
    )
    assert event["version"] == "2.0"
    assert event["headers"]["host"] == "wizamart.oms.localhost:8000"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["cart=abc", "csrf=xyz"]
    assert event["headers"]["x-multi"] == "1,2"
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["body"] == "sku=A&quantity=2"
    assert event["isBase64Encoded"] is False
    assert event["requestContext"]["http"]["method"] == "POST"


def test_binary_bodies_are_base64() -> None:
    event = http_api_event(
        method="POST", path="/x", headers=[("Content-Type", "application/octet-stream")], body=b"\x00\xff"
    )
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\xff"


def test_results_become_responses() -> None:
    result = lambda_result_to_http(
        {
            "statusCode": 303,
            "headers": {"Location": "/cart"},
            "cookies": ["cart=1; HttpOnly", "csrf=2"],
            "body": base64.b64encode(b"\x89PNG").decode(),
            "isBase64Encoded": True,
        }
    )
    assert result.status == 303
    assert ("Location", "/cart") in result.headers
    assert [v for k, v in result.headers if k == "Set-Cookie"] == ["cart=1; HttpOnly", "csrf=2"]
    assert result.body == b"\x89PNG"


def test_a_bare_value_is_200_json() -> None:
    result = lambda_result_to_http({"ok": True})
    assert result.status == 200
    assert result.body == b'{"ok": true}'
