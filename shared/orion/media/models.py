"""Media domain models: the record of an uploaded image and the ticket to upload its file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from orion.catalog.images import MediaImage, media_ref

# What staff may say they upload (the file is then checked by decoding it, whatever it was called).
UPLOAD_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/avif")
# A ticket for a browser's plain form, which cannot know the file's type ahead: the original is never
# served, so its declared type only travels with it.
ANY_IMAGE_TYPE = "application/octet-stream"


class MediaStatus(StrEnum):
    PENDING = "pending"  # waiting for its file, or being processed
    READY = "ready"  # checked, its variants written
    FAILED = "failed"  # refused: ``reason`` says why; nothing of it is stored

    @property
    def is_final(self) -> bool:
        return self is not MediaStatus.PENDING


class MediaRecord(BaseModel):
    """One uploaded image of a store."""

    model_config = ConfigDict(frozen=True)

    id: str
    platform: str
    store: str
    file_name: str
    declared_type: str
    status: MediaStatus = MediaStatus.PENDING
    reason: str | None = None
    # What decoding the file found (ready images only): its type, its size after the camera's
    # orientation, and the widths of its variants.
    content_type: str | None = None
    width: int | None = None
    height: int | None = None
    widths: tuple[int, ...] = ()
    created_by: str | None = None
    # The address an import named, for an image fetched from it (``None`` for an upload).
    source_url: str | None = None
    created_at: datetime
    updated_at: datetime
    processed_at: datetime | None = None

    @property
    def ref(self) -> str:
        """How a product's ``images`` names this image."""
        return media_ref(self.id)

    def image(self) -> MediaImage | None:
        """What a product keeps of it (ready images only)."""
        if self.status is not MediaStatus.READY or not self.width or not self.height or not self.widths:
            return None
        return MediaImage(id=self.id, width=self.width, height=self.height, widths=self.widths)


@dataclass(frozen=True)
class UploadTicket:
    """A presigned POST for one media record's original: ``url`` and the form ``fields`` to send with
    the file (as ``file``, last), at most ``max_bytes``."""

    media: MediaRecord
    url: str
    fields: dict[str, str]
    max_bytes: int


class MediaSource(BaseModel):
    """The image fetched (or being fetched) from one address, and the products to give it to."""

    model_config = ConfigDict(frozen=True)

    address: str
    media_id: str
    status: MediaStatus
    reason: str | None = None
    product_ids: frozenset[str] = frozenset()
