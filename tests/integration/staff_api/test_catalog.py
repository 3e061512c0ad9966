"""Variants, translations and stock through the staff API: what staff see, what the storefront shows,
and what another store can never touch."""

from __future__ import annotations

from typing import Any

from orion.catalog import service as catalog
from orion.catalog.models import MAX_VARIANTS
from orion.ids import new_id
from tests.integration.staff_api.operations import WIZAMART, _category, _product, sku_path
from tests.staff import BAKERY, call, token_of


def variant(sku: str, price: int = 2500, **extra: Any) -> dict[str, Any]:
    return {"sku": sku, "price": price, **extra}


def product_json(owner: str, product_id: str) -> dict[str, Any]:
    response = call("GET", f"/api/v1/products/{product_id}", token=owner)
    assert response.status == 200, response.body
    found: dict[str, Any] = response.json()
    return found


def storefront(path: str, query: str = "") -> str:
    response = call("GET", path, query=query)
    assert response.status == 200, (path, response.status)
    return response.body.decode()


def test_a_variant_added_by_staff_is_buyable_by_its_sku_and_listed(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, first = _product()
    added = call(
        "POST",
        f"/api/v1/products/{product_id}/variants",
        body=variant("LAMP/XL-2", 999, options={"Size": "XL"}, stock=4),
        token=owner,
    )
    assert added.status == 201, added.body
    assert added.json() == {
        "sku": "LAMP/XL-2",
        "options": {"Size": "XL"},
        "price": 999,
        "compare_at_price": None,
        "currency": "EUR",
        "stock": 4,
        "backorder": False,
        "gtin": None,
    }
    listed = call("GET", f"/api/v1/products/{product_id}/variants", token=owner).json()["items"]
    assert [v["sku"] for v in listed] == [first, "LAMP/XL-2"]
    # The SKU pointer, the search by SKU and the listing's "from" price follow in the same save.
    assert catalog.get_variant_by_sku(WIZAMART, "LAMP/XL-2").product_id == product_id
    assert [p.id for p in catalog.search_products(WIZAMART, "LAMP/XL-2")] == [product_id]
    assert catalog.get_product(WIZAMART, product_id).summary().price == 999


def test_a_sku_another_product_uses_is_a_409_and_nothing_changes(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, _ = _product()
    _, taken = _product()
    before = product_json(owner, product_id)
    clash = call("POST", f"/api/v1/products/{product_id}/variants", body=variant(taken), token=owner)
    assert clash.status == 409
    assert clash.headers["content-type"] == "application/problem+json"
    assert taken in clash.json()["detail"]
    again = call(
        "POST",
        f"/api/v1/products/{product_id}/variants",
        body=variant(before["variants"][0]["sku"]),
        token=owner,
    )
    assert again.status == 409
    assert product_json(owner, product_id) == before


def test_a_product_holds_at_most_twelve_variants(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, sku = _product()
    for n in range(1, MAX_VARIANTS):
        body = variant(f"{sku}-{n}")
        assert call("POST", f"/api/v1/products/{product_id}/variants", body=body, token=owner).status == 201
    refused = call("POST", f"/api/v1/products/{product_id}/variants", body=variant(f"{sku}-x"), token=owner)
    assert refused.status == 409
    problem = refused.json()
    assert (problem["limit"], problem["max"]) == ("variants_per_product", MAX_VARIANTS)
    assert "at most 12 variants" in problem["detail"]


def test_a_variant_in_another_currency_is_refused(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, _ = _product()
    refused = call(
        "POST", f"/api/v1/products/{product_id}/variants", body=variant("USD-1", currency="USD"), token=owner
    )
    assert refused.status == 422
    assert "EUR" in refused.json()["detail"]


def test_patching_a_variant_changes_what_it_names_and_keeps_its_stock(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, sku = _product(stock=7)
    catalog.adjust_stock(WIZAMART, sku, -2)  # a checkout meanwhile: the PATCH must not undo it
    patched = call(
        "PATCH", sku_path(product_id, sku), body={"price": 1500, "compare_at_price": 1900}, token=owner
    )
    assert patched.status == 200, patched.body
    assert (patched.json()["price"], patched.json()["compare_at_price"], patched.json()["stock"]) == (
        1500,
        1900,
        5,
    )
    cleared = call("PATCH", sku_path(product_id, sku), body={"compare_at_price": None}, token=owner)
    assert (cleared.json()["price"], cleared.json()["compare_at_price"]) == (1500, None)
    assert catalog.get_product(WIZAMART, product_id).summary().price == 1500
    # Stock is not something a PATCH sets, and an empty PATCH says nothing.
    assert call("PATCH", sku_path(product_id, sku), body={"stock": 99}, token=owner).status == 422
    assert call("PATCH", sku_path(product_id, sku), body={}, token=owner).status == 422
    assert call("PATCH", sku_path(product_id, sku), body={"price": None}, token=owner).status == 422
    assert call("PATCH", sku_path(product_id, "NOPE-1"), body={"price": 1}, token=owner).status == 404


def test_staff_put_a_variant_on_backorder_and_take_it_off(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, sku = _product(stock=0)

    on = call("PATCH", sku_path(product_id, sku), body={"backorder": True}, token=owner)

    assert on.status == 200, on.body
    assert (on.json()["backorder"], on.json()["stock"]) == (True, 0)
    assert catalog.get_variant_by_sku(WIZAMART, sku).variant.orderable
    off = call("PATCH", sku_path(product_id, sku), body={"backorder": False}, token=owner)
    assert off.json()["backorder"] is False
    assert not catalog.get_variant_by_sku(WIZAMART, sku).variant.orderable
    assert call("PATCH", sku_path(product_id, sku), body={"backorder": None}, token=owner).status == 422


def test_skus_with_slashes_work_encoded_or_not(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, sku = _product(variants=2)
    slashed = f"{sku}/1"
    encoded = call("GET", sku_path(product_id, slashed), token=owner)
    assert encoded.status == 200
    assert encoded.json()["sku"] == slashed
    # As API Gateway delivers it (decoded): the route takes the rest of the path.
    plain = call("GET", f"/api/v1/products/{product_id}/variants/{slashed}", token=owner)
    assert plain.json()["sku"] == slashed
    stock = call(
        "POST", f"/api/v1/products/{product_id}/variants/{slashed}/stock", body={"delta": 3}, token=owner
    )
    assert stock.json() == {"sku": slashed, "stock": 13}
    assert call("GET", sku_path(product_id, "no such sku!"), token=owner).status == 404


def test_the_last_variant_cannot_be_removed(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, sku = _product(variants=2)
    assert call("DELETE", sku_path(product_id, f"{sku}/1"), token=owner).status == 204
    last = call("DELETE", sku_path(product_id, sku), token=owner)
    assert last.status == 409
    assert "delete the product" in last.json()["detail"]
    assert [v["sku"] for v in product_json(owner, product_id)["variants"]] == [sku]
    # The removed SKU is free again, for this product or another.
    other, _ = _product()
    body = variant(f"{sku}/1")
    assert call("POST", f"/api/v1/products/{other}/variants", body=body, token=owner).status == 201


def test_stock_adjustments_never_go_below_zero(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, sku = _product(stock=3)
    path = sku_path(product_id, sku, "/stock")
    taken = call("POST", path, body={"delta": -3, "reason": "breakage"}, token=owner)
    assert taken.json() == {"sku": sku, "stock": 0}
    refused = call("POST", path, body={"delta": -1, "reason": "breakage"}, token=owner)
    assert refused.status == 409
    assert "Not enough stock" in refused.json()["detail"]
    assert product_json(owner, product_id)["variants"][0]["stock"] == 0
    # Nor above what the model can hold: the product stays readable.
    assert call("POST", path, body={"delta": 1_000_000}, token=owner).status == 200
    assert call("POST", path, body={"delta": 1}, token=owner).status == 409
    assert product_json(owner, product_id)["variants"][0]["stock"] == 1_000_000


def test_a_stock_adjustment_names_a_variant_of_that_product(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, sku = _product(stock=3)
    other_id, other_sku = _product(stock=3)
    for path, body in (
        (sku_path(product_id, other_sku, "/stock"), {"delta": -1}),  # another product's SKU
        (f"/api/v1/products/{product_id}/stock", {"sku": other_sku, "delta": -1}),
        (f"/api/v1/products/{product_id}/stock", {"sku": "NO SUCH#SKU", "delta": -1}),
        (sku_path(new_id(), sku, "/stock"), {"delta": -1}),  # no such product
    ):
        answer = call("POST", path, body=body, token=owner)
        assert answer.status == 404, (path, body, answer.json())
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert product_json(owner, product_id)["variants"][0]["stock"] == 3
    assert product_json(owner, other_id)["variants"][0]["stock"] == 3
    moved = call(
        "POST", f"/api/v1/products/{other_id}/stock", body={"sku": other_sku, "delta": -1}, token=owner
    )
    assert moved.json() == {"sku": other_sku, "stock": 2}


def test_stock_adjustments_are_audited_with_their_reason(demo: list[str]) -> None:
    from orion.audit.service import list_entries

    owner = token_of("wizamart-owner")
    product_id, sku = _product()
    call("POST", sku_path(product_id, sku, "/stock"), body={"delta": -1, "reason": "dropped it"}, token=owner)
    entry = list_entries(WIZAMART, limit=1)[0][0]
    assert (entry.action, entry.target) == ("product.stock", f"product:{product_id}")
    assert entry.details == {"sku": sku, "delta": -1, "reason": "dropped it"}


def test_a_translation_set_by_staff_shows_on_the_storefront(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, _ = _product()
    handle = product_json(owner, product_id)["handle"]
    body = {"title": "Lampe de bureau", "description": "Une belle lampe."}
    put = call("PUT", f"/api/v1/products/{product_id}/translations/fr", body=body, token=owner)
    assert put.status == 200, put.body
    listed = call("GET", f"/api/v1/products/{product_id}/translations", token=owner).json()["items"]
    assert {"language": "fr", **body} in listed
    assert "Lampe de bureau" in storefront(f"/products/{handle}", "lang=fr")
    assert "Lampe de bureau" not in storefront(f"/products/{handle}", "lang=en")
    # Removed: the storefront falls back to the default text.
    assert call("DELETE", f"/api/v1/products/{product_id}/translations/fr", token=owner).status == 204
    assert "Lampe de bureau" not in storefront(f"/products/{handle}", "lang=fr")
    assert call("DELETE", f"/api/v1/products/{product_id}/translations/fr", token=owner).status == 404


def test_translations_are_limited_to_the_stores_languages(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")  # wizamart offers en, fr, de
    product_id, _ = _product()
    refused = call(
        "PUT", f"/api/v1/products/{product_id}/translations/lb", body={"title": "Luucht"}, token=owner
    )
    assert refused.status == 422
    assert "does not offer" in refused.json()["detail"]
    assert (
        call("PUT", f"/api/v1/products/{product_id}/translations/xx", body={"title": "?"}, token=owner).status
        == 422
    )
    empty = call("PUT", f"/api/v1/products/{product_id}/translations/de", body={}, token=owner)
    assert empty.status == 422


def test_a_category_translation_names_the_category_on_the_storefront(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    slug = _category()
    put = call("PUT", f"/api/v1/categories/{slug}/translations/de", body={"name": "Leuchten"}, token=owner)
    assert put.json() == {"language": "de", "name": "Leuchten"}
    items = call("GET", f"/api/v1/categories/{slug}/translations", token=owner).json()["items"]
    assert items == [{"language": "de", "name": "Leuchten"}, {"language": "fr", "name": "Lampes"}]
    assert "Leuchten" in storefront(f"/categories/{slug}", "lang=de")
    assert call("DELETE", f"/api/v1/categories/{slug}/translations/de", token=owner).status == 204
    assert catalog.get_category(WIZAMART, slug).translations == {"fr": "Lampes"}


def test_another_store_cannot_read_or_touch_a_products_variants_or_translations(demo: list[str]) -> None:
    wizamart_owner = token_of("wizamart-owner")
    bakery_owner = token_of("bakery-owner", host=BAKERY)
    product_id, sku = _product()
    before = product_json(wizamart_owner, product_id)
    attempts: list[tuple[str, str, Any]] = [
        ("GET", f"/api/v1/products/{product_id}/variants", None),
        ("POST", f"/api/v1/products/{product_id}/variants", variant(f"B-{new_id()[-6:]}")),
        ("PATCH", sku_path(product_id, sku), {"price": 1}),
        ("DELETE", sku_path(product_id, sku), None),
        ("POST", sku_path(product_id, sku, "/stock"), {"delta": -1}),
        ("POST", f"/api/v1/products/{product_id}/stock", {"sku": sku, "delta": -1}),
        ("PUT", f"/api/v1/products/{product_id}/translations/de", {"title": "Brot"}),
        ("DELETE", f"/api/v1/products/{product_id}/translations/fr", None),
    ]
    for method, path, body in attempts:
        # bakery's owner on bakery's host: the product is not in bakery's catalogue.
        own_host = call(method, path, host=BAKERY, body=body, token=bakery_owner)
        assert own_host.status == 404, (method, path, own_host.status)
        # bakery's owner on wizamart's host: no membership there.
        their_host = call(method, path, body=body, token=bakery_owner)
        assert their_host.status == 403, (method, path, their_host.status)
    assert product_json(wizamart_owner, product_id) == before
