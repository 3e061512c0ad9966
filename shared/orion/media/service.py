"""Media use cases: ask for an upload, follow it, name uploaded images on products, and process them.

An upload is a record (pending) and a presigned POST for its original's key; the bucket's event for that
key runs :func:`process_upload`, which checks and resizes the file (orion.media.images) and ends the
record ready or failed. :func:`process_original` is the processing itself, for any caller that has an
image's bytes (an upload, or later an image fetched from an address): it never needs the original in S3.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from orion import runtime
from orion.catalog.images import MediaImage, media_id_of, media_ids
from orion.errors import Conflict, FieldError, Invalid, NotFound
from orion.ids import new_id
from orion.media.errors import ImageRefused
from orion.media.models import ANY_IMAGE_TYPE, UPLOAD_CONTENT_TYPES, MediaRecord, MediaStatus, UploadTicket
from orion.media.repository import MediaRepository
from orion.media.storage import MediaFiles, original_key, parse_original_key
from orion.settings import get_settings
from orion.tenant import Tenant

logger = logging.getLogger(__name__)

# The most a presigned POST lets through, and what processing reads: S3 refuses larger uploads (the
# policy's content-length-range), processing refuses them again (an upload by other means).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_LISTED = 100


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(c for c in base if c.isprintable())[:200] or "image"


# --- uploads -----------------------------------------------------------------------------------------------


def request_upload(
    tenant: Tenant,
    file_name: str,
    content_type: str | None,
    *,
    created_by: str | None = None,
    redirect: str | None = None,
) -> UploadTicket:
    """A pending record and a presigned POST for its original: one key, 1 byte to 20 MB, the declared
    type. ``content_type`` must name an image type we take (None: a browser's plain form, which cannot
    say; the file is checked by decoding it either way). With ``redirect``, S3 sends the browser there."""
    if content_type is not None and content_type not in UPLOAD_CONTENT_TYPES:
        raise Invalid(
            f"Upload a JPEG, PNG, WebP, GIF or AVIF image (content_type {content_type!r} is none of them).",
            errors=[FieldError("content_type", f"must be one of {', '.join(UPLOAD_CONTENT_TYPES)}")],
        )
    now = datetime.now(UTC)
    record = MediaRecord(
        id=new_id(),
        platform=tenant.platform,
        store=tenant.require_store(),
        file_name=_safe_name(file_name),
        declared_type=content_type or ANY_IMAGE_TYPE,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    runtime.repository(MediaRepository).create(tenant, record)
    return _ticket(tenant, record, redirect)


def upload_ticket(tenant: Tenant, media_id: str, *, redirect: str | None = None) -> UploadTicket:
    """A fresh presigned POST for a record still waiting for its file (409 once it has one)."""
    record = get_media(tenant, media_id)
    if record.status is not MediaStatus.PENDING:
        raise Conflict("This upload has its file already; start a new upload for another image.")
    return _ticket(tenant, record, redirect)


def _ticket(tenant: Tenant, record: MediaRecord, redirect: str | None) -> UploadTicket:
    post = runtime.repository(MediaFiles).presigned_upload(
        original_key(tenant, record.id),
        record.declared_type,
        MAX_UPLOAD_BYTES,
        get_settings().media_upload_url_expiry_seconds,
        redirect=redirect,
    )
    return UploadTicket(record, post["url"], dict(post["fields"]), MAX_UPLOAD_BYTES)


def get_media(tenant: Tenant, media_id: str) -> MediaRecord:
    record = runtime.repository(MediaRepository).get(tenant, media_id)
    if record is None:
        raise NotFound.worded("No uploaded image {id} in this store.", id=media_id)
    return record


def list_media(tenant: Tenant, limit: int = 50) -> list[MediaRecord]:
    """The store's uploads, newest first."""
    return runtime.repository(MediaRepository).newest(tenant, max(1, min(limit, MAX_LISTED)))


# --- naming uploaded images on products ---------------------------------------------------------------


