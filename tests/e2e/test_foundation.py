"""The foundation's acceptance, checked over HTTP against the server `make run` starts."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import dump_dom, screenshot
from tests.environment import ARTIFACTS
from tests.local_server import LocalServer

pytestmark = pytest.mark.e2e


def heading(html: str) -> str:
    found = re.search(r"<h1>([^<]*)</h1>", html)
    return found.group(1) if found else ""


@pytest.mark.parametrize("host", ["wizamart.oms.localhost", "shop.wizamart.localhost"])
def test_store_hosts_show_the_store(local_server: LocalServer, host: str) -> None:
    with local_server.client(host) as http:
        response = http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert heading(response.text) == "Wizamart"


def test_dev_path_mode_shows_the_same_store(local_server: LocalServer) -> None:
    with local_server.client() as http:
        response = http.get("/oms/stores/wizamart/")
    assert response.status_code == 200
    assert heading(response.text) == "Wizamart"
    assert 'href="/oms/stores/wizamart/"' in response.text  # links stay inside the path-mode prefix


def test_platform_host_shows_the_platform_home(local_server: LocalServer) -> None:
    with local_server.client("oms.localhost") as http:
        response = http.get("/")
    assert response.status_code == 200
    assert heading(response.text) == "OMS"


@pytest.mark.parametrize("host", ["nobody.example", "closed-shop.oms.localhost", "ghost.oms.localhost"])
def test_no_tenant_is_a_404_page(local_server: LocalServer, host: str) -> None:
    with local_server.client(host) as http:
        response = http.get("/")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


def test_stores_are_isolated_by_host(local_server: LocalServer) -> None:
    with local_server.client("bakery.oms.localhost") as http:
        bakery = http.get("/")
    assert heading(bakery.text) == "Boulangerie Schmit"
    assert "Wizamart" not in bakery.text


def test_unchanged_pages_answer_304_to_a_conditional_get(local_server: LocalServer) -> None:
    with local_server.client("wizamart.oms.localhost") as http:
        first = http.get("/")
        again = http.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert "s-maxage=" in first.headers["cache-control"]
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.browser
def test_a_browser_shows_the_store_home(local_server: LocalServer) -> None:
    url = f"http://wizamart.oms.localhost:{local_server.port}/"
    dom = dump_dom(url)
    assert heading(dom) == "Wizamart"
    screenshot(url, ARTIFACTS / "foundation-store-home.png")


def test_pages_reach_a_browser_compressed_as_cloudfront_sends_them(local_server: LocalServer) -> None:
    """The gateway gzips what CloudFront would (docs/local-cloud.md): the page reads the same."""
    with local_server.client("wizamart.oms.localhost") as http:
        compressed = http.get("/products", headers={"Accept-Encoding": "gzip"})
        plain = http.get("/products", headers={"Accept-Encoding": "identity"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in compressed.headers["vary"].lower()
    assert int(compressed.headers["content-length"]) < len(compressed.content) / 3
    assert "content-encoding" not in plain.headers
    assert compressed.text == plain.text
