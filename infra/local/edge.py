"""What CloudFront does to a response on its way to the viewer, done by the local gateway: compression.

The storefront distribution compresses what it serves (its behaviours keep CloudFront's `compress` on,
its cache policy accepts gzip and Brotli): a text-like answer of 1,000 bytes to 10 MB goes out
compressed to a viewer that accepts it, unless the origin compressed it already or forbade it
(``no-transform``), and a strong ETag becomes weak. Locally the gateway does the same with gzip (browsers
ask for Brotli only over HTTPS), so pages weigh in the browser what they weigh behind CloudFront.
"""

from __future__ import annotations

import gzip

MIN_BYTES = 1_000
MAX_BYTES = 10_000_000
# The media types CloudFront compresses, in short: text, JSON, JavaScript, XML, SVG and icons.
COMPRESSIBLE_PREFIXES = ("text/",)
COMPRESSIBLE_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/x-javascript",
        "application/xml",
        "application/rss+xml",
        "application/xhtml+xml",
        "image/svg+xml",
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }
)
COMPRESSIBLE_SUFFIXES = ("+json", "+xml")

Headers = list[tuple[str, str]]


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header lets the answer be gzip (``gzip`` or ``*``, without q=0)."""
    for part in (accept_encoding or "").split(","):
        coding, _, parameters = part.partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        quality = parameters.strip().lower().removeprefix("q=").strip()
        try:
            return not quality or float(quality) > 0
        except ValueError:
            return False
    return False


def compressible(media_type: str) -> bool:
    media_type = media_type.partition(";")[0].strip().lower()
    return (
        media_type.startswith(COMPRESSIBLE_PREFIXES)
        or media_type in COMPRESSIBLE_TYPES
        or media_type.endswith(COMPRESSIBLE_SUFFIXES)
    )


def _value(headers: Headers, name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def compress(
    accept_encoding: str | None, headers: Headers, body: bytes, *, head: bool = False
) -> tuple[Headers, bytes]:
    """The response as CloudFront hands it to a viewer that sent ``accept_encoding``: gzip-compressed
    when it qualifies (headers then say so), otherwise unchanged. For a HEAD (``head``: no body, the
    GET's length in Content-Length) the headers become those of the compressed GET, without a length."""
    size = len(body)
    if head:
        try:
            size = int(_value(headers, "content-length") or 0)
        except ValueError:
            return headers, body
    if not accepts_gzip(accept_encoding) or not MIN_BYTES <= size <= MAX_BYTES:
        return headers, body
    if _value(headers, "content-encoding") or not compressible(_value(headers, "content-type") or ""):
        return headers, body
    if "no-transform" in (_value(headers, "cache-control") or "").lower():
        return headers, body
    kept: Headers = []
    vary = ["Accept-Encoding"]
    for name, value in headers:
        lowered = name.lower()
        if lowered == "vary":
            vary[:0] = [v.strip() for v in value.split(",") if v.strip().lower() != "accept-encoding"]
        elif lowered == "etag" and not value.startswith("W/"):
            kept.append((name, f"W/{value}"))  # the bytes differ from the origin's: only weakly equal
        elif lowered != "content-length":
            kept.append((name, value))
    kept += [("Content-Encoding", "gzip"), ("Vary", ", ".join(vary))]
    return kept, b"" if head else gzip.compress(body, compresslevel=6, mtime=0)
