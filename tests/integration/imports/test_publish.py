"""Publishing staged products into the catalogue: merged languages, overrides, idempotence, tenancy."""

from __future__ import annotations

import pytest

from orion.catalog.models import ProductStatus
from orion.catalog.products.repository import ProductRepository
from orion.catalog.service import get_product, list_products
from orion.errors import Conflict, NotFound
from orion.imports.models import StagedStatus
from orion.imports.publish import ProductOverride, PublishRequest, publish_staged_products
from orion.imports.service import staged_products
from orion.settings import get_settings
from tests.feeds import letzshop_feed, shopify_export
from tests.integration.imports.conftest import BAKERY, WIZAMART, Uploader


def product_for(external_id: str) -> object:
    product_id = ProductRepository().product_id_for_external_id(WIZAMART, external_id)
    assert product_id, f"no product for {external_id}"
    return get_product(WIZAMART, product_id)


def count_products() -> int:
    total, after = 0, None
    while True:
        page = list_products(WIZAMART, after=after, limit=100, include_unpublished=True)
        total += len(page.items)
        if not page.next_cursor:
            return total
        after = page.next_cursor


def publish_french_and_german(upload: Uploader, rows: int) -> None:
    french = upload(letzshop_feed(rows, "fr"), "letzshop_fr.tsv")
    german = upload(letzshop_feed(rows, "de"), "letzshop_de.tsv")

    first = publish_staged_products(WIZAMART, french.id, PublishRequest(all=True))
    second = publish_staged_products(WIZAMART, german.id, PublishRequest(all=True))

    assert (len(first.created), len(first.updated), first.failed) == (rows, 0, [])
    assert (len(second.created), len(second.updated), second.failed) == (0, rows, [])
    assert count_products() == rows
    chair = product_for("WZ-00007")
    assert chair.translations["fr"].title == "Chaise en chêne n°7"  # type: ignore[attr-defined]
    assert chair.translations["de"].title == "Eichenstuhl Nr. 7"  # type: ignore[attr-defined]
    assert chair.title == "Chaise en chêne n°7"  # type: ignore[attr-defined]  # the store's default language
    assert chair.status is ProductStatus.ACTIVE  # type: ignore[attr-defined]
    (variant,) = chair.variants  # type: ignore[attr-defined]
    assert (variant.sku, variant.price, variant.stock) == ("WZ-00007", 1707, 0)  # out of stock in the feed
    assert staged_products(WIZAMART, french.id, StagedStatus.STAGED) == []


def test_publishing_a_feed_in_french_and_german_gives_one_product_per_id_in_both(upload: Uploader) -> None:
    publish_french_and_german(upload, 10)


def test_publishing_a_feed_longer_than_a_publish_page_in_french_and_german(upload: Uploader) -> None:
    """Past one page: publishing runs in pages of ``import_publish_page_size`` ids (a full page, then a
    part page here), each created, then updated with a second language, none lost or done twice.
    The full-size case (1,000 products, with its timing) is tests/bench/bench_import_publish.py."""
    rows = get_settings().import_publish_page_size * 3 // 2
    assert rows > get_settings().import_publish_page_size
    publish_french_and_german(upload, rows)


def test_publishing_twice_changes_nothing(upload: Uploader) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")
    publish_staged_products(WIZAMART, job.id, PublishRequest(all=True))
    before = product_for("WZ-00002")

    again = publish_staged_products(WIZAMART, job.id, PublishRequest(all=True))

    assert (again.created, len(again.updated)) == ([], 5)
    after = product_for("WZ-00002")
    assert after.model_dump(exclude={"updated_at"}) == before.model_dump(exclude={"updated_at"})  # type: ignore[attr-defined]
    assert count_products() == 5


def test_selected_products_are_published_with_overrides(upload: Uploader) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")

    result = publish_staged_products(
        WIZAMART,
        job.id,
        PublishRequest(
            external_ids=["WZ-00001", "WZ-00003", "NOPE"],
            overrides={
                "WZ-00001": ProductOverride(price=999, description="<p>Notre prix</p>"),
                "WZ-00003": ProductOverride(status=ProductStatus.DRAFT),
            },
        ),
    )

    assert sorted(result.created) == ["WZ-00001", "WZ-00003"]
    assert [(f.external_id, f.message) for f in result.failed] == [
        ("NOPE", "This id is not staged in this import.")
    ]
    one = product_for("WZ-00001")
    assert one.variants[0].price == 999  # type: ignore[attr-defined]
    assert one.description == "<p>Notre prix</p>"  # type: ignore[attr-defined]
    assert product_for("WZ-00003").status is ProductStatus.DRAFT  # type: ignore[attr-defined]
    assert count_products() == 2


def test_shopify_variants_become_catalogue_variants(upload: Uploader) -> None:
    job = upload(shopify_export(), "products_export_en.csv")

    publish_staged_products(WIZAMART, job.id, PublishRequest(all=True))

    tee = product_for("tee")
    assert [v.sku for v in tee.variants] == ["TEE-BLU-M", "TEE-BLU-L", "TEE-GRN-M", "TEE-GRN-L"]  # type: ignore[attr-defined]
    assert [v.stock for v in tee.variants] == [5, 3, 0, 2]  # type: ignore[attr-defined]
    assert tee.variants[0].options == {"Colour": "Blue", "Size": "M"}  # type: ignore[attr-defined]


def test_another_store_cannot_publish_a_job(upload: Uploader) -> None:
    job = upload(letzshop_feed(3, "fr"), "feed_fr.tsv")

    with pytest.raises(NotFound):
        publish_staged_products(BAKERY, job.id, PublishRequest(all=True))
    assert list_products(BAKERY, include_unpublished=True).items == []
    assert count_products() == 0


def test_a_failed_import_cannot_be_published(upload: Uploader) -> None:
    job = upload(b"", "feed_fr.tsv")

    with pytest.raises(Conflict):
        publish_staged_products(WIZAMART, job.id, PublishRequest(all=True))


def test_a_selection_is_either_named_products_or_all_never_both(upload: Uploader) -> None:
    from orion.errors import Invalid
    from orion.imports.publish import request_publish

    job = upload(letzshop_feed(3, "fr"), "feed_fr.tsv")
    [first, *_] = [p.external_id for p in staged_products(WIZAMART, job.id)]
    with pytest.raises(Invalid, match="not both"):
        request_publish(WIZAMART, job.id, PublishRequest(all=True, external_ids=[first]))
    with pytest.raises(Invalid, match="or set all"):
        request_publish(WIZAMART, job.id, PublishRequest())
    assert count_products() == 0
