"""Uploaded images through the staff API and on the shop (docs/media.md, docs/staff-api.md#media): the
upload ticket, the status with the variants' addresses, products naming uploads, the pages' <picture>,
and /media/ served as CloudFront serves it."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from infra.local import invoke
from infra.local import media as served
from orion.media import service as media
from orion.media.models import MediaStatus
from orion.media.storage import VARIANT_CACHE_CONTROL, original_key
from tests.images import photo
from tests.integration.media.conftest import BAKERY as BAKERY_TENANT
from tests.integration.media.conftest import WIZAMART as WIZAMART_TENANT
from tests.integration.media.conftest import Uploader, post
from tests.staff import BAKERY, WIZAMART, call, token_of

MB = 1024 * 1024


def start(token: str, host: str = WIZAMART, **body: str) -> Any:
    response = call(
        "POST",
        "/api/v1/media",
        host=host,
        token=token,
        body={"file_name": "chair.jpg", "content_type": "image/jpeg", **body},
    )
    assert response.status == 201, response.body
    return response.json()


def product_body(*images: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Oak chair",
        "status": "active",
        "images": list(images),
        "variants": [{"sku": f"CHAIR-{len(images)}-{extra.pop('n', 0)}", "price": 12900, "stock": 3}],
        **extra,
    }


def test_staff_upload_an_image_and_follow_it_until_its_variants_are_served(upload: Uploader) -> None:
    editor = token_of("wizamart-editor")  # staff who edit products may upload
    ticket = start(editor)

    assert ticket["media"]["status"] == "pending"
    assert ticket["media"]["ref"] == f"media:{ticket['media']['id']}"
    assert ticket["media"]["variants"] == []
    fields = ticket["upload"]["fields"]
    key = f"oms/wizamart/originals/{ticket['media']['id']}"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert fields["key"] == key
    assert {"key": key} in policy["conditions"]
    assert ["content-length-range", 1, 20 * MB] in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert ticket["upload"]["max_bytes"] == 20 * MB

    answer = post(media.upload_ticket(WIZAMART_TENANT, ticket["media"]["id"]), photo(1600, 1200))
    assert answer.status_code == 204
    assert invoke.wait_for_async(60)

    shown = call("GET", f"/api/v1/media/{ticket['media']['id']}", token=editor).json()
    assert shown["status"] == "ready"
    assert (shown["content_type"], shown["width"], shown["height"]) == ("image/jpeg", 1600, 1200)
    # The caller's scheme and host (behind CloudFront https; the local gateway says http).
    base = f"https://{WIZAMART}/media/oms/wizamart/{ticket['media']['id']}"
    assert shown["variants"] == [
        {"width": w, "height": h, "webp": f"{base}/{w}.webp", "jpg": f"{base}/{w}.jpg"}
        for w, h in ((320, 240), (640, 480), (1280, 960))
    ]
    listed = call("GET", "/api/v1/media", token=editor).json()["media"]
    assert [m["id"] for m in listed] == [ticket["media"]["id"]]

    # Served on every host of the store, as CloudFront serves the bucket: immutable, a year.
    variant = served.serve("GET", f"/media/oms/wizamart/{ticket['media']['id']}/640.webp", {})
    assert variant.status == 200
    headers = dict(variant.headers)
    assert headers["Content-Type"] == "image/webp"
    assert headers["Cache-Control"] == VARIANT_CACHE_CONTROL == "public, max-age=31536000, immutable"
    assert variant.body[:4] == b"RIFF"
    assert served.serve("HEAD", f"/media/oms/wizamart/{ticket['media']['id']}/320.jpg", {}).status == 200
    again = served.serve(
        "GET", f"/media/oms/wizamart/{ticket['media']['id']}/640.webp", {"If-None-Match": headers["ETag"]}
    )
    assert again.status == 304


def test_only_variant_shaped_keys_are_served(upload: Uploader) -> None:
    record = upload(photo(400, 300))
    pending = media.request_upload(WIZAMART_TENANT, "x.jpg", "image/jpeg").media
    post(media.upload_ticket(WIZAMART_TENANT, pending.id), b"kept original")  # refused, then deleted
    assert invoke.wait_for_async(60)
    import boto3

    boto3.client("s3").put_object(
        Bucket="orion-media", Key=original_key(WIZAMART_TENANT, record.id), Body=b"x"
    )

    for path in (
        f"/media/{original_key(WIZAMART_TENANT, record.id)}",  # an original: never
        f"/media/oms/wizamart/{record.id}/999.webp",  # no such variant
        f"/media/oms/wizamart/{record.id}/320.png",
        "/media/",
        "/media/../oms/wizamart/originals/x",
    ):
        assert served.serve("GET", path, {}).status == 404, path
    assert served.serve("PUT", f"/media/oms/wizamart/{record.id}/320.webp", {}).status == 403


def test_an_image_type_we_do_not_take_is_refused_before_any_upload(cloud: None) -> None:
    refused = call(
        "POST",
        "/api/v1/media",
        token=token_of("wizamart-owner"),
        body={"file_name": "doc.pdf", "content_type": "application/pdf"},
    )

    assert refused.status == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "content_type"


def test_another_store_never_reads_an_upload(upload: Uploader) -> None:
    record = upload(photo(400, 300))

    theirs = call("GET", f"/api/v1/media/{record.id}", host=BAKERY, token=token_of("bakery-owner"))
    assert theirs.status == 404
    assert "wizamart" not in theirs.text
    assert call("GET", "/api/v1/media", host=BAKERY, token=token_of("bakery-owner")).json() == {"media": []}
    mine_elsewhere = call("GET", f"/api/v1/media/{record.id}", host=BAKERY, token=token_of("wizamart-owner"))
    assert mine_elsewhere.status == 403


def test_a_product_naming_an_upload_renders_responsive_pictures(upload: Uploader) -> None:
    owner = token_of("wizamart-owner")
    record = upload(photo(1600, 1200))
    created = call(
        "POST",
        "/api/v1/products",
        token=owner,
        body=product_body(
            record.ref,
            "https://cdn.example.com/chair-back.jpg",
            handle="oak-chair",
            image_alts={record.ref: "An oak chair from the front"},
        ),
    )
    assert created.status == 201, created.body
    assert created.json()["images"][0] == record.ref
    assert created.json()["media"] == {
        record.id: {"id": record.id, "width": 1600, "height": 1200, "widths": [320, 640, 1280]}
    }

    page = call("GET", "/products/oak-chair").text
    base = f"/media/oms/wizamart/{record.id}"
    webp = f"{base}/320.webp 320w, {base}/640.webp 640w, {base}/1280.webp 1280w"
    jpeg = f"{base}/320.jpg 320w, {base}/640.jpg 640w, {base}/1280.jpg 1280w"
    picture = re.search(r"<picture>.*?</picture>", page, re.S)
    assert picture is not None
    assert f'<source type="image/webp" srcset="{webp}"' in picture.group(0)
    assert f'src="{base}/640.jpg" srcset="{jpeg}"' in picture.group(0)
    assert 'alt="An oak chair from the front"' in picture.group(0)
    assert 'width="480" height="360"' in picture.group(0)  # its own 4:3 ratio: no layout shift
    assert "loading=" not in picture.group(0)  # the first image is above the fold
    assert 'fetchpriority="high"' in picture.group(0)  # and likely the page's largest paint
    assert '<img src="https://cdn.example.com/chair-back.jpg"' in page  # an address stays a plain <img>
    assert f'<meta property="og:image" content="https://{WIZAMART}{base}/640.jpg">' in page
    assert "media:" not in page

    listing = call("GET", "/products").text
    card = re.search(
        rf'<picture><source type="image/webp" srcset="{re.escape(webp)}"[^>]*>(<img[^>]*>)', listing
    )
    assert card is not None
    assert "loading=" not in card.group(1)  # the listing's only product: first row, fetched first
    assert 'fetchpriority="high"' in card.group(1)
    assert 'width="240" height="180"' in card.group(1)


@pytest.mark.parametrize("case", ["unknown", "other-store", "failed"])
def test_a_product_may_not_name_an_upload_it_cannot_show(upload: Uploader, case: str) -> None:
    if case == "unknown":
        ref = "media:01ARZ3NDEKTSV4RRFFQ69G5FAV"
    elif case == "other-store":
        ref = upload(photo(300, 300), tenant=BAKERY_TENANT).ref
    else:
        ref = upload(b"not an image").ref

    refused = call("POST", "/api/v1/products", token=token_of("wizamart-owner"), body=product_body(ref))

    assert refused.status == 422, refused.body
    assert refused.json()["errors"][0]["field"] == "images.0"


def test_an_upload_still_processing_is_a_409_to_try_again(cloud: None) -> None:
    pending = media.request_upload(WIZAMART_TENANT, "chair.jpg", "image/jpeg").media
    assert pending.status is MediaStatus.PENDING

    refused = call(
        "POST", "/api/v1/products", token=token_of("wizamart-owner"), body=product_body(pending.ref)
    )

    assert refused.status == 409
    assert "still being processed" in refused.json()["detail"]


def test_a_malformed_media_reference_is_a_422(cloud: None) -> None:
    refused = call(
        "POST", "/api/v1/products", token=token_of("wizamart-owner"), body=product_body("media:chair.jpg")
    )

    assert refused.status == 422
    assert "images" in refused.json()["errors"][0]["field"]
