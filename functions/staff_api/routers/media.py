"""``/api/v1/media``: upload an image (a presigned POST straight to S3) and follow its processing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import BaseModel, Field

from functions.common import edge
from functions.staff_api.common.access import record_audit, require
from orion.catalog.images import VARIANT_FORMATS, variant_url
from orion.identity.models import StaffAccess
from orion.media import service as media
from orion.media.models import UPLOAD_CONTENT_TYPES, MediaRecord, MediaStatus
from orion.tenant import Tenant

router = APIRouter(prefix="/media", tags=["media"])

MediaId = Annotated[str, Path(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="the uploaded image's id")]
View = Annotated[StaffAccess, Depends(require("media.view"))]
Manage = Annotated[StaffAccess, Depends(require("media.manage"))]


class UploadRequest(BaseModel):
    file_name: str = Field(min_length=1, max_length=200, examples=["chair.jpg"])
    content_type: str = Field(
        description="the file's type; the file itself is checked by decoding it",
        json_schema_extra={"enum": list(UPLOAD_CONTENT_TYPES)},
        examples=["image/jpeg"],
    )


class VariantOut(BaseModel):
    width: int
    height: int
    webp: str = Field(description="the WebP variant's address")
    jpg: str = Field(description="the JPEG variant's address")


class MediaOut(BaseModel):
    """An uploaded image. ``pending`` until its file is processed; ``ready`` with its size and variants;
    ``failed`` with the ``reason`` (nothing of it is stored)."""

    id: str
    ref: str = Field(description="how a product's images name it: media:<id>")
    status: MediaStatus
    reason: str | None
    file_name: str
    source_url: str | None = Field(
        default=None, description="for an image an import named by address, the address it was fetched from"
    )
    content_type: str | None = Field(description="the type found by decoding the file (ready images)")
    width: int | None
    height: int | None
    variants: list[VariantOut]
    created_at: datetime
    processed_at: datetime | None

    @classmethod
    def of(cls, record: MediaRecord, origin: str) -> MediaOut:
        tenant = Tenant(record.platform, record.store)
        variants = []
        if record.status is MediaStatus.READY and record.width and record.height:
            for width in record.widths:
                urls = {fmt: origin + variant_url(tenant, record.id, width, fmt) for fmt in VARIANT_FORMATS}
                height = max(1, round(record.height * width / record.width))
                variants.append(VariantOut(width=width, height=height, webp=urls["webp"], jpg=urls["jpg"]))
        return cls(
            id=record.id,
            ref=record.ref,
            status=record.status,
            reason=record.reason,
            file_name=record.file_name,
            source_url=record.source_url,
            content_type=record.content_type,
            width=record.width,
            height=record.height,
            variants=variants,
            created_at=record.created_at,
            processed_at=record.processed_at,
        )


class UploadOut(BaseModel):
    """POST the file as multipart/form-data to ``url`` with every field of ``fields`` and then ``file``."""

    url: str
    fields: dict[str, str]
    max_bytes: int


class UploadTicketOut(BaseModel):
    media: MediaOut
    upload: UploadOut


class MediaList(BaseModel):
    media: list[MediaOut]


def _origin(request: Request) -> str:
    """``<scheme>://<host>`` the caller used: variants are served on every host of the store."""
    headers = request.headers
    return f"{edge.viewer_scheme(headers)}://{edge.viewer_host(headers) or ''}"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an image: a pending record and a presigned POST for its file",
)
def start_upload(body: UploadRequest, request: Request, access: Manage) -> UploadTicketOut:
    """The file goes straight to S3 (``upload``: 1 byte to 20 MB, this key and content type only). It is
    then checked by decoding it (JPEG, PNG, WebP, GIF or AVIF; at most 40 megapixels), turned upright,
    stripped of its metadata and resized (320, 640 and 1280 pixels wide, never wider than it is; WebP
    and JPEG). Follow it with ``GET /media/{id}``; once ``ready``, name it in a product's ``images`` as
    ``media:<id>``."""
    ticket = media.request_upload(access.tenant, body.file_name, body.content_type, created_by=access.user_id)
    record_audit(
        request, access, "media.upload", f"media:{ticket.media.id}", {"file": ticket.media.file_name}
    )
    return UploadTicketOut(
        media=MediaOut.of(ticket.media, _origin(request)),
        upload=UploadOut(url=ticket.url, fields=ticket.fields, max_bytes=ticket.max_bytes),
    )


@router.get("", summary="The store's uploaded images, newest first")
def list_uploads(
    request: Request, access: View, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> MediaList:
    origin = _origin(request)
    return MediaList(media=[MediaOut.of(record, origin) for record in media.list_media(access.tenant, limit)])


@router.get("/{media_id}", summary="One uploaded image: its status and, once ready, its variants")
def get_upload(media_id: MediaId, request: Request, access: View) -> MediaOut:
    return MediaOut.of(media.get_media(access.tenant, media_id), _origin(request))
