"""A real Shopify product export (tests/data/imports/shopify_products_export.csv) imported end to end in
moto, in chunks small enough that its products spread over several Map items, then published: what the
merchant finds in the catalogue, the error report and the shop."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from functions.storefront.handler import handler
from orion.catalog.models import Product, ProductStatus
from orion.catalog.products.repository import ProductRepository
from orion.imports.models import ImportJob, ImportStatus
from orion.imports.publish import PublishRequest, publish_staged_products
from orion.settings import reset_settings
from tests.feeds import DATA
from tests.integration.imports.conftest import WIZAMART, Uploader
from tests.integration.imports.test_malformed_files import report
from tests.integration.imports.test_publish import product_for
from tests.integration.shop.conftest import WIZAMART as WIZAMART_HOST
from tests.integration.shop.conftest import call

EXPORT = DATA / "shopify_products_export.csv"


@pytest.fixture(autouse=True)
def _two_products_a_chunk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two products a chunk: the six handles of the export are three Map items, and a product whose
    option names are on its first row only is checked in a chunk of its own."""
    monkeypatch.setenv("ORION_IMPORT_CHUNK_RECORDS", "2")
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def imported(upload: Uploader) -> ImportJob:
    job = upload(EXPORT.read_bytes(), "products_export_1.csv", language="en")
    assert job.progress.chunks_done == job.progress.chunks_total == 3
    return job


@pytest.fixture
def published(imported: ImportJob) -> ImportJob:
    result = publish_staged_products(WIZAMART, imported.id, PublishRequest(all=True))
    assert result.failed == []
    assert sorted(result.created) == [
        "linen-shirt",
        "rain-jacket",
        "stoneware-mug",
        "trail-runner",
        "wool-scarf-2022",
    ]
    return imported


def product(handle: str) -> Product:
    found = product_for(handle)
    assert isinstance(found, Product)
    return found


def choice(page: str, sku: str) -> str:
    """The product page's radio button of a variant."""
    found = re.search(rf'<input type="radio" name="sku"[^>]*value="{sku}"[^>]*>', page)
    assert found, f"no choice for {sku}"
    return found.group(0)


def test_every_variant_has_the_option_names_of_its_product(published: ImportJob) -> None:
    shirt = product("linen-shirt")
    assert [(v.sku, v.options) for v in shirt.variants] == [
        ("LS-S-WHT", {"Size": "S", "Colour": "White"}),
        ("LS-M-WHT", {"Size": "M", "Colour": "White"}),
        ("LS-S-NVY", {"Size": "S", "Colour": "Navy"}),
        ("LS-M-NVY", {"Size": "M", "Colour": "Navy"}),
    ]
    runner = product("trail-runner")
    assert [v.options for v in runner.variants] == [
        {"Size": "42", "Colour": "Black", "Width": "Regular"},
        {"Size": "43", "Colour": "Black", "Width": "Wide"},
        {"Size": "44", "Colour": "Grey", "Width": "Regular"},
    ]
    assert product("stoneware-mug").variants[0].options == {}  # Shopify's "Default Title": no choice
    # the product-level fields of the first row, and the images of every row of the handle
    assert (shirt.title, shirt.brand) == ("Linen shirt", "Atelier Moselle")
    assert [image.rsplit("/", 1)[1] for image in shirt.images] == [
        "linen-shirt-white.jpg?v=1700000001",
        "linen-shirt-navy.jpg?v=1700000002",
    ]


def test_continue_variants_sell_on_backorder_and_keep_their_real_stock(published: ImportJob) -> None:
    runner = {v.sku: v for v in product("trail-runner").variants}
    assert (runner["TR-42-BLK-R"].stock, runner["TR-42-BLK-R"].backorder) == (5, False)
    assert (runner["TR-43-BLK-W"].stock, runner["TR-43-BLK-W"].backorder) == (0, True)
    # Shopify counted the oversold variant at -2: Orion's stock stops at zero, still on backorder
    assert (runner["TR-44-GRY-R"].stock, runner["TR-44-GRY-R"].backorder) == (0, True)
    assert not any(v.backorder for v in product("linen-shirt").variants)

    page = call(handler, "GET", "/products/trail-runner", host=WIZAMART_HOST)
    assert page.status == 200
    assert page.body.count("Available on backorder") == 2
    assert "disabled" not in choice(page.body, "TR-43-BLK-W")
    # a "deny" variant out of stock cannot be chosen
    shirt = call(handler, "GET", "/products/linen-shirt", host=WIZAMART_HOST)
    assert "disabled" in choice(shirt.body, "LS-S-NVY")


def test_draft_and_archived_products_are_not_in_the_shop(published: ImportJob) -> None:
    assert product("rain-jacket").status is ProductStatus.DRAFT
    assert product("wool-scarf-2022").status is ProductStatus.ARCHIVED
    assert product("linen-shirt").status is ProductStatus.ACTIVE

    listing = call(handler, "GET", "/products", host=WIZAMART_HOST)
    listed = set(re.findall(r'href="/products/([a-z0-9-]+)', listing.body))
    assert {"linen-shirt", "trail-runner", "stoneware-mug"} <= listed
    assert not listed & {"rain-jacket", "wool-scarf-2022", "gift-card"}
    assert call(handler, "GET", "/products/rain-jacket", host=WIZAMART_HOST).status == 404
    assert call(handler, "GET", "/products/wool-scarf-2022", host=WIZAMART_HOST).status == 410


def test_the_file_status_wins_over_the_publish_request_only_to_hide(imported: ImportJob) -> None:
    publish_staged_products(WIZAMART, imported.id, PublishRequest(all=True, status=ProductStatus.DRAFT))

    assert product("linen-shirt").status is ProductStatus.DRAFT  # staff asked for drafts
    assert product("wool-scarf-2022").status is ProductStatus.ARCHIVED  # the file said archived


def test_the_gift_card_is_refused_with_a_message_and_never_becomes_a_product(published: ImportJob) -> None:
    assert published.status is ImportStatus.COMPLETED_WITH_ERRORS
    assert published.counts.model_dump() == {"rows": 6, "accepted": 5, "rejected": 1, "duplicates": 0}
    header, *rows = report(published)
    assert header == ["row", "column", "value", "message"]
    assert len(rows) == 1
    row, column, value, message = rows[0]
    assert (row, column, value) == ("11", "gift card", "TRUE")
    assert message.startswith("Gift cards are not imported: Orion cannot issue gift card codes")
    assert ProductRepository().product_id_for_external_id(WIZAMART, "gift-card") is None
