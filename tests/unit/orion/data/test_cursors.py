"""Page cursors: what a page issues comes back as the same parts, anything else is a 400 before it can
reach DynamoDB, and a position becomes the ExclusiveStartKey of a table or GSI Query."""

from __future__ import annotations

import base64
import re
from typing import Literal

import pytest

from orion.data.cursors import (
    IndexKey,
    decode_cursor,
    decode_sort_key,
    encode_cursor,
    start_key,
)
from orion.errors import BadRequest
from orion.ids import ID_PATTERN

PRODUCT_ID = "01JAAAAAAAAAAAAAAAAAAAAAAA"
ANY = re.compile(r"(?s).+")


def test_cursors_round_trip_and_forgeries_are_refused() -> None:
    value = f"000000000500#{PRODUCT_ID}"
    assert decode_sort_key(encode_cursor(value)) == (value, PRODUCT_ID)
    for forged in ["%%%", encode_cursor("no-id"), encode_cursor("x#P#oms#S#bakery")]:
        with pytest.raises(BadRequest, match=r"^The page link is not valid\.$"):
            decode_sort_key(forged)


def test_a_cursor_is_url_safe_and_unpadded() -> None:
    cursor = encode_cursor("crème brûlée?&=/+#" + PRODUCT_ID)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)


def test_parts_come_back_in_order_and_only_the_last_may_hold_the_separator() -> None:
    cursor = encode_cursor(PRODUCT_ID, "1#MUG-1|2")
    assert decode_cursor(cursor, ID_PATTERN, ANY) == (PRODUCT_ID, "1#MUG-1|2")
    with pytest.raises(ValueError, match="last part"):
        encode_cursor("a|b", "c")


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor("only-one-part"),  # two parts wanted
        encode_cursor(PRODUCT_ID, "x|y") + "!",  # not base64url
        base64.urlsafe_b64encode(b"\xff\xfe|x").decode(),  # not text
        "A" * 5,  # not whole base64
        "Q" * 3000,  # longer than anything issued
    ],
)
def test_what_we_did_not_issue_is_a_bad_request(cursor: str) -> None:
    with pytest.raises(BadRequest, match=r"^The page link is not valid\.$"):
        decode_cursor(cursor, ID_PATTERN, ANY)


def test_a_part_out_of_shape_is_a_bad_request() -> None:
    with pytest.raises(BadRequest):
        decode_cursor(encode_cursor("01jaaaaaaaaaaaaaaaaaaaaaaa", "x"), ID_PATTERN, ANY)
    with pytest.raises(BadRequest):
        decode_sort_key(encode_cursor("x" * 200 + "#" + PRODUCT_ID))  # longer than a sort key


def test_padded_cursors_issued_before_still_decode() -> None:
    padded = base64.urlsafe_b64encode(b"ROW#fr#WZ-1").decode()
    assert padded.endswith("=")
    assert decode_cursor(padded, ANY) == ("ROW#fr#WZ-1",)


def test_a_table_position_is_its_key() -> None:
    assert start_key("P#oms#S#w#IMPORT#J", "ROW#fr#1") == {
        "PK": {"S": "P#oms#S#w#IMPORT#J"},
        "SK": {"S": "ROW#fr#1"},
    }


@pytest.mark.parametrize(("index", "names"), [("GSI1", ("GSI1PK", "GSI1SK")), ("GSI2", ("GSI2PK", "GSI2SK"))])
def test_an_index_position_is_its_table_key_and_its_index_key(
    index: Literal["GSI1", "GSI2"], names: tuple[str, str]
) -> None:
    key = start_key("P#1", "PRODUCT", IndexKey(index, "P#oms#S#w#LIST", f"a#{PRODUCT_ID}"))
    assert key == {
        "PK": {"S": "P#1"},
        "SK": {"S": "PRODUCT"},
        names[0]: {"S": "P#oms#S#w#LIST"},
        names[1]: {"S": f"a#{PRODUCT_ID}"},
    }
