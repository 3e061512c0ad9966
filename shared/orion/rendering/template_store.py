"""Data access for theme templates in the templates bucket, with ETag revalidation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from botocore.exceptions import ClientError

from orion.data.clients import aws_client


@dataclass(frozen=True, slots=True)
class TemplateObject:
    source: str
    etag: str


class TemplateObjects(Protocol):
    """Where template sources come from (S3 in every environment; a dict in unit tests)."""

    def fetch(self, key: str, etag: str | None) -> TemplateObject | bool | None:
        """The object, ``None`` if absent, or ``True`` when ``etag`` is still current (HTTP 304)."""

    def has_any(self, prefix: str) -> bool:
        """Whether any object exists under ``prefix``."""


class S3TemplateObjects:
    """Template objects in one S3 bucket."""

    def __init__(self, bucket: str) -> None:
        self._bucket = bucket

    def fetch(self, key: str, etag: str | None) -> TemplateObject | bool | None:
        request = {"Bucket": self._bucket, "Key": key}
        if etag:
            request["IfNoneMatch"] = etag
        try:
            response = aws_client("s3").get_object(**request)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in {"304", "NotModified"}:
                return True
            if code in {"NoSuchKey", "404", "NotFound"}:
                return None
            raise
        body = response["Body"].read().decode("utf-8", errors="replace")
        return TemplateObject(source=body, etag=str(response.get("ETag", "")))

    def has_any(self, prefix: str) -> bool:
        response = aws_client("s3").list_objects_v2(Bucket=self._bucket, Prefix=prefix, MaxKeys=1)
        return bool(response.get("KeyCount", 0))


@dataclass
class _Entry:
    value: TemplateObject | None
    checked_at: float


class CachedTemplateSource:
    """Template sources kept in memory; after ``ttl`` seconds an entry is revalidated with If-None-Match,
    so an unchanged template costs a 304 and no recompilation, and absent keys are remembered too."""

    def __init__(
        self, objects: TemplateObjects, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._objects = objects
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._prefixes: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> TemplateObject | None:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and now - entry.checked_at < self._ttl:
            return entry.value
        previous = entry.value if entry else None
        fetched = self._objects.fetch(key, previous.etag if previous else None)
        value = previous if fetched is True else fetched
        with self._lock:
            self._entries[key] = _Entry(value if isinstance(value, TemplateObject) else None, now)
        return value if isinstance(value, TemplateObject) else None

    def has_any(self, prefix: str) -> bool:
        """Whether a theme folder has any template (cached like objects): empty folders are skipped."""
        now = self._clock()
        with self._lock:
            entry = self._prefixes.get(prefix)
        if entry is not None and now - entry.checked_at < self._ttl:
            return entry.value is not None
        present = self._objects.has_any(prefix)
        marker = TemplateObject("", "") if present else None
        with self._lock:
            self._prefixes[prefix] = _Entry(marker, now)
        return present
