"""The local gateway compresses answers as CloudFront does for the viewer (docs/local-cloud.md)."""

from __future__ import annotations

import gzip

import pytest

from infra.local.edge import accepts_gzip, compress

PAGE = b"<!doctype html><title>Shop</title>" + b"<p>A product worth reading about.</p>" * 60
HTML = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(PAGE))),
    ("ETag", '"abc"'),
    ("Vary", "Accept-Language"),
    ("Cache-Control", "public, max-age=0, s-maxage=60"),
]


def test_a_page_goes_to_a_browser_gzip_compressed() -> None:
    headers, body = compress("gzip, deflate, br", HTML, PAGE)
    assert gzip.decompress(body) == PAGE
    assert len(body) < len(PAGE) / 4
    named = dict(headers)
    assert named["Content-Encoding"] == "gzip"
    assert named["Vary"] == "Accept-Language, Accept-Encoding"  # the language still picks the page
    assert named["ETag"] == 'W/"abc"'  # other bytes than the origin's: only weakly the same
    assert "Content-Length" not in named  # the gateway measures what it sends


@pytest.mark.parametrize(
    ("accept_encoding", "accepted"),
    [
        (None, False),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.0", False),
        ("*", True),
        ("deflate, gzip;q=1.0, *;q=0.5", True),
    ],
)
def test_gzip_only_for_a_client_that_accepts_it(accept_encoding: str | None, accepted: bool) -> None:
    assert accepts_gzip(accept_encoding) is accepted
    _, body = compress(accept_encoding, HTML, PAGE)
    assert (body != PAGE) is accepted


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (HTML, PAGE[:999]),  # under 1,000 bytes: CloudFront leaves it
        ([("Content-Type", "image/png")], PAGE),  # already compressed media
        ([("Content-Type", "text/html"), ("Content-Encoding", "br")], PAGE),  # the origin compressed it
        ([("Content-Type", "text/html"), ("Cache-Control", "no-transform")], PAGE),
        ([], PAGE),  # no type named
    ],
)
def test_what_cloudfront_would_not_compress_passes_unchanged(
    headers: list[tuple[str, str]], body: bytes
) -> None:
    assert compress("gzip", headers, body) == (headers, body)


@pytest.mark.parametrize(
    "media_type",
    ["application/json", "application/problem+json", "application/xml", "text/css", "image/x-icon"],
)
def test_text_like_answers_are_compressed_too(media_type: str) -> None:
    headers, _ = compress("gzip", [("Content-Type", media_type)], PAGE)
    assert ("Content-Encoding", "gzip") in headers


def test_a_head_answer_carries_the_headers_of_the_compressed_get() -> None:
    """HEAD mirrors GET (RFC 9110): same encoding and ETag; the compressed length is not known."""
    get_headers, _ = compress("gzip", HTML, PAGE)
    head_headers, body = compress("gzip", HTML, b"", head=True)
    assert body == b""
    assert head_headers == get_headers
    small = [("Content-Type", "text/html"), ("Content-Length", "999")]
    assert compress("gzip", small, b"", head=True) == (small, b"")
