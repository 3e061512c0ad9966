"""The storefront's CloudFront Function, run by Node on sample viewer-request events."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from infra.edge import VIEWER_REQUEST_JS

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the function")

RUNNER = """
const fs = require('fs');
eval(fs.readFileSync(process.argv[1], 'utf8'));
const event = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(handler(event)));
"""


def viewer_request(headers: dict[str, str]) -> dict[str, Any]:
    """A CloudFront Functions viewer-request event (header names arrive lower-cased)."""
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request", "distributionDomainName": "d111111abcdef8.cloudfront.net"},
        "viewer": {"ip": "198.51.100.7"},
        "request": {
            "method": "GET",
            "uri": "/products/blue-mug",
            "querystring": {},
            "headers": {name: {"value": value} for name, value in headers.items()},
            "cookies": {},
        },
    }


def run(event: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(
        ["node", "-e", RUNNER, str(VIEWER_REQUEST_JS)],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    request: dict[str, Any] = json.loads(result.stdout)
    return request


def test_the_viewer_host_travels_in_x_forwarded_host() -> None:
    request = run(viewer_request({"host": "Shop.Wizamart.LU", "accept": "text/html"}))

    assert request["headers"]["x-forwarded-host"] == {"value": "shop.wizamart.lu"}
    assert request["headers"]["host"] == {"value": "Shop.Wizamart.LU"}
    assert request["headers"]["accept"] == {"value": "text/html"}
    assert request["uri"] == "/products/blue-mug"


def test_a_viewer_cannot_choose_the_forwarded_host_or_the_origin_secret() -> None:
    request = run(
        viewer_request(
            {
                "host": "wizamart.oms.lu",
                "x-forwarded-host": "bakery.oms.lu",
                "x-origin-verify": "guessed-secret",
            }
        )
    )

    assert request["headers"]["x-forwarded-host"] == {"value": "wizamart.oms.lu"}
    assert "x-origin-verify" not in request["headers"]


def test_without_a_host_no_forwarded_host_survives() -> None:
    request = run(viewer_request({"x-forwarded-host": "bakery.oms.lu"}))

    assert "x-forwarded-host" not in request["headers"]
