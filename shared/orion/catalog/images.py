"""Product images: plain addresses, or uploaded images (``media:<id>``) with what a page needs to draw them.

A product's ``images`` are strings: an address (``https://...``) shown as it is, or ``media:<id>``, an
image uploaded to the store's media (orion.media), which is served in resized variants. The product
keeps, per uploaded image, its size and the variant widths (:class:`MediaImage`), so a page draws its
``srcset`` without reading anything else. Every variant's address derives from the tenant, the id,
the width and the format: ``/media/<platform>/<store>/<id>/<width>.<webp|jpg>``, the media bucket's key
behind ``/media/`` (the one layout the media pipeline writes and the storefront reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from orion.tenant import Tenant

MEDIA_REF_PREFIX = "media:"
MEDIA_ID_PATTERN = r"[0-9A-HJKMNP-TV-Z]{26}"
_MEDIA_REF = re.compile(rf"^{MEDIA_REF_PREFIX}({MEDIA_ID_PATTERN})$")
# Where the media bucket's variants are served on every store host (CloudFront, the local gateway).
MEDIA_PATH_PREFIX = "/media/"
# The formats of every variant: WebP for browsers that take it, JPEG for the rest.
VARIANT_FORMATS = ("webp", "jpg")
# The widths variants are made at (an image narrower than one gets its own width instead: never upscaled).
VARIANT_WIDTHS = (320, 640, 1280)
# The widest JPEG an <img> falls back to (browsers without srcset, crawlers, e-mails).
FALLBACK_WIDTH = 640


def media_ref(media_id: str) -> str:
    """``media:<id>``: how a product's ``images`` names an uploaded image."""
    return f"{MEDIA_REF_PREFIX}{media_id}"


def media_id_of(image: str) -> str | None:
    """The media id an ``images`` entry names (``None`` for a plain address)."""
    found = _MEDIA_REF.fullmatch(image)
    return found.group(1) if found else None


def is_media_ref(image: str) -> bool:
    """Whether an entry is meant as an uploaded image (starts with ``media:``), well-formed or not."""
    return image.startswith(MEDIA_REF_PREFIX)


def media_ids(images: Iterable[str]) -> list[str]:
    """The media ids ``images`` names, in order, each once."""
    return list(dict.fromkeys(found for image in images if (found := media_id_of(image))))


def variant_widths(original_width: int) -> tuple[int, ...]:
    """The widths of an image's variants: each of :data:`VARIANT_WIDTHS`, or the image's own width where
    it is narrower (never upscaled), each once."""
    return tuple(sorted({min(width, original_width) for width in VARIANT_WIDTHS}))


def variant_key(tenant: Tenant, media_id: str, width: int, fmt: str) -> str:
    """``<platform>/<store>/<id>/<width>.<fmt>``: a variant's key in the media bucket."""
    if fmt not in VARIANT_FORMATS:
        raise ValueError(f"no variant format {fmt!r}")
    if not re.fullmatch(MEDIA_ID_PATTERN, media_id) or not 0 < width < 100_000:
        raise ValueError("a variant needs a media id and a positive width")
    return f"{tenant.platform}/{tenant.require_store()}/{media_id}/{width}.{fmt}"


def variant_url(tenant: Tenant, media_id: str, width: int, fmt: str) -> str:
    """The address of a variant on any host of the store (host-relative)."""
    return MEDIA_PATH_PREFIX + variant_key(tenant, media_id, width, fmt)


class MediaImage(BaseModel):
    """What a product keeps of an uploaded image: its size after orientation, and its variants' widths."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=f"^{MEDIA_ID_PATTERN}$")
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    widths: tuple[int, ...] = Field(min_length=1)

    def url(self, tenant: Tenant, width: int, fmt: str) -> str:
        return variant_url(tenant, self.id, width, fmt)

    def srcset(self, tenant: Tenant, fmt: str) -> str:
        """``<url> 320w, <url> 640w, ...`` for a ``srcset`` attribute."""
        return ", ".join(f"{self.url(tenant, width, fmt)} {width}w" for width in self.widths)

    @property
    def fallback_width(self) -> int:
        """The widest variant up to :data:`FALLBACK_WIDTH` (the narrowest when all are wider)."""
        fitting = [width for width in self.widths if width <= FALLBACK_WIDTH]
        return max(fitting) if fitting else min(self.widths)

    def fallback_url(self, tenant: Tenant) -> str:
        """The JPEG an ``<img src>`` shows where ``srcset`` is not read."""
        return self.url(tenant, self.fallback_width, "jpg")

    def height_at(self, width: int) -> int:
        """The height the image has at ``width``, its aspect ratio kept."""
        return max(1, round(self.height * width / self.width))


def image_address(tenant: Tenant, image: str | None, media: dict[str, MediaImage]) -> str | None:
    """A plain address for an ``images`` entry: itself, or an uploaded image's fallback JPEG (``None``
    for an uploaded image the product has no size for)."""
    if image is None:
        return None
    media_id = media_id_of(image)
    if media_id is None:
        return image
    found = media.get(media_id)
    return found.fallback_url(tenant) if found else None
