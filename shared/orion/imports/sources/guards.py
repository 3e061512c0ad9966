"""What a fetched feed must look like before it is imported automatically.

Each language's body is read once, before its import job starts: its format and header, its product
rows and their external ids (a row that fails validation later still names its product, so it counts
as present; a row that cannot be read at all names none, so a run with such rows archives nothing).
The guards compare it with the profile of the language's last good run:

- a web page (a login page, an error page, a shop front) or an XML document: the run fails, no job
  is started;
- product rows fell by more than half, or the header's columns changed: the run is *held* (it stages,
  but nothing is published automatically whatever the source's policy).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from orion.imports.errors import UnreadableFile
from orion.imports.formats import ReadOptions, inspect_file, read_batches
from orion.imports.models import ImportFormat
from orion.imports.sources.models import FeedProfile

_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<body")
_HTML_INSIDE = (b"<html", b"<body", b"<!doctype html")


@dataclass(frozen=True)
class ReadFeed:
    profile: FeedProfile
    external_ids: frozenset[str]
    unreadable_rows: int = 0  # rows that could not be read (their product is unknown)


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def web_page(body: bytes, content_type: str | None) -> str | None:
    """What the answer is when it is a document rather than a feed ("a web page (HTML)", "an XML
    document"), from its first bytes (after a BOM and white space); None for anything else. A
    ``text/html`` content type alone is not enough (script-made CSV feeds often send it): the body
    must then hold an HTML tag near its start."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(_HTML_STARTS):
        return "a web page (HTML)"
    if head.startswith(b"<?xml"):
        return "a web page (XHTML)" if b"<html" in head else "an XML document"
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if declared in ("text/html", "application/xhtml+xml") and any(tag in head for tag in _HTML_INSIDE):
        return "a web page (HTML)"
    return None


def read_feed(body: bytes, declared: ImportFormat, language: str, max_cell_chars: int) -> ReadFeed:
    """The feed's profile and the external ids of its rows (UnreadableFile when it cannot be read:
    the import job would fail the same way, so the job is still started and says why)."""
    stream = io.BytesIO(body)
    shape = inspect_file(stream, declared)
    text = io.TextIOWrapper(stream, encoding=shape.encoding, newline="")
    ids: set[str] = set()
    rows = unreadable_rows = 0
    try:
        for batch, unreadable in read_batches(text, shape, ReadOptions(language, max_cell_chars)):
            rows += len(batch) + len(unreadable)
            unreadable_rows += len(unreadable)
            ids.update(batch.external_ids)
    finally:
        text.detach()
    columns = tuple(name.strip().lower() for name in shape.header)
    profile = FeedProfile(rows=rows, columns=columns, sha256=sha256(body))
    return ReadFeed(profile, frozenset(ids), unreadable_rows)


def hold_reason(language: str, fetched: FeedProfile, baseline: FeedProfile | None) -> str | None:
    """Why this language's feed is held against its last good run (None: it may go on)."""
    if baseline is None:
        return None
    if set(fetched.columns) != set(baseline.columns):  # the same columns in another order are fine
        gone = [c for c in baseline.columns if c not in fetched.columns]
        new = [c for c in fetched.columns if c not in baseline.columns]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(gone)}" if gone else "",
                f"new {', '.join(new)}" if new else "",
            )
            if part
        )
        return f"The {language} feed's columns changed ({detail})."
    if baseline.rows and fetched.rows * 2 < baseline.rows:
        return (
            f"The {language} feed shrank from {baseline.rows} to {fetched.rows} products "
            "(more than half gone)."
        )
    return None


__all__ = ["ReadFeed", "UnreadableFile", "hold_reason", "read_feed", "sha256", "web_page"]
