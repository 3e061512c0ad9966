"""Product images uploaded from the console: the browser sends the file straight to S3 (a plain form with
the presigned POST's fields, no script needed), S3's redirect brings it back, the page follows the
processing, and a ready image is added to the product with its description.

The same ``orion.media`` and ``orion.catalog`` services, permissions and audit records as the staff API
(``POST /api/v1/media``, then a product save naming ``media:<id>``)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from functions.common.uploaded_images import uploaded_images
from functions.console.pages.products import _product_id, audit
from functions.console.pages.team import absolute_url
from functions.console.web import Anonymous, Console, Posted, SignedIn
from orion.catalog import service as catalog
from orion.catalog.images import variant_url
from orion.catalog.models import MAX_IMAGE_ALT
from orion.errors import Conflict, Invalid, LimitExceeded, NotFound
from orion.media import service as media
from orion.media.models import MediaRecord, MediaStatus
from orion.tenant import Tenant

router = APIRouter()

_MEDIA_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
ACCEPTED = "image/jpeg,image/png,image/webp,image/gif,image/avif,.jpg,.jpeg,.png,.webp,.gif,.avif"


def _media_id(media_id: str) -> str:
    if not _MEDIA_ID.fullmatch(media_id):
        raise NotFound("There is no such upload.")
    return media_id


def _base(product_id: str, media_id: str) -> str:
    return f"/admin/products/{product_id}/images/{media_id}"


@router.post("/admin/products/{product_id}/images/upload")
def start_upload(console: Posted, product_id: str) -> Response:
    """A new upload for this product (waiting for its file), then the page that sends the file."""
    console.need("products.edit")
    access = console.need("media.manage")
    product = catalog.get_product(access.tenant, _product_id(product_id))
    ticket = media.request_upload(access.tenant, "image", None, created_by=access.user_id)
    audit(console, "media.upload", f"media:{ticket.media.id}", {"product": product.id})
    return console.redirect(f"{_base(product.id, ticket.media.id)}/upload")


@router.get("/admin/products/{product_id}/images/{media_id}/upload")
def upload_form(console: SignedIn, product_id: str, media_id: str) -> Response:
    access = console.need("media.manage")
    product = catalog.get_product(access.tenant, _product_id(product_id))
    base = _base(product.id, _media_id(media_id))
    try:
        ticket = media.upload_ticket(
            access.tenant, media_id, redirect=absolute_url(console, f"{base}/uploaded")
        )
    except Conflict:  # the file came already: its page says how it went
        return console.redirect(base)
    return console.render(
        "product_image_upload.html",
        product=product,
        ticket=ticket,
        accept=ACCEPTED,
        max_mb=ticket.max_bytes // 1_048_576,
    )


@router.get("/admin/products/{product_id}/images/{media_id}/uploaded")
def uploaded(console: Anonymous, product_id: str, media_id: str) -> HTMLResponse:
    """Where S3's redirect lands (its ``bucket``, ``key`` and ``etag`` change nothing). The session
    cookie is SameSite=Strict, so the browser withholds it on this navigation from S3's site: this page
    shows nothing and sends the browser on to the upload's page (a same-site navigation)."""
    return console.render(
        "product_image_uploaded.html", target=_base(_product_id(product_id), _media_id(media_id))
    )


def _status_page(
    console: Console, product_id: str, record: MediaRecord, status: int = 200, **context: Any
) -> HTMLResponse:
    tenant = Tenant(record.platform, record.store)
    preview = None
    if record.status is MediaStatus.READY and record.widths:
        preview = variant_url(tenant, record.id, record.widths[0], "jpg")
    product = catalog.get_product(tenant, product_id)
    return console.render(
        "product_image.html",
        status,
        product=product,
        record=record,
        preview=preview,
        added=record.ref in product.images,
        max_alt=MAX_IMAGE_ALT,
        **context,
    )


@router.get("/admin/products/{product_id}/images/{media_id}")
def upload_status(console: SignedIn, product_id: str, media_id: str) -> HTMLResponse:
    """Pending (the page follows it), refused with the reason, or ready to add to the product."""
    access = console.need("products.view")
    record = media.get_media(access.tenant, _media_id(media_id))
    return _status_page(console, _product_id(product_id), record)


@router.post("/admin/products/{product_id}/images/{media_id}")
def add_image(console: Posted, product_id: str, media_id: str) -> Response:
    access = console.need("products.edit")
    product_id, media_id = _product_id(product_id), _media_id(media_id)
    record = media.get_media(access.tenant, media_id)
    alt = console.form.get("alt").strip()
    if len(alt) > MAX_IMAGE_ALT:
        message = console._("At most {n} characters.", n=MAX_IMAGE_ALT)
        return _status_page(console, product_id, record, 422, errors={"alt": message}, values={"alt": alt})
    try:
        catalog.add_product_image(
            access.tenant,
            product_id,
            record.ref,
            alt=alt,
            media=uploaded_images(console.resolved, [record.ref]),
        )
    except (Invalid, Conflict, LimitExceeded) as error:
        return _status_page(
            console,
            product_id,
            record,
            error.status,
            message=console.error_message(error),
            values={"alt": alt},
        )
    audit(console, "product.update", f"product:{product_id}", {"image": record.ref})
    return console.redirect(f"/admin/products/{product_id}", console._("Image added."))
