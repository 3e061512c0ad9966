"""The uploaded images a product write names, looked up in the store's media for the catalogue.

The catalogue (a core feature) keeps on each product what a page needs of its uploaded images but
never reads the media module (an optional one); the adapters that write products (the staff API, the
console) compose the two here, as the checkout composes orders and payments."""

from __future__ import annotations

from collections.abc import Iterable

from orion.catalog.images import MediaImage, media_ids
from orion.modules.registry import running_modules
from orion.tenancy.models import ResolvedTenant


def uploaded_images(resolved: ResolvedTenant, images: Iterable[str]) -> dict[str, MediaImage]:
    """What orion.media says of each ``media:<id>`` in ``images`` (one BatchGetItem; none without
    such entries). Where the media module is off, nothing: images the product has already keep what it
    knows of them, and a new one is refused by the catalogue."""
    entries = list(images)
    if not media_ids(entries):
        return {}
    if not any(module.code == "media" for module in running_modules(resolved.platform.enabled_modules)):
        return {}
    from orion.media import service as media  # only product writes that name uploads load it

    return media.describe_images(resolved.tenant, entries)
