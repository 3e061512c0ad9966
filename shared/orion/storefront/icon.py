"""The icon browsers fetch from every site they show (``/favicon.ico``): the default theme's shopping bag.

Without it each page view asks the storefront for a page that is not there, and the browser logs the
404 as an error. One icon serves every store and platform host for now (16, 32 and 48 px, drawn in the
default theme's accent colour); CloudFront and browsers keep it a day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FAVICON = Path(__file__).with_name("favicon.ico")
ICON_CACHE_CONTROL = "public, max-age=86400, s-maxage=86400"


@dataclass(frozen=True)
class Asset:
    """A file served as it is, and how it may be cached."""

    body: bytes
    content_type: str
    cache_control: str

    @property
    def etag(self) -> str:
        return '"' + hashlib.blake2b(self.body, digest_size=16).hexdigest() + '"'


@cache
def favicon() -> Asset:
    """The site icon (read once per container)."""
    return Asset(FAVICON.read_bytes(), "image/x-icon", ICON_CACHE_CONTROL)
