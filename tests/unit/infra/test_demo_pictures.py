"""The demo's product pictures (infra/local/demo/pictures.py): every picture the catalogue names can be
drawn, each title it names is a demo product (a typo would silently show the category's picture), and a
picture is the same pixels every time (the demo looks the same at every start)."""

from __future__ import annotations

from PIL import ImageChops

from infra.local.demo import catalog
from infra.local.demo.pictures import COLOURS, KINDS, SIZE, draw


def test_every_named_picture_is_a_known_kind_and_colour_of_a_real_product() -> None:
    named = [
        *catalog.CATEGORY_PICTURE.values(),
        *(picture for pictures in catalog.PICTURES.values() for picture in pictures),
        *catalog.BREAD_PICTURES.values(),
    ]
    assert all(kind in KINDS and colour in COLOURS for kind, colour in named)
    titles = {title for _, title, *_ in (*catalog.SIMPLE, *catalog.WITH_VARIANTS)}
    assert set(catalog.PICTURES) <= titles
    assert set(catalog.CATEGORY_PICTURE) == {slug for slug, *_ in catalog.CATEGORIES}


def test_a_picture_is_drawn_the_same_every_time_and_differs_by_kind_and_colour() -> None:
    mug = draw("mug", "blue")
    assert mug.size == (SIZE, SIZE) and mug.mode == "RGB"
    assert ImageChops.difference(mug, draw("mug", "blue")).getbbox() is None
    assert ImageChops.difference(mug, draw("mug", "white")).getbbox() is not None
    assert ImageChops.difference(mug, draw("pan", "blue")).getbbox() is not None
