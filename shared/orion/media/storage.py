"""S3 layout of the media bucket: every key starts with its tenant.

```
<platform>/<store>/originals/<id>           what staff uploaded (private: never served, deleted once
                                            processed, whether it was taken or refused)
<platform>/<store>/<id>/<width>.webp|.jpg   the variants, served at /media/<key> on every store host
```

Variants never change once written (a new upload is a new id), so they are served with a year's
immutable cache lifetime. The served shape (:data:`SERVED_KEY`) is the only one CloudFront and the local
gateway give out; an original can never match it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orion.catalog.images import MEDIA_ID_PATTERN, variant_key
from orion.data.clients import aws_client
from orion.data.uploads import presigned_post
from orion.settings import get_settings
from orion.tenant import Tenant

if TYPE_CHECKING:  # Pillow loads only where images are processed (orion.media.images)
    from orion.media.images import Variant

ORIGINALS = "originals"
# An image to fetch from its address (an empty object: the record says which address); its event runs
# the fetch as an upload's event runs the processing.
FETCHES = "fetches"
_CODE = r"[a-z0-9][a-z0-9-]{0,38}[a-z0-9]"
_ORIGINAL_KEY = re.compile(rf"^({_CODE})/({_CODE})/{ORIGINALS}/({MEDIA_ID_PATTERN})$")
_FETCH_KEY = re.compile(rf"^({_CODE})/({_CODE})/{FETCHES}/({MEDIA_ID_PATTERN})$")
# A variant's key, the only shape served (infra/edge/media_request.js and the local gateway hold the
# same rule; tests/unit/infra/test_media_serving.py keeps them in step).
SERVED_KEY = re.compile(rf"^{_CODE}/{_CODE}/{MEDIA_ID_PATTERN}/[1-9][0-9]{{0,4}}\.(?:webp|jpg)$")
# Variants are immutable: browsers and CloudFront keep them a year without asking again.
VARIANT_CACHE_CONTROL = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class OriginalLocation:
    """Whose upload an object is, read from its key (never from the file)."""

    tenant: Tenant
    media_id: str


def original_key(tenant: Tenant, media_id: str) -> str:
    return f"{tenant.platform}/{tenant.require_store()}/{ORIGINALS}/{media_id}"


def fetch_key(tenant: Tenant, media_id: str) -> str:
    return f"{tenant.platform}/{tenant.require_store()}/{FETCHES}/{media_id}"


def parse_original_key(key: str) -> OriginalLocation | None:
    """``<platform>/<store>/originals/<id>`` -> its location; ``None`` for any other key."""
    return _location(_ORIGINAL_KEY, key)


def parse_fetch_key(key: str) -> OriginalLocation | None:
    """``<platform>/<store>/fetches/<id>`` -> its location; ``None`` for any other key."""
    return _location(_FETCH_KEY, key)


def _location(shape: re.Pattern[str], key: str) -> OriginalLocation | None:
    found = shape.fullmatch(key)
    if found is None:
        return None
    platform, store, media_id = found.groups()
    return OriginalLocation(Tenant(platform, store), media_id)


class MediaFiles:
    """The only place that knows the media bucket."""

    def __init__(self) -> None:
        self.bucket = get_settings().media_bucket
        self.s3 = aws_client("s3")

    def presigned_upload(
        self, key: str, content_type: str, max_bytes: int, expires: int, *, redirect: str | None = None
    ) -> dict[str, Any]:
        """A presigned POST for exactly ``key``, 1 byte to ``max_bytes``, with a fixed content type;
        with ``redirect``, S3 sends the browser there after the upload (pinned by the policy too)."""
        return presigned_post(
            self.s3,
            self.bucket,
            key,
            content_type=content_type,
            max_bytes=max_bytes,
            expires=expires,
            redirect=redirect,
        )

    def read_original(self, key: str, max_bytes: int) -> bytes | None:
        """The uploaded bytes (``None`` when the object is gone: processed already); bytes past
        ``max_bytes`` are not read (the caller refuses the file by its size)."""
        try:
            answer = self.s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{max_bytes}")
        except self.s3.exceptions.NoSuchKey:
            return None
        except self.s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        body: bytes = answer["Body"].read()
        return body

    def delete_original(self, key: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=key)

    def request_fetch(self, key: str) -> None:
        """Write the empty object whose event starts a fetch (``key``: :func:`fetch_key`)."""
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"")

    def put_variant(self, tenant: Tenant, media_id: str, variant: Variant) -> str:
        key = variant_key(tenant, media_id, variant.width, variant.format)
        self.s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=variant.body,
            ContentType=variant.content_type,
            CacheControl=VARIANT_CACHE_CONTROL,
        )
        return key

    def delete_keys(self, keys: list[str]) -> None:
        """Remove objects (the variants of an image whose processing did not finish)."""
        if keys:
            self.s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True}
            )
