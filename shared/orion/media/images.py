"""The image rules: what an upload must be (found by decoding it, never by its name) and the variants
made of it. Pure: bytes in, variants out, no AWS; Pillow is imported here only, so the functions that
merely name uploaded images never load it.

An upload is refused (:class:`ImageRefused`, with a message for staff) when it is empty or larger than
:data:`MAX_BYTES`, is not a JPEG, PNG, WebP, GIF or AVIF image, has more than :data:`MAX_PIXELS` pixels
(checked from its header, before any pixel is decoded: a decompression bomb never expands), or cannot
be decoded whole (truncated, corrupt). An accepted image is turned upright as its EXIF orientation says,
converted to sRGB, stripped of every metadata (EXIF with its location, XMP, comments, colour profiles),
and written as WebP and JPEG at each width of :func:`orion.catalog.images.variant_widths` (never wider
than the original). An animation keeps its first frame; transparency stays in WebP and is laid on white
in JPEG.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from orion.catalog.images import variant_widths
from orion.media.errors import ImageRefused

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
# WebP's largest side: a variant taller than this cannot be written.
MAX_VARIANT_SIDE = 16383
# Pillow's name of each format taken, and its media type.
FORMATS: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "AVIF": "image/avif",
}
WEBP_QUALITY = 80
JPEG_QUALITY = 82
_SRGB = ImageCms.createProfile("sRGB")
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str  # "webp" or "jpg"
    content_type: str
    body: bytes


@dataclass(frozen=True)
class ProcessedImage:
    """An accepted image: what it was found to be, its size upright, and its variants."""

    content_type: str
    width: int
    height: int
    variants: tuple[Variant, ...]

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(sorted({variant.width for variant in self.variants}))


def mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def process_image(data: bytes) -> ProcessedImage:
    """Check ``data`` and make its variants; :class:`ImageRefused` says why an upload is not taken."""
    if not data:
        raise ImageRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImageRefused(f"The file is larger than {mb(MAX_BYTES)}.")
    image = _open(data)
    try:
        upright = _decoded_upright(image)
        content_type = FORMATS[str(image.format)]
    finally:
        image.close()
    width, height = upright.size
    pixels = _as_srgb(upright)
    variants: list[Variant] = []
    for target in variant_widths(width):
        target_height = max(1, round(height * target / width))
        if target_height > MAX_VARIANT_SIDE:
            raise ImageRefused(
                f"The image is too tall for its width ({width} x {height} pixels): at most "
                f"{MAX_VARIANT_SIDE} pixels high at {target} pixels wide."
            )
        resized = (
            pixels
            if target == width
            else pixels.resize((target, target_height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        variants.append(_webp(resized))
        variants.append(_jpeg(resized))
    return ProcessedImage(content_type, width, height, tuple(variants))


def _open(data: bytes) -> Image.Image:
    """The image's header read, its format one we take and its pixel count within the limit; no pixel
    decoded yet."""
    refused_bomb = ImageRefused(
        f"The image has more than {MAX_PIXELS // 1_000_000} million pixels; make it smaller first."
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit and raises past twice that: both mean "too many pixels".
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refused_bomb from exc
    except UnidentifiedImageError as exc:
        raise ImageRefused(
            "The file is not a JPEG, PNG, WebP, GIF or AVIF image (its content was checked, not its name)."
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefused("The file is damaged: its image header cannot be read.") from exc
    width, height = image.size
    if width <= 0 or height <= 0:
        image.close()
        raise ImageRefused("The image has no pixels.")
    if width * height > MAX_PIXELS:
        image.close()
        raise refused_bomb
    return image


def _decoded_upright(image: Image.Image) -> Image.Image:
    """The first frame decoded, turned as its EXIF orientation says (a copy without the metadata)."""
    try:
        image.seek(0)
        image.load()  # the pixel count is checked already (_open): within the limit
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise ImageRefused(
            "The file is damaged or incomplete: the image cannot be decoded. Export it again and upload "
            "the new file."
        ) from exc
    try:
        upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError):
        upright = image.copy()  # unreadable EXIF: shown as stored rather than refused
    else:
        if upright is image:
            upright = image.copy()
    icc = image.info.get("icc_profile")
    if icc:
        upright.info["icc_profile"] = icc
    return upright


def _as_srgb(image: Image.Image) -> Image.Image:
    """RGB or RGBA pixels in sRGB (a colour profile applied, then dropped), nothing else kept."""
    has_alpha = image.mode in _ALPHA_MODES or (image.mode == "P" and "transparency" in image.info)
    converted = image.convert("RGBA" if has_alpha else "RGB")
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = (
                ImageCms.profileToProfile(converted, source, _SRGB, outputMode=converted.mode) or converted
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unusable profile: the pixels as they are
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)  # a fresh image: no info, EXIF, XMP or profile carried over
    return clean


def _webp(image: Image.Image) -> Variant:
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return Variant(image.width, image.height, "webp", "image/webp", out.getvalue())


def _jpeg(image: Image.Image) -> Variant:
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Variant(image.width, image.height, "jpg", "image/jpeg", out.getvalue())