def describe_images(tenant: Tenant, images: Iterable[str]) -> dict[str, MediaImage]:
    """What a product keeps of each uploaded image ``images`` names (``media:<id>``), by id: one
    BatchGetItem. Invalid (naming each entry) for an id the store has no upload of, or one refused;
    Conflict while one is still being processed (asking again shortly succeeds)."""
    entries = list(images)
    wanted = media_ids(entries)
    if not wanted:
        return {}
    found = runtime.repository(MediaRepository).get_many(tenant, wanted)
    errors: list[FieldError] = []
    pending: list[str] = []
    described: dict[str, MediaImage] = {}
    for index, entry in enumerate(entries):
        media_id = media_id_of(entry)
        if media_id is None:
            continue
        record = found.get(media_id)
        if record is None:
            errors.append(FieldError(f"images.{index}", f"no uploaded image {media_id} in this store"))
        elif record.status is MediaStatus.FAILED:
            errors.append(
                FieldError(f"images.{index}", f"the upload {media_id} was refused: {record.reason}")
            )
        elif record.status is MediaStatus.PENDING:
            pending.append(media_id)
        elif (image := record.image()) is not None:
            described[media_id] = image
    if errors:
        raise Invalid("Some images name no usable uploaded image of this store.", errors=errors)
    if pending:
        raise Conflict(
            "An uploaded image is still being processed; try again in a few seconds.",
            extra={"pending": pending},
        )
    return described


# --- processing ---------------------------------------------------------------------------------------


def process_upload(key: str) -> MediaRecord | None:
    """Process the original just uploaded at ``key`` (the bucket's event). ``None`` when there is
    nothing to do: not an original's key, no such record, the record final already or held by another
    run (a redelivered event), or the original gone (processed already). The original is deleted once
    the record is final, whether the image was taken or refused."""
    location = parse_original_key(key)
    if location is None:
        logger.warning("not an original's key, ignored: %s", key)
        return None
    tenant, media_id = location.tenant, location.media_id
    repository = runtime.repository(MediaRepository)
    if not repository.claim(tenant, media_id, get_settings().media_processing_lease_seconds):
        logger.info("media %s not pending or held by another run: nothing to do", media_id)
        return None
    files = runtime.repository(MediaFiles)
    try:
        data = files.read_original(key, MAX_UPLOAD_BYTES)
        if data is None:
            repository.release(tenant, media_id)
            return None
        record = process_original(tenant, media_id, data)
    except Exception:
        repository.release(tenant, media_id)  # a passing failure (S3, DynamoDB): the retry takes it
        raise
    files.delete_original(key)
    return record


def process_original(tenant: Tenant, media_id: str, data: bytes) -> MediaRecord:
    """Check ``data`` as the image of the pending record ``media_id`` and end the record: ready with
    its variants written, or failed with the reason and nothing written. A record final already stays
    as it is (returned unchanged)."""
    from orion.media.images import process_image  # Pillow: loaded by the processing function only

    repository, files = runtime.repository(MediaRepository), runtime.repository(MediaFiles)
    try:
        processed = process_image(data)
    except ImageRefused as refused:
        finished = repository.finish_failed(tenant, media_id, str(refused))
        return finished or get_media(tenant, media_id)
    written: list[str] = []
    try:
        for variant in processed.variants:
            written.append(files.put_variant(tenant, media_id, variant))
        finished = repository.finish_ready(
            tenant,
            media_id,
            content_type=processed.content_type,
            width=processed.width,
            height=processed.height,
            widths=processed.widths,
        )
    except Exception:
        files.delete_keys(written)  # nothing public of an image whose record did not become ready
        raise
    if finished is not None:
        return finished
    current = repository.get(tenant, media_id)  # final already, or gone
    if current is None or current.status is not MediaStatus.READY:
        files.delete_keys(written)
    if current is None:
        raise NotFound.worded("No uploaded image {id} in this store.", id=media_id)
    return current
