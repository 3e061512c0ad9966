"""Product images as the theme sees them: text that is an address, and for an uploaded image its
responsive variants besides (templates/default/_media.html draws both)."""

from __future__ import annotations

from collections.abc import Mapping

from orion.catalog.images import MediaImage, media_id_of
from orion.tenant import Tenant


class ShopImage(str):
    """An uploaded image: as text, the address of its fallback JPEG (so a theme that puts an image in
    ``src`` as it is, or keys image descriptions by it, keeps working); besides, the ``srcset`` of its
    WebP and JPEG variants and its size, for ``<picture>``."""

    webp_srcset: str
    jpeg_srcset: str
    width: int
    height: int
    media: bool = True

    def __new__(cls, tenant: Tenant, image: MediaImage) -> ShopImage:
        shown = super().__new__(cls, image.fallback_url(tenant))
        shown.webp_srcset = image.srcset(tenant, "webp")
        shown.jpeg_srcset = image.srcset(tenant, "jpg")
        shown.width = image.width
        shown.height = image.height
        return shown


def shop_image(tenant: Tenant, image: str, media: Mapping[str, MediaImage]) -> str | None:
    """An ``images`` entry as a page shows it: an address as it is, an uploaded image as a
    :class:`ShopImage` (``None`` for an uploaded image the product knows nothing of: not drawn)."""
    media_id = media_id_of(image)
    if media_id is None:
        return image
    found = media.get(media_id)
    return ShopImage(tenant, found) if found else None
