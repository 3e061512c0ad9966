"""Product images uploaded from the store console (docs/console.md, Products): no script needed, the
browser posts the file straight to S3, S3's redirect brings it back, the page follows the processing and
adds the ready image to the product with its description; per role and per store."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import pytest
import requests

from infra.local import invoke
from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.media import service as media
from tests.console import ConsoleBrowser, signed_in, signed_in_as
from tests.images import photo
from tests.integration.console.test_imports import upload_form
from tests.integration.media.conftest import BAKERY, WIZAMART, Uploader
from tests.staff import WIZAMART as WIZAMART_HOST
from tests.staff import call


def chair() -> str:
    product = catalog.create_product(
        WIZAMART,
        ProductInput(
            title="Oak chair",
            handle="oak-chair",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="OAK-CHAIR", price=12900, stock=2),),
        ),
    )
    return product.id


def upload_from_the_console(browser: ConsoleBrowser, product_id: str, content: bytes) -> str:
    """Press "Upload an image", send the file as the page's form does, follow S3's redirect: the id."""
    started = browser.post(f"/admin/products/{product_id}/images/upload")
    assert started.status == 303, started.text[:2000]
    location = started.headers["location"]
    assert location.startswith(f"/admin/products/{product_id}/images/") and location.endswith("/upload")
    media_id = location.split("/")[-2]
    page = browser.get(location)
    assert page.status == 200
    assert 'enctype="multipart/form-data"' in page.text
    action, fields = upload_form(page.text)
    sent = requests.post(
        action, data=fields, files={"file": ("chair.jpg", content)}, allow_redirects=False, timeout=30
    )
    assert sent.status_code == 303, sent.text
    landing = urlsplit(sent.headers["location"])
    assert (landing.netloc, landing.path) == (
        WIZAMART_HOST,
        f"/admin/products/{product_id}/images/{media_id}/uploaded",
    )
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert {"key": f"oms/wizamart/originals/{media_id}"} in policy["conditions"]
    assert {"success_action_redirect": sent.headers["location"].split("?")[0]} in policy["conditions"]
    # S3's redirect is cross-site: the session cookie stays behind, the landing page sends the browser on.
    bounced = ConsoleBrowser().get(f"{landing.path}?{landing.query}")
    assert bounced.status == 200
    assert f"url=/admin/products/{product_id}/images/{media_id}" in bounced.text
    assert invoke.wait_for_async(60)
    return media_id


def test_staff_upload_an_image_and_add_it_to_a_product(upload: Uploader) -> None:
    owner = signed_in("wizamart-owner")
    product_id = chair()
    form = owner.get(f"/admin/products/{product_id}")
    assert "Upload an image" in form.text

    media_id = upload_from_the_console(owner, product_id, photo(1600, 1200, orientation=6))
    status = owner.get(f"/admin/products/{product_id}/images/{media_id}")
    assert status.status == 200
    assert f'src="/media/oms/wizamart/{media_id}/320.jpg"' in status.text
    assert "1200 x 1600 pixels" in status.text
    added = owner.post(f"/admin/products/{product_id}/images/{media_id}", {"alt": "The chair, front"})
    assert added.status == 303, added.text[:2000]

    product = catalog.get_product(WIZAMART, product_id)
    assert product.images == (f"media:{media_id}",)
    assert product.image_alts == {f"media:{media_id}": "The chair, front"}
    assert product.media[media_id].widths == (320, 640, 1200)
    edit = owner.get(f"/admin/products/{product_id}")
    assert f'value="media:{media_id}"' in edit.text
    assert f'<img src="/media/oms/wizamart/{media_id}/320.jpg" alt=""' in edit.text
    shop = call("GET", "/products/oak-chair").text
    assert f'<source type="image/webp" srcset="/media/oms/wizamart/{media_id}/320.webp 320w' in shop
    assert 'alt="The chair, front"' in shop

    # Saving the whole form again keeps the upload as the product knows it.
    saved = owner.post(
        f"/admin/products/{product_id}",
        {
            "title": "Oak chair",
            "status": "active",
            "version": catalog.product_version(product),
            "variants-0-sku": "OAK-CHAIR",
            "variants-0-price": "129.00",
            "images-0-url": f"media:{media_id}",
            "images-0-alt": "The chair, from the front",
            "images-0-position": "1",
        },
    )
    assert saved.status == 303, saved.text[:3000]
    assert catalog.get_product(WIZAMART, product_id).media[media_id].widths == (320, 640, 1200)


def test_a_refused_file_shows_why_and_offers_another_upload(upload: Uploader) -> None:
    owner = signed_in("wizamart-owner")
    product_id = chair()

    media_id = upload_from_the_console(owner, product_id, b"this is not a picture")
    status = owner.get(f"/admin/products/{product_id}/images/{media_id}")

    assert "The image was refused: The file is not a JPEG, PNG, WebP, GIF or AVIF image" in status.text
    assert "Upload another image" in status.text
    assert "Add to the product" not in status.text
    refused = owner.post(f"/admin/products/{product_id}/images/{media_id}", {"alt": ""})
    assert refused.status == 422
    assert catalog.get_product(WIZAMART, product_id).images == ()


def test_a_viewer_follows_uploads_but_neither_uploads_nor_adds(upload: Uploader) -> None:
    product_id = chair()
    record = upload(photo(400, 300))
    viewer = signed_in_as("viewer")

    page = viewer.get(f"/admin/products/{product_id}")
    assert "Upload an image" not in page.text
    assert viewer.post(f"/admin/products/{product_id}/images/upload").status == 403
    status = viewer.get(f"/admin/products/{product_id}/images/{record.id}")
    assert status.status == 200 and "Add to the product" not in status.text
    assert viewer.post(f"/admin/products/{product_id}/images/{record.id}", {"alt": "x"}).status == 403


def test_another_stores_upload_is_not_found(upload: Uploader) -> None:
    owner = signed_in("wizamart-owner")
    product_id = chair()
    theirs = upload(photo(300, 300), tenant=BAKERY)

    assert owner.get(f"/admin/products/{product_id}/images/{theirs.id}").status == 404
    assert owner.post(f"/admin/products/{product_id}/images/{theirs.id}", {"alt": ""}).status == 404
    assert owner.get(f"/admin/products/{product_id}/images/{theirs.id}/upload").status == 404
    assert catalog.get_product(WIZAMART, product_id).images == ()


@pytest.mark.parametrize(
    "path", ["/admin/products/{p}/images/nope", "/admin/products/{p}/images/nope/upload"]
)
def test_a_malformed_upload_id_is_not_found(cloud: None, path: str) -> None:
    owner = signed_in("wizamart-owner")
    assert owner.get(path.format(p=chair())).status == 404
    assert media.list_media(WIZAMART) == []
