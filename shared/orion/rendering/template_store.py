"""Where theme templates come from: the default theme packaged with the functions, and the platform
and store overrides in the templates bucket, cached with ETag revalidation."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
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


class PackagedTemplateObjects:
    """The default theme shipped in the function code asset (``templates/`` beside ``functions/``), so a
    fresh deploy renders every page with an empty bucket. Keys are paths under ``root``
    (``default/home.html``); the ETag is a hash of the content, so an edited file (the local cloud
    reads the working tree) recompiles and an unchanged one does not."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    def _path(self, key: str) -> Path | None:
        """The file or folder a key names, never one outside the theme folder."""
        if key.startswith("/") or "\\" in key or ".." in key.split("/"):
            return None
        path = (self._root / key).resolve()
        return path if path.is_relative_to(self._root) else None

    def fetch(self, key: str, etag: str | None) -> TemplateObject | bool | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        body = path.read_bytes()
        current = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        if etag == current:
            return True
        return TemplateObject(source=body.decode("utf-8", errors="replace"), etag=current)

    def has_any(self, prefix: str) -> bool:
        folder = self._path(prefix)
        return folder is not None and folder.is_dir() and any(folder.iterdir())


class ThemeObjects:
    """The lookup every renderer uses: keys under ``packaged_prefix`` (the default theme) come from the
    package, every other key (``platforms/<p>/``, ``stores/<p>/<s>/`` overrides) from the bucket. A
    ``default/`` folder left in a bucket is never read: the packaged theme is the one that matches the
    code that renders it."""

    def __init__(self, bucket: TemplateObjects, packaged: TemplateObjects, packaged_prefix: str) -> None:
        self._bucket = bucket
        self._packaged = packaged
        self._prefix = packaged_prefix

    def _objects(self, key: str) -> TemplateObjects:
        return self._packaged if key.startswith(self._prefix) else self._bucket

    def fetch(self, key: str, etag: str | None) -> TemplateObject | bool | None:
        return self._objects(key).fetch(key, etag)

    def has_any(self, prefix: str) -> bool:
        return self._objects(prefix).has_any(prefix)


def packaged_theme_root(configured: str | None, task_root: str | None) -> Path:
    """The folder holding the packaged ``default/`` theme: ``configured`` (``ORION_DEFAULT_THEME_DIR``)
    if set, else ``templates/`` in the Lambda code root (``LAMBDA_TASK_ROOT``, where the CDK packages
    it beside ``functions/``), else the repository's ``templates/`` (tests and the local cloud)."""
    if configured:
        return Path(configured)
    if task_root and (Path(task_root) / "templates").is_dir():
        return Path(task_root) / "templates"
    return Path(__file__).resolve().parents[3] / "templates"


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
