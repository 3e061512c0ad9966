"""The console's products area: the product form (one and several variants, bad prices, a save over a
newer version, the tier limit), the list (search, bulk status), stock adjustments with their audit
record, the low-stock threshold, categories, permissions per role, store isolation, and a product from
a feed: the fields the store changed, with the feed's value and a button that gives it back."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from orion.audit import service as audit
from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Translation, Variant
from orion.identity import service as identity
from orion.ids import new_id
from orion.metrics.counters import CounterRepository
from orion.modules.manifest import Role
from orion.tenancy import tiers
from orion.tenancy.models import Tier
from orion.tenant import Tenant
from tests.console import ConsoleBrowser, signed_in
from tests.integration.staff_api.operations import _product
from tests.staff import BAKERY, call

WIZAMART = Tenant("oms", "wizamart")
BAKERY_STORE = Tenant("oms", "bakery")


def one_variant(sku: str, **extra: str) -> dict[str, str]:
    return {
        "title": f"Console mug {sku}",
        "description": "A <b>big</b> mug<script>alert(1)</script>",
        "status": "active",
        "variants-0-sku": sku,
        "variants-0-price": "12.50",
        "variants-0-stock": "7",
        **extra,
    }


def created_id(response_location: str) -> str:
    found = re.search(r"/admin/products/([0-9A-Z]{26})$", response_location)
    assert found, response_location
    return found.group(1)


def member(role: Role) -> ConsoleBrowser:
    """A new member of wizamart with ``role``, signed in to the console."""
    email = f"m-{new_id()[-8:].lower()}@example.com"
    identity.create_staff_user(WIZAMART, email, "Some Member", "a-long-password", role)
    browser = ConsoleBrowser()
    browser.get("/admin/login")
    signed = browser.post("/admin/login", {"email": email, "password": "a-long-password"})
    assert signed.status == 303, signed.text[:500]
    return browser


def test_a_one_variant_product_made_with_the_form_is_in_the_shop(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    form = owner.get("/admin/products/new")
    assert form.status == 200
    for name in ("title", "variants-0-sku", "variants-0-price", "variants-0-stock", "status"):
        assert f'name="{name}"' in form.text
    sku = f"CM-{new_id()[-6:]}"
    created = owner.post("/admin/products", one_variant(sku))
    assert created.status == 303, created.text[:2000]
    product = catalog.get_product(WIZAMART, created_id(created.headers["location"]))
    assert product.variants[0].price == 1250 and product.variants[0].stock == 7
    assert product.variants[0].currency == "EUR"
    assert "<script>" not in product.description and "<b>big</b>" in product.description
    assert [p.id for p in catalog.search_products(WIZAMART, sku)] == [product.id]
    shop = call("GET", f"/products/{product.handle}")
    assert shop.status == 200 and "Console mug" in shop.text
    page = owner.get(created.headers["location"].split("8000", 1)[-1])
    assert page.status == 200 and "Product created." in page.text
    entries, _ = audit.list_entries(WIZAMART)
    assert any(e.action == "product.create" and e.target == f"product:{product.id}" for e in entries)


def test_a_product_with_two_variants_rows_added_without_javascript(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    sku = f"TV-{new_id()[-6:]}"
    first = {**one_variant(sku), "option1": "Size", "variants-0-option1": "S"}
    more = owner.post("/admin/products", {**first, "add_variant": "1"})
    assert more.status == 200 and 'name="variants-1-sku"' in more.text
    assert f'value="{sku}"' in more.text  # the entries stay
    created = owner.post(
        "/admin/products",
        {
            **first,
            "variants-1-option1": "L",
            "variants-1-sku": f"{sku}-L",
            "variants-1-price": "14",
            "variants-1-compare_at_price": "16.9",
            "variants-1-stock": "2",
            "variants-1-gtin": "12345670",
        },
    )
    assert created.status == 303, created.text[:2000]
    product = catalog.get_product(WIZAMART, created_id(created.headers["location"]))
    assert [(v.sku, v.options, v.price) for v in product.variants] == [
        (sku, {"Size": "S"}, 1250),
        (f"{sku}-L", {"Size": "L"}, 1400),
    ]
    assert product.variants[1].compare_at_price == 1690 and product.variants[1].gtin == "12345670"


def test_a_bad_price_is_a_422_that_keeps_the_entries_and_saves_nothing(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    sku = f"BP-{new_id()[-6:]}"
    refused = owner.post("/admin/products", one_variant(sku, **{"variants-0-price": "12,5x"}))
    assert refused.status == 422
    assert 'value="12,5x"' in refused.text and f'value="{sku}"' in refused.text
    assert 'id="e-variants-0-price"' in refused.text and "Enter a price like 12.50." in refused.text
    assert catalog.search_staff_products(WIZAMART, sku) == []
    # A comma is a decimal separator people type: 12,5 is 12.50.
    assert owner.post("/admin/products", one_variant(sku, **{"variants-0-price": "12,5"})).status == 303


def test_a_save_over_a_newer_version_is_a_409_that_compares_and_overwrites_nothing(demo: list[str]) -> None:
    product_id, _ = _product()
    alice, bob = signed_in("wizamart-owner"), signed_in("wizamart-editor")
    path = f"/admin/products/{product_id}"
    page = alice.get(path)
    version = re.search(r'name="version" value="([^"]+)"', page.text)
    assert version
    bob.get(path)
    form = dict(re.findall(r'<input id="f-([^"]+)" name="[^"]+" type="[^"]+" value="([^"]*)"', page.text))
    form = {k: v for k, v in form.items() if not k.startswith("translations")}
    form.update(version=version.group(1), status="active")
    saved = alice.post(path, {**form, "title": "Lamp by Alice"})
    assert saved.status == 303, saved.text[:2000]
    stale = bob.post(path, {**form, "title": "Lamp by Bob"})
    assert stale.status == 409
    assert "Lamp by Bob" in stale.text and "Lamp by Alice" in stale.text
    assert "Reload the current version" in stale.text
    assert catalog.get_product(WIZAMART, product_id).title == "Lamp by Alice"


def test_viewers_read_without_buttons_and_a_forged_post_changes_nothing(demo: list[str]) -> None:
    product_id, sku = _product()
    viewer = member(Role.VIEWER)
    listed = viewer.get("/admin/products")
    assert listed.status == 200 and "New product" not in listed.text and 'name="ids"' not in listed.text
    page = viewer.get(f"/admin/products/{product_id}")
    assert page.status == 200 and "<fieldset disabled>" in page.text
    assert "Adjust stock</button>" not in page.text
    assert viewer.get("/admin/products/new").status == 403
    new_sku = f"VW-{new_id()[-6:]}"
    assert viewer.post("/admin/products", one_variant(new_sku)).status == 403
    assert catalog.search_staff_products(WIZAMART, new_sku) == []
    assert viewer.post("/admin/products/bulk", [("ids", product_id), ("action", "archive")]).status == 403
    stock = viewer.post(f"/admin/products/{product_id}/stock", {"sku": sku, "delta": "5", "reason": "x"})
    assert stock.status == 403
    assert catalog.get_product(WIZAMART, product_id).status is ProductStatus.ACTIVE
    assert catalog.get_product(WIZAMART, product_id).variants[0].stock == 10
    editor = signed_in("wizamart-editor")
    assert editor.post("/admin/products", one_variant(f"ED-{new_id()[-6:]}")).status == 303


def test_the_list_finds_a_sku_in_any_case_and_bulk_archives(demo: list[str]) -> None:
    first, sku = _product(ProductStatus.DRAFT)
    second, _ = _product()
    owner = signed_in("wizamart-owner")
    found = owner.get(f"/admin/products?q={sku.lower()}")
    assert found.status == 200 and f"Lamp {sku}" in found.text
    assert owner.get("/admin/products?status=draft").status == 200
    assert owner.get("/admin/products?sort=title").status == 200
    archived = owner.post("/admin/products/bulk", [("ids", first), ("ids", second), ("action", "archive")])
    assert archived.status == 303
    assert {catalog.get_product(WIZAMART, p).status for p in (first, second)} == {ProductStatus.ARCHIVED}
    listed = owner.get("/admin/products?status=archived")
    assert f"Lamp {sku}" in listed.text


def test_the_list_pages_with_a_cursor(demo: list[str]) -> None:
    for _ in range(26):
        _product()
    owner = signed_in("wizamart-owner")
    first = owner.get("/admin/products")
    link = re.search(r'href="(/admin/products\?[^"]*after=[^"]+)"', first.text)
    assert link, "a next page link"
    second = owner.get(link.group(1).replace("&amp;", "&"))
    assert second.status == 200 and "/admin/products/" in second.text


def test_a_stock_adjustment_keeps_its_reason_in_the_audit_log(demo: list[str]) -> None:
    product_id, sku = _product()
    owner = signed_in("wizamart-owner")
    path = f"/admin/products/{product_id}/stock"
    done = owner.post(path, {"sku": sku, "delta": "-3", "reason": "broken in transit"})
    assert done.status == 303
    assert catalog.get_product(WIZAMART, product_id).variants[0].stock == 7
    entries, _ = audit.list_entries(WIZAMART)
    stock = next(e for e in entries if e.action == "product.stock" and e.target == f"product:{product_id}")
    assert stock.details == {"sku": sku, "delta": -3, "reason": "broken in transit"}
    too_many = owner.post(path, {"sku": sku, "delta": "-100", "reason": "x"})
    assert too_many.status == 409 and 'value="-100"' in too_many.text
    bad = owner.post(path, {"sku": sku, "delta": "two", "reason": "x"})
    assert bad.status == 422
    assert catalog.get_product(WIZAMART, product_id).variants[0].stock == 7


def test_the_low_stock_threshold_is_shown_and_changed(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    assert owner.get("/admin/stock").status == 200
    assert owner.post("/admin/stock/threshold", {"threshold": "x"}).status == 422
    assert owner.post("/admin/stock/threshold", {"threshold": "3"}).status == 303
    assert catalog.get_low_stock_threshold(WIZAMART) == 3
    assert 'value="3"' in owner.get("/admin/stock").text
    assert member(Role.VIEWER).post("/admin/stock/threshold", {"threshold": "9"}).status == 403
    assert catalog.get_low_stock_threshold(WIZAMART) == 3


def test_categories_are_created_renamed_and_deleted(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    slug = f"cat-{new_id()[-6:].lower()}"
    assert owner.post("/admin/categories", {"name": "Lamps", "slug": slug}).status == 303
    assert catalog.get_category(WIZAMART, slug).name == "Lamps"
    assert owner.post("/admin/categories", {"name": "", "slug": "x"}).status == 422
    renamed = owner.post(f"/admin/categories/{slug}", {f"{slug}-name": "Lights", f"{slug}-position": "2"})
    assert renamed.status == 303 and catalog.get_category(WIZAMART, slug).name == "Lights"
    assert signed_in("wizamart-editor").post(f"/admin/categories/{slug}/delete", {}).status == 403
    assert owner.post(f"/admin/categories/{slug}/delete", {}).status == 303
    assert all(c.slug != slug for c in catalog.list_categories(WIZAMART))


def test_the_tier_limit_names_the_allowance_and_the_upgrade(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    used = CounterRepository().read(WIZAMART, datetime.now(UTC).date(), 1).total("products")
    monkeypatch.setattr(tiers, "allowance", lambda tier, limit: used)
    owner = signed_in("wizamart-owner")
    sku = f"TL-{new_id()[-6:]}"
    refused = owner.post("/admin/products", one_variant(sku))
    assert refused.status == 409
    plan = tiers.plan_of(catalog_tier()).name
    assert f"{used} of {used} products on {plan}" in refused.text
    assert "Ask your platform to move the store to" in refused.text
    assert f'value="{sku}"' in refused.text
    assert catalog.search_staff_products(WIZAMART, sku) == []


def catalog_tier() -> Tier:
    from orion.tenancy.stores import store_profile

    store = store_profile(WIZAMART)
    assert store is not None
    return store.tier


def test_another_stores_product_is_not_found(demo: list[str]) -> None:
    bakery_product = catalog.list_products(BAKERY_STORE, include_unpublished=True, limit=1).items[0]
    owner = signed_in("wizamart-owner")
    assert owner.get(f"/admin/products/{bakery_product.id}").status == 404
    assert owner.post(f"/admin/products/{bakery_product.id}", {"title": "Mine now"}).status == 404
    bulk = owner.post("/admin/products/bulk", [("ids", bakery_product.id), ("action", "archive")])
    assert bulk.status == 404
    assert catalog.get_product(BAKERY_STORE, bakery_product.id).title == bakery_product.title
    assert signed_in("bakery-owner", host=BAKERY).get(f"/admin/products/{bakery_product.id}").status == 200


def overridden_feed_product() -> tuple[str, str]:
    """A new product of wizamart from a feed (external id = SKU) whose title and price staff changed."""
    sku = f"FD-{new_id()[-8:]}"
    feed = ProductInput(
        title=f"Feed lamp {sku}",
        status=ProductStatus.ACTIVE,
        variants=(Variant(sku=sku, price=1999, stock=4),),
        translations={"fr": Translation(title=f"Lampe {sku}")},
    )
    product, _ = catalog.upsert_product_by_external_id(WIZAMART, sku, feed)
    variant = product.variants[0].model_copy(update={"price": 2500})
    edited = feed.model_copy(update={"title": f"Our lamp {sku}", "variants": (variant,)})
    assert catalog.update_product(WIZAMART, product.id, edited).overrides == ("title", "price")
    return product.id, sku


def test_a_product_from_a_feed_shows_the_feed_values_and_gives_one_back(demo: list[str]) -> None:
    product_id, sku = overridden_feed_product()
    owner = signed_in("wizamart-owner")
    path = f"/admin/products/{product_id}"
    page = owner.get(path)
    assert page.status == 200 and "Linked to a feed" in page.text and f"external id {sku}" in page.text
    assert f"Changed in this store — the feed says: Feed lamp {sku}" in page.text
    assert "Changed in this store — the feed says: €19.99" in page.text
    assert f'formaction="{path}/overrides/title/reset"' in page.text
    assert 'aria-label="Use the feed&#39;s value for Price"' in page.text

    reset = owner.post(f"{path}/overrides/title/reset", follow=True)
    assert reset.status == 200 and "Title has the feed&#39;s value again." in reset.text
    assert 'id="ov-title"' not in reset.text and 'id="ov-price"' in reset.text
    product = catalog.get_product(WIZAMART, product_id)
    assert (product.title, product.variants[0].price) == (f"Feed lamp {sku}", 2500)
    assert product.overrides == ("price",)
    entries, _ = audit.list_entries(WIZAMART)
    target = f"product:{product_id}"
    resets = [e.details for e in entries if e.action == "product.override.reset" and e.target == target]
    assert resets == [{"field": "title"}]
    # Not (or no longer) overridden: a notice; no such field: a 404 page; never a 500.
    again = owner.post(f"{path}/overrides/title/reset", follow=True)
    assert again.status == 200 and "Title already has the feed&#39;s value." in again.text
    assert owner.post(f"{path}/overrides/colour/reset").status == 404
    assert catalog.get_product(WIZAMART, product_id).overrides == ("price",)
    # A product made in the store shows nothing of feeds.
    own_id, _ = _product()
    assert "Linked to a feed" not in owner.get(f"/admin/products/{own_id}").text


def test_a_viewer_sees_feed_values_without_buttons_and_another_store_cannot_reset(demo: list[str]) -> None:
    product_id, _ = overridden_feed_product()
    path = f"/admin/products/{product_id}"
    viewer = member(Role.VIEWER)
    page = viewer.get(path)
    assert page.status == 200 and 'id="ov-price"' in page.text and "Use the feed" not in page.text
    assert viewer.post(f"{path}/overrides/price/reset").status == 403
    bakery = signed_in("bakery-owner", host=BAKERY)
    assert bakery.post(f"{path}/overrides/price/reset").status == 404
    assert catalog.get_product(WIZAMART, product_id).overrides == ("title", "price")


LIST_PAGES = [
    "/admin/products",
    "/admin/products?status=draft&sort=title",
    "/admin/categories",
    "/admin/stock",
]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_a_list_page_costs_at_most_three_requests(demo: list[str], path: str) -> None:
    from tests.bench.support import counting_requests

    owner = signed_in("wizamart-owner")
    owner.get(path)  # warm: the tenant cache, templates
    with counting_requests() as counter:
        assert owner.get(path).status == 200
    assert counter.of("dynamodb") <= 3, counter.calls
