"""The images of published import products, fetched into the store's media (docs/imports.md, Images).

Imports (an optional module) may not import media (another one), so the adapters that publish (the
publish task, the staff API, the console) compose the two here, as they compose product writes and
uploads (functions/common/uploaded_images.py)."""

from __future__ import annotations

from collections import defaultdict

from orion.catalog.models import Product
from orion.imports.publish import OnPublished
from orion.modules.registry import running_modules
from orion.observability import logger
from orion.settings import get_settings
from orion.tenancy.platforms import get_platform
from orion.tenant import Tenant


def image_fetches(tenant: Tenant) -> OnPublished | None:
    """What a publish gives its products to: the media module's fetches, where images are fetched
    (the deployment's ``ORION_MEDIA_FETCH_IMAGES``) and the platform runs the module; else nothing,
    and products keep the feed's addresses. One GetItem (the platform)."""
    if not get_settings().media_fetch_images:
        return None
    enabled = get_platform(Tenant(tenant.platform)).enabled_modules
    if not any(module.code == "media" for module in running_modules(enabled)):
        return None
    return request_image_fetches


def request_image_fetches(tenant: Tenant, products: list[Product]) -> None:
    """Ask for every address the products show to be fetched (fetched ones are named as their image
    already). Never fails the publish: products stay published with their addresses, and the next
    import asks again."""
    from orion.media import fetching  # the optional module, loaded where it runs

    wanted: dict[str, list[str]] = defaultdict(list)
    for product in products:
        for image in product.images:
            if fetching.is_fetchable(image):
                wanted[image].append(product.id)
    if not wanted:
        return
    try:
        counts = fetching.request_fetches(tenant, wanted)
    except Exception:  # S3 or DynamoDB failing
        logger.exception("could not ask for image fetches", extra={"addresses": len(wanted)})
        return
    logger.info("image fetches asked", extra=counts)
