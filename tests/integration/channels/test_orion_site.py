"""Publishing into another store of the same merchant (``orion_site``): records per product, an
unchanged republish that writes nothing, updates, unpublishing, one failing product not blocking the
others, and a target store that changed hands refused at publish time."""

from __future__ import annotations

from typing import Any

import pytest

from orion.audit.service import list_entries
from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.channels.repository import ChannelRepository
from orion.tenancy import merchants, stores
from orion.tenant import Tenant
from tests.integration.channels.conftest import WIZAMART, add_outlet_integration, copy_in, product, publish
from tests.staff import call


def test_publish_update_unpublish_with_records(
    owner: str, outlet: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    lamp, chair = product("Desk lamp"), product("Chair", description="<p>Oak</p>")
    draft = product("Unfinished", status=ProductStatus.DRAFT)
    # (the demo store has other active products: the rule keeps the run to these)
    integration = add_outlet_integration(owner, selection="chosen", product_ids=[lamp, chair, draft])
    path = f"/api/v1/channels/{integration}"
    before = len(list_entries(WIZAMART, limit=200)[0])

    # given two active products and a draft, when they are published
    first = publish(owner, integration, {"product_ids": [lamp, chair, draft]})
    job = first["job"]
    assert (job["created"], job["failed"], job["skipped"]) == (2, 0, [draft])
    records = {r["item_id"]: r for r in first["records"]}
    assert {r["status"] for r in records.values()} == {"synced"}
    copy = copy_in(outlet, integration, lamp)
    assert (copy.title, copy.status, copy.variants[0].stock) == ("Desk lamp", ProductStatus.ACTIVE, 4)
    assert records[lamp]["remote_id"] == copy.id
    assert records[lamp]["remote_url"].endswith(f"/products/{copy.handle}")
    assert call("GET", f"{path}/jobs/{job['id']}", token=owner).json()["created"] == 2
    assert call("GET", path, token=owner).json()["sync_status"] == "success"
    assert len(list_entries(WIZAMART, limit=200)[0]) == before + 1  # the publish is audited

    # an unchanged republish sends nothing and writes no record
    sent: list[str] = []
    original_send = catalog.save_product_by_external_id

    def send(*args: Any, **kwargs: Any) -> Any:
        sent.append(args[1])
        return original_send(*args, **kwargs)

    saved: list[str] = []
    original_save = ChannelRepository.save_record

    def save(self: ChannelRepository, tenant: Tenant, record: Any) -> None:
        saved.append(record.item_id)
        original_save(self, tenant, record)

    monkeypatch.setattr(catalog, "save_product_by_external_id", send)
    monkeypatch.setattr(ChannelRepository, "save_record", save)
    again = publish(owner, integration, {"all": True})
    assert (again["job"]["unchanged"], again["job"]["created"], again["job"]["updated"]) == (2, 0, 0)
    assert (sent, saved) == ([], [])

    # a changed product is sent again, to the same copy; its stock there stays the target store's own
    catalog.adjust_stock(outlet, copy.variants[0].sku, -1)  # the outlet sold one
    current = catalog.get_product(WIZAMART, lamp)
    catalog.update_product(
        WIZAMART,
        lamp,
        ProductInput(**{**current.model_dump(include=set(ProductInput.model_fields)), "title": "Brass lamp"}),
    )
    changed = publish(owner, integration, {"all": True})
    assert (changed["job"]["updated"], changed["job"]["unchanged"]) == (1, 1)
    assert len(sent) == 1
    updated = copy_in(outlet, integration, lamp)
    assert (updated.id, updated.title, updated.variants[0].stock) == (copy.id, "Brass lamp", 3)

    # unpublishing archives the copy; archiving in the source takes the other back on a publish of all
    gone = call("POST", f"{path}/unpublish", body={"product_ids": [chair]}, token=owner).json()
    assert gone["records"][0]["status"] == "removed"
    assert copy_in(outlet, integration, chair).status is ProductStatus.ARCHIVED
    # (a publish of all makes the destination follow the rules: the chair leaves them too)
    rules = {"products": {"selection": "chosen", "product_ids": [lamp, draft]}}
    assert call("PATCH", path, body={"rules": rules}, token=owner).status == 200
    catalog.set_product_status(WIZAMART, lamp, ProductStatus.ARCHIVED)
    archived = publish(owner, integration, {"all": True})
    assert archived["job"]["removed"] == 1
    assert copy_in(outlet, integration, lamp).status is ProductStatus.ARCHIVED

    # the records, by status and in pages; and per product
    removed = call("GET", f"{path}/records", query="status=removed", token=owner).json()
    assert sorted(r["item_id"] for r in removed["records"]) == sorted([lamp, chair])
    assert call("GET", f"{path}/records", query="status=synced", token=owner).json()["records"] == []
    page = call("GET", f"{path}/records", query="limit=1", token=owner).json()
    rest = call("GET", f"{path}/records", query=f"limit=1&after={page['next_cursor']}", token=owner).json()
    assert {page["records"][0]["item_id"], rest["records"][0]["item_id"]} == {lamp, chair}
    assert rest["next_cursor"] is None
    assert call("GET", f"{path}/records", query="after=garbage!", token=owner).status == 400
    channels = call("GET", f"/api/v1/products/{lamp}/channels", token=owner).json()["channels"]
    assert [(c["integration_id"], c["record"]["status"]) for c in channels] == [(integration, "removed")]
    assert call("GET", f"/api/v1/products/{draft}/channels", token=owner).json()["channels"] == []


def test_one_refused_product_does_not_stop_the_others(owner: str, outlet: Tenant) -> None:
    # the outlet already sells the SKU one product would bring: that product fails, with the reason
    catalog.create_product(
        outlet, ProductInput(title="Outlet's own", variants=(Variant(sku="TAKEN-1", price=100),))
    )
    taken, fine = product("Clashing", sku="TAKEN-1"), product("Fine")
    integration = add_outlet_integration(owner, selection="chosen", product_ids=[taken, fine])
    result = publish(owner, integration, {"all": True})
    records = {r["item_id"]: r for r in result["records"]}
    assert (records[taken]["status"], records[fine]["status"]) == ("failed", "synced")
    assert "wizamart-outlet" in records[taken]["last_error"] and records[taken]["attempts"] == 1
    failed = call("GET", f"/api/v1/channels/{integration}", token=owner).json()
    assert failed["sync_status"] == "failed" and failed["last_error"]
    retried = publish(owner, integration, {"product_ids": [taken]})
    assert retried["records"][0]["attempts"] == 2

    # removing the integration forgets its records (the published copy stays in the outlet)
    assert call("DELETE", f"/api/v1/channels/{integration}", token=owner).status == 204
    assert call("GET", f"/api/v1/products/{fine}/channels", token=owner).json()["channels"] == []
    assert copy_in(outlet, integration, fine).status is ProductStatus.ACTIVE


def test_a_target_store_of_another_merchant_is_refused_at_publish(owner: str, outlet: Tenant) -> None:
    lamp = product("Lamp")
    integration = add_outlet_integration(owner)
    other = merchants.create_merchant(Tenant("oms"), "Someone Else", None)
    stores.transfer_store(Tenant("oms"), "wizamart-outlet", other.id)
    response = call(
        "POST", f"/api/v1/channels/{integration}/publish", body={"product_ids": [lamp]}, token=owner
    )
    assert response.status == 422
    assert "another merchant" in response.text
    assert catalog.list_products(outlet, include_unpublished=True).items == []
    after = call("GET", f"/api/v1/channels/{integration}", token=owner).json()
    assert after["sync_status"] == "failed" and "another merchant" in after["last_error"]
    check = call("POST", f"/api/v1/channels/{integration}/test", token=owner).json()
    assert check["ok"] is False


def test_cms_pages_are_published_updated_and_hidden(owner: str, outlet: Tenant) -> None:
    from orion.cms import service as cms
    from orion.cms.models import PageInput

    # (shipping overrides a platform default; our-story is a custom page, which the outlet's plan
    # does not allow)
    cms.put_store_page(WIZAMART, "shipping", PageInput(title="Shipping", body_html="<p>Since 1999</p>"))
    cms.put_store_page(WIZAMART, "our-story", PageInput(title="Our story"))
    cms.put_store_page(WIZAMART, "secret", PageInput(title="Draft", published=False))
    body = {
        "platform": "orion_site",
        "config": {"store": "wizamart-outlet"},
        "rules": {
            "products": {"selection": "chosen", "product_ids": [product("Lamp")]},
            "pages": {"slugs": ["shipping", "our-story", "secret"]},
        },
    }
    created = call("POST", "/api/v1/channels", body=body, token=owner)
    assert created.status == 201, created.body
    integration = created.json()["id"]

    # given the rules name a published and an unpublished page, when all is published
    job = publish(owner, integration, {"all": True})
    pages = {r["item_id"]: r for r in job["records"] if r["item_kind"] == "page"}
    # then the published page is in the outlet (its own address), the unpublished one is not sent,
    # and the one the outlet refuses has a record that says why
    assert set(pages) == {"shipping", "our-story"}, pages
    assert pages["shipping"]["status"] == "synced", pages["shipping"]["last_error"]
    assert pages["shipping"]["remote_url"].endswith("/pages/shipping")
    assert pages["our-story"]["status"] == "failed"
    assert "allows 0 custom pages" in pages["our-story"]["last_error"]
    copied = cms.get_store_page(outlet, "shipping")
    assert (copied.title, copied.published) == ("Shipping", True)
    assert "Since 1999" in copied.body_html

    # an edited page is updated; an unchanged one is not counted as sent
    cms.put_store_page(WIZAMART, "shipping", PageInput(title="Shipping", body_html="<p>Since 2001</p>"))
    again = publish(owner, integration, {"page_slugs": ["shipping"]})["job"]
    assert (again["updated"], again["unchanged"]) == (1, 0)
    assert "Since 2001" in cms.get_store_page(outlet, "shipping").body_html
    assert publish(owner, integration, {"page_slugs": ["shipping"]})["job"]["unchanged"] == 1

    # unpublishing hides the page in the outlet and marks the record removed
    response = call(
        "POST", f"/api/v1/channels/{integration}/unpublish", body={"page_slugs": ["shipping"]}, token=owner
    )
    assert response.status == 202, response.body
    assert response.json()["records"][0]["status"] == "removed"
    assert cms.get_store_page(outlet, "shipping").published is False


def test_a_copy_made_by_a_channel_is_never_published_back(owner: str, outlet: Tenant) -> None:
    from orion.channels import service
    from orion.channels.models import PublishingRules

    lamp = product("Desk lamp")
    integration = add_outlet_integration(owner, selection="chosen", product_ids=[lamp])
    publish(owner, integration, {"all": True})
    copy = copy_in(outlet, integration, lamp)

    # rules of the outlet that publish everything it sells: its own product goes, the copy never
    # (it would go back to the store it came from)
    own = catalog.create_product(
        outlet,
        ProductInput(
            title="Outlet's own", status=ProductStatus.ACTIVE, variants=(Variant(sku="OUT-1", price=900),)
        ),
    )
    everything = PublishingRules()
    assert service.selects(everything, catalog.get_product(outlet, own.id))
    assert not service.selects(everything, copy)


def test_the_target_stores_own_edit_of_a_copy_lasts(owner: str, outlet: Tenant) -> None:
    lamp = product("Desk lamp", description="<p>Brass</p>")
    integration = add_outlet_integration(owner, selection="chosen", product_ids=[lamp])
    publish(owner, integration, {"all": True})
    copy = copy_in(outlet, integration, lamp)

    # the outlet renames its copy; the source then changes its description and publishes again
    fields = copy.model_dump(include=set(ProductInput.model_fields))
    catalog.update_product(outlet, copy.id, ProductInput.model_validate({**fields, "title": "Outlet lamp"}))
    source = catalog.get_product(WIZAMART, lamp)
    data = source.model_dump(include=set(ProductInput.model_fields))
    catalog.update_product(WIZAMART, lamp, ProductInput.model_validate({**data, "description": "<p>Oak</p>"}))
    assert publish(owner, integration, {"all": True})["job"]["updated"] == 1

    # the outlet's title lasts, the source's new description arrives
    again = copy_in(outlet, integration, lamp)
    assert (again.title, again.description) == ("Outlet lamp", "<p>Oak</p>")
    assert list(again.overrides) == ["title"]
