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
from orion.imports.sources import messages
from orion.imports.sources.models import FeedProfile
from orion.rendering.phrases import Phrase, phrase

_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<body")
_HTML_INSIDE = (b"<html", b"<body", b"<!doctype html")
# What web_page finds, and what a run whose feed answered it says.
HTML_PAGE, XHTML_PAGE, XML_DOCUMENT = "a web page (HTML)", "a web page (XHTML)", "an XML document"
_ANSWERED = {
    HTML_PAGE: messages.ANSWERED_HTML,
    XHTML_PAGE: messages.ANSWERED_XHTML,
    XML_DOCUMENT: messages.ANSWERED_XML,
}


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
        return HTML_PAGE
    if head.startswith(b"<?xml"):
        return XHTML_PAGE if b"<html" in head else XML_DOCUMENT
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if declared in ("text/html", "application/xhtml+xml") and any(tag in head for tag in _HTML_INSIDE):
        return HTML_PAGE
    return None


def web_page_answered(language: str, page: str) -> Phrase:
    """Why a run whose ``language`` feed answered ``page`` (what :func:`web_page` found) fails."""
    return phrase(_ANSWERED[page], language=language)


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


def hold_reason(language: str, fetched: FeedProfile, baseline: FeedProfile | None) -> Phrase | None:
    """Why this language's feed is held against its last good run (None: it may go on)."""
    if baseline is None:
        return None
    if set(fetched.columns) != set(baseline.columns):  # the same columns in another order are fine
        gone = [c for c in baseline.columns if c not in fetched.columns]  # a blank header counts too
        new = [c for c in fetched.columns if c not in baseline.columns]
        if gone and new:
            missing, added = ", ".join(gone), ", ".join(new)
            return phrase(messages.COLUMNS_CHANGED, language=language, missing=missing, new=added)
        if gone:
            return phrase(messages.COLUMNS_MISSING, language=language, missing=", ".join(gone))
        return phrase(messages.COLUMNS_NEW, language=language, new=", ".join(new))
    if baseline.rows and fetched.rows * 2 < baseline.rows:
        return phrase(messages.SHRANK, language=language, before=baseline.rows, after=fetched.rows)
    return None


__all__ = [
    "ReadFeed",
    "UnreadableFile",
    "hold_reason",
    "read_feed",
    "sha256",
    "web_page",
    "web_page_answered",
]
