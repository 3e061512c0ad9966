"""Demo feeds for saved import sources, served by the local gateway only (docs/imports.md, Saved
sources: trying it locally).

`make run` keeps a folder of feed files (a fresh temporary folder, or ``--feeds-dir``) and the gateway
answers ``GET``/``HEAD`` of ``/_local/feeds/<file>`` from it on every host, as a feed host would: the
file's bytes with a strong ``ETag`` (its SHA-256) and ``Last-Modified`` (its modification time), and 304
to a request whose ``If-None-Match`` (or, without one, ``If-Modified-Since``) still matches. So a
source's second run of an unchanged file is ``unchanged``, and editing the file makes the next run
import it. No wiring route has this path: CloudFront and API Gateway never serve it.

The source runner may fetch it because the local cloud names its own gateway in
``ORION_IMPORT_FETCH_TRUSTED_HOSTS`` (plain http at a loopback address; never set in a deployment).
"""

from __future__ import annotations

import hashlib
import re
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

from infra.local.events import HttpResult

PATH = "/_local/feeds/"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_TYPES = {
    ".tsv": "text/tab-separated-values; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_TEXT = [("Content-Type", "text/plain; charset=utf-8")]
_directory: Path | None = None


def use_directory(directory: Path | None) -> None:
    """Serve the files of ``directory`` (None: serve nothing)."""
    global _directory
    _directory = directory


def serves(path: str) -> bool:
    return path.startswith(PATH)


def url(port: int, name: str) -> str:
    """The address a source names for the feed file ``name`` (the gateway on 127.0.0.1: trusted)."""
    return f"http://127.0.0.1:{port}{PATH}{name}"


def trusted_host(port: int) -> str:
    """The ``ORION_IMPORT_FETCH_TRUSTED_HOSTS`` entry for the gateway on ``port``."""
    return f"127.0.0.1:{port}"


def serve(method: str, path: str, headers: Any) -> HttpResult:
    if method not in ("GET", "HEAD"):
        return HttpResult(405, [*_TEXT, ("Allow", "GET, HEAD")], b"Method Not Allowed")
    name = path[len(PATH) :]
    file = _directory / name if _directory is not None and _NAME.fullmatch(name) else None
    if file is None or not file.is_file():
        return HttpResult(404, _TEXT, b"Not Found")
    body = file.read_bytes()
    modified = int(file.stat().st_mtime)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    out = [
        ("Content-Type", _TYPES.get(file.suffix.lower(), "application/octet-stream")),
        ("ETag", etag),
        ("Last-Modified", formatdate(modified, usegmt=True)),
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if _not_modified(headers, etag, modified):
        return HttpResult(304, out, b"")
    return HttpResult(200, out, body)


def _not_modified(headers: Any, etag: str, modified: int) -> bool:
    """RFC 9110's order: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        return modified <= int(parsedate_to_datetime(since).timestamp())
    except (TypeError, ValueError):
        return False
