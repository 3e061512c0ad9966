"""Page cursors: where a Query stopped, as an opaque url-safe token a page links to, and back as the
ExclusiveStartKey (PynamoDB's ``last_evaluated_key``) that goes on from there.

A cursor is the unpadded base64url text of its parts joined by ``|``. Decoding holds each part to the
shape its issuer gives, so a cursor we did not issue is a 400 (``The page link is not valid.``) and
never reaches DynamoDB; the partition a page reads comes from the request, never from the cursor.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Literal

from orion.data.table import Gsi1, Gsi2, TableItem
from orion.errors import BadRequest
from orion.ids import ID_PATTERN

NOT_VALID = "The page link is not valid."
SEPARATOR = "|"
# Longer than any cursor issued (the longest part, a staged row's sort key, is a few hundred characters).
MAX_CURSOR_LENGTH = 2048
# Unpadded, as issued; padded too, as the audit log and imports issued them before.
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
# The sort key of an index entry that ends in its item's id (``<sort value>#<ULID>``): listings of
# products and orders; 200 characters at most.
SORT_KEY_WITH_ID = re.compile(rf"(?s).{{0,173}}#{ID_PATTERN.pattern}")

StartKey = dict[str, dict[str, str]]

_INDEX_KEY_NAMES: dict[str, tuple[str, str]] = {
    "GSI1": (Gsi1.gsi1pk.attr_name, Gsi1.gsi1sk.attr_name),
    "GSI2": (Gsi2.gsi2pk.attr_name, Gsi2.gsi2sk.attr_name),
}


def encode_cursor(*parts: str) -> str:
    """The cursor of ``parts`` (only the last may hold the separator)."""
    if any(SEPARATOR in part for part in parts[:-1]):
        raise ValueError(f"only a cursor's last part may contain {SEPARATOR!r}")
    return base64.urlsafe_b64encode(SEPARATOR.join(parts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *shapes: re.Pattern[str]) -> tuple[str, ...]:
    """The parts of a cursor made by :func:`encode_cursor`, one per shape, each matching its shape;
    anything else (not base64url, not text, another number of parts, a part out of shape) is a
    BadRequest."""
    if len(cursor) > MAX_CURSOR_LENGTH or not _BASE64URL.fullmatch(cursor):
        raise BadRequest(NOT_VALID)
    unpadded = cursor.rstrip("=")
    try:
        text = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(NOT_VALID) from exc
    parts = tuple(text.split(SEPARATOR, len(shapes) - 1))
    if len(parts) != len(shapes) or not all(
        shape.fullmatch(part) for shape, part in zip(shapes, parts, strict=True)
    ):
        raise BadRequest(NOT_VALID)
    return parts


def decode_sort_key(cursor: str) -> tuple[str, str]:
    """``(sort key, item id)`` of a cursor made by ``encode_cursor(sort_key)`` on an index whose sort
    keys end in ``#<id>`` (:data:`SORT_KEY_WITH_ID`)."""
    (sort_key,) = decode_cursor(cursor, SORT_KEY_WITH_ID)
    return sort_key, sort_key.rsplit("#", 1)[1]


@dataclass(frozen=True)
class IndexKey:
    """An item's key on a GSI: the index and the item's partition and sort key values there."""

    index: Literal["GSI1", "GSI2"]
    pk: str
    sk: str


def start_key(pk: str, sk: str, index_key: IndexKey | None = None) -> StartKey:
    """The ExclusiveStartKey of a Query that goes on after the item ``(pk, sk)``: its table key, and
    for a Query on a GSI its key on that index too (DynamoDB wants both)."""
    key: StartKey = {TableItem.pk.attr_name: {"S": pk}, TableItem.sk.attr_name: {"S": sk}}
    if index_key is not None:
        partition, sort = _INDEX_KEY_NAMES[index_key.index]
        key[partition] = {"S": index_key.pk}
        key[sort] = {"S": index_key.sk}
    return key
