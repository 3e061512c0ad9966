"""The image rules (docs/media.md, What an upload must be): an upload is checked by decoding it, never by
its name; a bomb, a truncated or corrupt file, another type or too many bytes is refused with a reason;
an accepted one is turned upright, stripped of its metadata and resized, never upscaled."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from orion.media.errors import ImageRefused
from orion.media.images import MAX_BYTES, process_image
from tests.images import animated_gif, bomb_png, dominant, encoded, photo, transparent_png, truncated

RED, BLUE = (220, 20, 20), (20, 20, 220)


def close(colour: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(colour, expected, strict=True))


def decoded(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    image.load()
    return image


def refusal(data: bytes) -> str:
    with pytest.raises(ImageRefused) as refused:
        process_image(data)
    return str(refused.value)


def test_a_photo_becomes_webp_and_jpeg_at_three_widths() -> None:
    processed = process_image(photo(1600, 1200))

    assert processed.content_type == "image/jpeg"
    assert (processed.width, processed.height) == (1600, 1200)
    assert processed.widths == (320, 640, 1280)
    made = {(v.format, v.width, v.height) for v in processed.variants}
    assert made == {(fmt, w, h) for fmt in ("webp", "jpg") for w, h in ((320, 240), (640, 480), (1280, 960))}
    for variant in processed.variants:
        image = decoded(variant.body)
        assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[variant.format]
        assert image.size == (variant.width, variant.height)


def test_the_camera_orientation_is_applied_and_every_metadata_is_stripped() -> None:
    # Stored sideways (orientation 6: shown turned 90 degrees clockwise): red left, blue right.
    processed = process_image(photo(1600, 1200, orientation=6))

    assert (processed.width, processed.height) == (1200, 1600)  # upright: portrait
    for variant in processed.variants:
        image = decoded(variant.body)
        assert image.width < image.height
        assert close(dominant(variant.body, 0.5, 0.1), RED)  # what was left is now on top
        assert close(dominant(variant.body, 0.5, 0.9), BLUE)
        assert dict(image.getexif()) == {}  # no orientation left to apply twice, no camera, no location
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        assert b"TestCam" not in variant.body


@pytest.mark.parametrize(
    ("width", "widths"),
    [(200, (200,)), (500, (320, 500)), (1000, (320, 640, 1000)), (3000, (320, 640, 1280))],
)
def test_an_image_is_never_made_wider_than_it_is(width: int, widths: tuple[int, ...]) -> None:
    processed = process_image(encoded("PNG", width, width // 2))

    assert processed.widths == widths
    assert max(v.width for v in processed.variants) == min(width, 1280)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/gif"), ("AVIF", "image/avif")],
)
def test_png_webp_gif_and_avif_are_taken_for_what_they_are(fmt: str, content_type: str) -> None:
    assert process_image(encoded(fmt)).content_type == content_type


def test_a_png_named_jpeg_is_taken_as_the_png_it_is() -> None:
    # Nothing here knows a name: the type is what decoding finds (the staff API records it).
    assert process_image(encoded("PNG")).content_type == "image/png"


def test_transparency_stays_in_webp_and_is_laid_on_white_in_jpeg() -> None:
    processed = process_image(transparent_png(800, 600))
    webp = next(v for v in processed.variants if v.format == "webp")
    jpeg = next(v for v in processed.variants if v.format == "jpg")

    assert decoded(webp.body).mode == "RGBA"
    assert decoded(webp.body).getpixel((webp.width - 5, 5))[3] == 0  # type: ignore[index]
    assert close(dominant(jpeg.body, 0.9), (255, 255, 255))
    assert close(dominant(jpeg.body, 0.1), (0, 128, 0))


def test_an_animated_gif_keeps_its_first_frame() -> None:
    processed = process_image(animated_gif(200, 100))

    assert processed.content_type == "image/gif"
    assert processed.widths == (200,)
    assert all(getattr(decoded(v.body), "n_frames", 1) == 1 for v in processed.variants)


@pytest.mark.parametrize(
    "data",
    [b"just some text, named chair.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"%PDF-1.7\n"],
    ids=["text", "svg", "pdf"],
)
def test_a_file_that_is_no_image_is_refused_whatever_its_name(data: bytes) -> None:
    assert "not a JPEG, PNG, WebP, GIF or AVIF image" in refusal(data)


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO"])
def test_images_of_other_types_are_refused(fmt: str) -> None:
    assert "not a JPEG, PNG, WebP, GIF or AVIF image" in refusal(encoded(fmt, 64, 64))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_a_truncated_file_is_refused_as_damaged(fmt: str) -> None:
    whole = photo(800, 600) if fmt == "JPEG" else encoded(fmt, 800, 600)
    assert "damaged" in refusal(truncated(whole, 0.4))


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = bomb_png(20_000, 20_000)  # 400 megapixels in 48 kB
    assert len(bomb) < 100_000
    assert "more than 40 million pixels" in refusal(bomb)


def test_one_row_over_forty_megapixels_is_refused() -> None:
    assert "more than 40 million pixels" in refusal(bomb_png(8000, 5001))


def test_an_image_too_tall_for_its_width_is_refused() -> None:
    assert "too tall" in refusal(bomb_png(400, 20_000))


def test_an_empty_or_too_large_file_is_refused() -> None:
    assert refusal(b"") == "The file is empty."
    assert "larger than 20 MB" in refusal(b"\xff\xd8" + b"\x00" * MAX_BYTES)
