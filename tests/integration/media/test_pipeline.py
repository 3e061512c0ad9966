"""Uploaded images end to end in moto (docs/media.md): presigned POST -> S3 event -> the processing
function -> a ready record with its variants in the bucket, or a failed one with its reason and nothing
stored; redelivered events change nothing; a store never sees another's uploads."""

from __future__ import annotations

import io
from typing import Any

import boto3
import pytest
from PIL import Image

from functions.media.process import handler
from infra.local import invoke
from infra.local.lambda_runtime import LocalLambdaContext
from infra.wiring import LOCAL_REGION
from orion.errors import NotFound
from orion.media import service as media
from orion.media.models import MediaStatus
from orion.media.storage import VARIANT_CACHE_CONTROL, original_key
from tests.images import animated_gif, bomb_png, photo, transparent_png, truncated
from tests.integration.media.conftest import BAKERY, BUCKET, WIZAMART, Uploader, bucket_keys, post

CONTEXT = LocalLambdaContext("orion-media-process", 2048, 60)


def s3_object(key: str) -> Any:
    return boto3.client("s3", region_name=LOCAL_REGION).get_object(Bucket=BUCKET, Key=key)


def test_an_uploaded_photo_becomes_ready_with_upright_stripped_variants(upload: Uploader) -> None:
    record = upload(photo(1600, 1200, orientation=6))

    assert record.status is MediaStatus.READY, record.reason
    assert record.content_type == "image/jpeg"
    assert (record.width, record.height) == (1200, 1600)
    assert record.widths == (320, 640, 1200)  # never wider than the upright image
    prefix = f"oms/wizamart/{record.id}/"
    assert bucket_keys(prefix) == [f"{prefix}{w}.{fmt}" for w in (1200, 320, 640) for fmt in ("jpg", "webp")]
    assert bucket_keys("oms/wizamart/originals/") == []  # the original is gone once processed
    webp = s3_object(f"{prefix}640.webp")
    assert webp["ContentType"] == "image/webp"
    assert webp["CacheControl"] == VARIANT_CACHE_CONTROL
    image = Image.open(io.BytesIO(webp["Body"].read()))
    assert image.size == (640, 853)
    assert dict(image.getexif()) == {}


def test_png_gif_and_a_png_declared_as_jpeg_are_taken_as_what_they_are(upload: Uploader) -> None:
    png = upload(transparent_png(), "logo.png", "image/png")
    gif = upload(animated_gif(), "spin.gif", "image/gif")
    misnamed = upload(transparent_png(400, 300), "really-a-png.jpg", "image/jpeg")

    assert (png.status, png.content_type) == (MediaStatus.READY, "image/png")
    assert (gif.status, gif.content_type, gif.widths) == (MediaStatus.READY, "image/gif", (200,))
    assert (misnamed.status, misnamed.content_type) == (MediaStatus.READY, "image/png")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (truncated(photo(1200, 900)), "damaged or incomplete"),
        (b"plain text, named chair.jpg", "not a JPEG, PNG, WebP, GIF or AVIF image"),
        (bomb_png(), "more than 40 million pixels"),
    ],
    ids=["truncated", "wrong-type", "bomb"],
)
def test_a_refused_upload_fails_with_its_reason_and_nothing_is_stored(
    upload: Uploader, content: bytes, reason: str
) -> None:
    record = upload(content, "chair.jpg")

    assert record.status is MediaStatus.FAILED
    assert record.reason and reason in record.reason
    assert record.widths == ()
    assert bucket_keys("oms/wizamart/") == []  # no variant, and no original kept either


def test_an_upload_over_twenty_megabytes_is_refused_by_s3_and_stays_pending(cloud: None) -> None:
    ticket = media.request_upload(WIZAMART, "huge.jpg", "image/jpeg")

    answer = post(ticket, b"\xff\xd8" + b"\x00" * (20 * 1024 * 1024))

    assert answer.status_code == 400
    assert "<Code>EntityTooLarge</Code>" in answer.text
    assert invoke.wait_for_async(30)
    assert bucket_keys() == []
    assert media.get_media(WIZAMART, ticket.media.id).status is MediaStatus.PENDING


def test_a_redelivered_event_changes_nothing(upload: Uploader) -> None:
    record = upload(photo(800, 600))
    key = original_key(WIZAMART, record.id)
    event = {
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {"bucket": {"name": BUCKET}, "object": {"key": key, "size": 1234}},
    }

    answer = handler(event, CONTEXT)  # EventBridge delivers at least once: the same event again

    assert answer == {"status": "skipped"}
    again = media.get_media(WIZAMART, record.id)
    assert again == record
    assert len(bucket_keys(f"oms/wizamart/{record.id}/")) == 6


def test_a_file_put_again_at_a_processed_key_is_not_processed_again(upload: Uploader) -> None:
    record = upload(photo(800, 600))
    key = original_key(WIZAMART, record.id)

    boto3.client("s3", region_name=LOCAL_REGION).put_object(Bucket=BUCKET, Key=key, Body=b"not an image")
    assert invoke.wait_for_async(30)

    assert media.get_media(WIZAMART, record.id) == record  # still ready, not failed
    assert key in bucket_keys()  # left as it is: no record is pending for it (nothing will serve it)


def test_an_event_for_another_kind_of_key_is_ignored(cloud: None) -> None:
    assert media.process_upload("oms/wizamart/01ARZ3NDEKTSV4RRFFQ69G5FAV/320.webp") is None
    assert handler({"detail-type": "Object Created", "detail": {}}, CONTEXT) == {"status": "ignored"}


def test_another_store_never_sees_an_upload(upload: Uploader) -> None:
    record = upload(photo(400, 300))

    with pytest.raises(NotFound):
        media.get_media(BAKERY, record.id)
    assert media.list_media(BAKERY) == []
    assert [r.id for r in media.list_media(WIZAMART)] == [record.id]


def test_an_image_fetched_by_other_means_is_processed_without_the_bucket(cloud: None) -> None:
    """process_original takes bytes: a later caller (an image fetched from an address) reuses it."""
    ticket = media.request_upload(WIZAMART, "from-a-feed.jpg", "image/jpeg")

    record = media.process_original(WIZAMART, ticket.media.id, photo(700, 700))

    assert record.status is MediaStatus.READY
    assert record.widths == (320, 640, 700)
