"""Uploaded images against the server `make run` starts (docs/media.md, Try it): the staff API's ticket,
the presigned POST to the local S3, the processing the bucket's event runs in the local cloud, the
variants served under /media/ on every host of the store, and a product page drawing them; then the
console's upload page in Chromium, with axe-core."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.e2e.console_browser import console_url, serious_violations, sign_in
from tests.images import photo
from tests.local_server import LocalServer

pytestmark = pytest.mark.e2e
HOST = "wizamart.oms.localhost"
OWNER = {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"}


@contextmanager
def signed_in_api(
    server: LocalServer, host: str = HOST, login: dict[str, str] = OWNER
) -> Iterator[httpx.Client]:
    with server.client(host) as api:
        answer = api.post("/api/v1/auth/login", json=login)
        assert answer.status_code == 200, answer.text
        api.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        yield api


def until_processed(api: httpx.Client, media_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    shown: dict[str, Any] = api.get(f"/api/v1/media/{media_id}").json()
    while shown["status"] == "pending":
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
        shown = api.get(f"/api/v1/media/{media_id}").json()
    return shown


def test_an_uploaded_image_is_processed_served_and_drawn_on_its_product_page(
    local_server: LocalServer,
) -> None:
    with signed_in_api(local_server) as api:
        ticket = api.post("/api/v1/media", json={"file_name": "chair.jpg", "content_type": "image/jpeg"})
        assert ticket.status_code == 201, ticket.text
        upload = ticket.json()["upload"]
        media_id = ticket.json()["media"]["id"]

        stored = httpx.post(
            upload["url"], data=upload["fields"], files={"file": ("chair.jpg", photo(1600, 1200))}, timeout=30
        )
        assert stored.status_code == 204, stored.text
        shown = until_processed(api, media_id)
        assert shown["status"] == "ready", shown
        assert [v["width"] for v in shown["variants"]] == [320, 640, 1280]

        product = api.post(
            "/api/v1/products",
            json={
                "title": "Media chair",
                "handle": "media-chair",
                "status": "active",
                "images": [f"media:{media_id}"],
                "variants": [{"sku": "MEDIA-CHAIR", "price": 12900, "stock": 2}],
            },
        )
        assert product.status_code == 201, product.text

        theirs = {"email": "owner@bakery.lu", "password": "bakery-owner-demo"}
        with signed_in_api(local_server, "bakery.oms.localhost", theirs) as bakery:
            assert bakery.get(f"/api/v1/media/{media_id}").status_code == 404

    # Served on every host (the store's subdomain, its custom domain), as CloudFront serves the bucket.
    for host in (HOST, "shop.wizamart.localhost"):
        with local_server.client(host) as shop:
            variant = shop.get(f"/media/oms/wizamart/{media_id}/640.webp")
            assert variant.status_code == 200
            assert variant.headers["content-type"] == "image/webp"
            assert variant.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert shop.get(f"/media/oms/wizamart/originals/{media_id}").status_code == 404
    with local_server.client(HOST) as shop:
        page = shop.get("/products/media-chair").text
    assert f'srcset="/media/oms/wizamart/{media_id}/320.webp 320w' in page
    assert re.search(r'<img src="/media/oms/wizamart/\w+/640\.jpg" srcset="[^"]+" sizes="[^"]+"', page)


def test_the_demo_products_show_uploaded_pictures_the_gateway_serves(local_server: LocalServer) -> None:
    """`make run`'s demo catalogue is uploads too: every listed product of both stores draws a <picture>
    whose variants the local gateway serves, WebP at each width and the JPEG fallback. (A category's
    listing: other tests add products of their own to the store.)"""
    for host, store, category in ((HOST, "wizamart", "kitchen"), ("bakery.oms.localhost", "bakery", "bread")):
        with local_server.client(host) as shop:
            listing = shop.get(f"/categories/{category}").text
            cards = listing.count('<li class="card">')
            sources = re.findall(r'<source type="image/webp" srcset="([^"]+)"', listing)
            assert cards > 0 and len(sources) == cards, f"{store}: a listed product without a picture"
            first = re.findall(rf"(/media/oms/{store}/\w+/(\d+)\.webp) (\d+)w", sources[0])
            assert [int(width) for _, width, _ in first] == [320, 640, 1280]
            for url, width, _ in first:
                variant = shop.get(url)
                assert variant.status_code == 200, url
                assert variant.headers["content-type"] == "image/webp"
                assert Image.open(io.BytesIO(variant.content)).width == int(width)
            fallback = re.search(rf'<img src="(/media/oms/{store}/\w+/640\.jpg)"', listing)
            assert fallback
            assert shop.get(fallback.group(1)).headers["content-type"] == "image/jpeg"


@pytest.mark.browser
def test_the_console_uploads_an_image_without_an_accessibility_problem(
    local_server: LocalServer, page: Any, tmp_path: Path
) -> None:
    with signed_in_api(local_server) as api:
        created = api.post(
            "/api/v1/products",
            json={
                "title": "Console lamp",
                "status": "active",
                "variants": [{"sku": "CONSOLE-LAMP", "price": 4900, "stock": 2}],
            },
        )
        assert created.status_code == 201, created.text
        product_id = created.json()["id"]
    picture = tmp_path / "lamp.png"
    picture.write_bytes(photo(900, 600, fmt="PNG"))

    sign_in(page, local_server, OWNER["email"], OWNER["password"])
    page.goto(console_url(local_server, f"/admin/products/{product_id}"))
    page.click("section[aria-labelledby='upload-h'] button")
    page.wait_for_url(re.compile(r".*/images/\w+/upload$"))
    assert serious_violations(page) == []
    page.set_input_files("input[name=file]", str(picture))
    page.click("#upload-form button")
    page.wait_for_url(re.compile(r".*/images/\w+$"))  # S3's redirect, then the landing page's
    page.wait_for_selector("text=Add to the product", timeout=60_000)  # the page follows the processing
    assert serious_violations(page) == []
    page.fill("input[name=alt]", "A lamp")
    page.click("text=Add to the product")
    page.wait_for_url(f"**/admin/products/{product_id}")
    assert page.locator("img[src^='/media/oms/wizamart/']").count() == 1
    assert serious_violations(page) == []
