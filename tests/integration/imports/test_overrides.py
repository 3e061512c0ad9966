"""Lasting overrides: what staff change on a product from a feed survives the next import, staff see
which fields they overrode and can give one back the feed's value (docs/staff-api.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

import boto3

from infra.wiring import LOCAL_REGION
from orion.catalog.models import Product, ProductInput
from orion.catalog.products.repository import ProductRepository
from orion.imports.models import ImportJob
from orion.imports.publish import PublishRequest, publish_staged_products
from tests.feeds import FEED_HEADER, feed_rows, letzshop_feed
from tests.integration.imports.conftest import WIZAMART as WIZAMART_TENANT
from tests.integration.imports.conftest import Uploader
from tests.staff import BAKERY, call, token_of


def publish(upload: Uploader, feed: bytes) -> None:
    job = upload(feed, "letzshop_en.tsv", language="en")  # the store's default language
    result = publish_staged_products(WIZAMART_TENANT, job.id, PublishRequest(all=True))
    assert result.failed == []


def changed_feed() -> bytes:
    """The 3-product English feed, the chair WZ-00002 with a new title, description and price."""
    rows = feed_rows(3, "en")
    rows[1][1:3] = ["Oak chair no. 2 (new)", "An even sturdier chair."]
    rows[1][6] = "15,00 EUR"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerows([FEED_HEADER, *rows])
    return buffer.getvalue().encode()


def test_an_override_is_kept_across_a_re_import_and_reset_to_the_source(upload: Uploader) -> None:
    owner = token_of("wizamart-owner")
    publish(upload, letzshop_feed(3, "en"))
    product_id = ProductRepository().product_id_for_external_id(WIZAMART_TENANT, "WZ-00002")
    path = f"/api/v1/products/{product_id}"
    fresh = call("GET", path, token=owner).json()
    assert fresh["overrides"] == []
    assert fresh["source"]["title"] == "Oak chair no. 2"

    # Staff lower the price and rename the chair through the API: exactly those fields are overridden.
    body: dict[str, Any] = {k: fresh[k] for k in ProductInput.model_fields}
    body["title"] = "Our chair no. 2"
    body["variants"][0]["price"] = 999
    edited = call("PUT", path, token=owner, body=body)
    assert edited.status == 200, edited.body
    assert edited.json()["overrides"] == ["title", "price"]

    # The feed changes title, description and price: only the description reaches the product.
    publish(upload, changed_feed())
    kept = call("GET", path, token=owner).json()
    assert (kept["title"], kept["variants"][0]["price"]) == ("Our chair no. 2", 999)
    assert kept["description"] == "An even sturdier chair."
    assert kept["overrides"] == ["title", "price"]
    assert kept["source"]["title"] == "Oak chair no. 2 (new)"
    assert kept["source"]["price"] == {"WZ-00002": 1500}

    # Reset the title: the feed's latest value, the price stays overridden.
    reset = call("DELETE", f"{path}/overrides/title", token=owner)
    assert reset.status == 200, reset.body
    assert reset.json()["title"] == "Oak chair no. 2 (new)"
    assert reset.json()["overrides"] == ["price"]
    assert call("DELETE", f"{path}/overrides/title", token=owner).status == 404  # no longer overridden
    assert call("DELETE", f"{path}/overrides/colour", token=owner).status == 422  # no such field
    reset = call("DELETE", f"{path}/overrides/price", token=owner)
    assert (reset.json()["variants"][0]["price"], reset.json()["overrides"]) == (1500, [])

    # Another store's staff cannot see or reset it.
    bakery = token_of("bakery-owner", BAKERY)
    # A form that does not send the external id (the console's) leaves the product on its feed.
    body = {k: reset.json()[k] for k in ProductInput.model_fields if k != "external_id"}
    body["title"] = "Encore"
    encore = call("PUT", path, token=owner, body=body).json()
    assert (encore["overrides"], encore["external_id"]) == (["title"], "WZ-00002")
    assert call("DELETE", f"{path}/overrides/title", host=BAKERY, token=bakery).status == 404
    assert call("GET", path, token=owner).json()["title"] == "Encore"


def test_a_status_or_translation_edit_overrides_that_field_only(upload: Uploader) -> None:
    owner = token_of("wizamart-owner")
    publish(upload, letzshop_feed(1, "en"))
    product_id = ProductRepository().product_id_for_external_id(WIZAMART_TENANT, "WZ-00001")
    path = f"/api/v1/products/{product_id}"

    call("PUT", f"{path}/status", token=owner, body={"status": "draft"})
    german = call("PUT", f"{path}/translations/de", token=owner, body={"title": "Eichenstuhl"})
    assert german.status == 200, german.body
    assert call("GET", path, token=owner).json()["overrides"] == ["status", "title.de"]

    publish(upload, letzshop_feed(1, "en"))  # the publish asks for active: the store's draft stays
    product = call("GET", path, token=owner).json()
    assert (product["status"], product["translations"]["de"]["title"]) == ("draft", "Eichenstuhl")

    reset = call("DELETE", f"{path}/overrides/title.de", token=owner).json()
    assert "de" not in reset["translations"]  # the feed has no German: back to none
    assert reset["overrides"] == ["status"]


def test_a_product_not_from_a_feed_overrides_nothing(upload: Uploader) -> None:
    owner = token_of("wizamart-owner")
    created = call(
        "POST",
        "/api/v1/products",
        token=owner,
        body={"title": "Hand-made stool", "variants": [{"sku": "STOOL-1", "price": 4500}]},
    )
    assert created.status == 201, created.body
    path = f"/api/v1/products/{created.json()['id']}"
    call("PUT", f"{path}/status", token=owner, body={"status": "active"})
    assert call("GET", path, token=owner).json()["overrides"] == []
    assert call("DELETE", f"{path}/overrides/status", token=owner).status == 404


def orion_csv(rows: dict[str, str], *, tax_class: bool = True) -> bytes:
    """An Orion CSV of products by external id, with their tax_class column (or without one)."""
    lines = ["external_id,title,price" + (",tax_class" if tax_class else "")]
    lines += [f"{ref},Tea {ref},4.50" + (f",{value}" if tax_class else "") for ref, value in rows.items()]
    return ("\n".join(lines) + "\n").encode()


def test_the_tax_class_column_sets_it_and_a_file_without_it_keeps_the_stores(upload: Uploader) -> None:
    from orion.catalog import service as catalog
    from orion.catalog.models import TaxClass

    def imported(content: bytes) -> ImportJob:
        job = upload(content, "products.csv", language="en")
        publish_staged_products(WIZAMART_TENANT, job.id, PublishRequest(all=True))
        return job

    def tea() -> Product:
        product_id = ProductRepository().product_id_for_external_id(WIZAMART_TENANT, "TEA-1")
        assert product_id
        return catalog.get_product(WIZAMART_TENANT, product_id)

    first = imported(orion_csv({"TEA-1": "reduced", "TEA-2": "zero"}))
    assert (first.counts.accepted, first.counts.rejected) == (1, 1)
    assert first.report_key
    s3 = boto3.client("s3", region_name=LOCAL_REGION)
    body = s3.get_object(Bucket="orion-reports", Key=first.report_key)["Body"].read()
    _, error = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert error[1:3] == ["tax_class", "zero"]
    assert tea().tax_class is TaxClass.REDUCED

    # The store picks another rate: a file without the column keeps it, one with the column sets its own.
    product = tea()
    edited = ProductInput(**{name: getattr(product, name) for name in ProductInput.model_fields})
    edited = edited.model_copy(update={"tax_class": TaxClass.SUPER_REDUCED})
    catalog.update_product(WIZAMART_TENANT, product.id, edited)
    imported(orion_csv({"TEA-1": ""}, tax_class=False))
    assert tea().tax_class is TaxClass.SUPER_REDUCED
    imported(orion_csv({"TEA-1": "standard"}))
    assert tea().tax_class is TaxClass.STANDARD
