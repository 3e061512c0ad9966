"""Two-way sync: edits made at a destination come back into Orion for the fields the destination owns;
a field both sides changed is a conflict kept on the record until staff settle it; a destination's
edit of a field Orion owns is recorded and replaced at the next publish; nothing crosses stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orion.catalog import service as catalog
from orion.catalog.models import ProductInput
from orion.channels import sync, tasks
from orion.channels.adapters import RemoteChange
from orion.channels.errors import DestinationUnavailable
from orion.channels.models import ItemKind
from orion.cms import service as cms
from orion.cms.models import PageInput
from orion.errors import NotFound
from orion.tenant import Tenant
from tests.integration.channels.conftest import WIZAMART, product
from tests.staff import call


def later() -> datetime:
    return datetime.now(UTC) + timedelta(seconds=5)


def published(
    owner: str, ownership: dict[str, str], *, pages: tuple[str, ...] = ()
) -> tuple[str, str, dict[str, Any]]:
    """A product published to the outlet by an integration with ``ownership``: (integration, product,
    its record)."""
    lamp = product("Desk lamp", description="<p>Brass and oak</p>")
    rules: dict[str, Any] = {
        "products": {"selection": "chosen", "product_ids": [lamp]},
        "field_ownership": ownership,
    }
    if pages:
        rules["pages"] = {"slugs": list(pages)}
    body = {
        "platform": "orion_site",
        "config": {"store": "wizamart-outlet"},
        "rules": rules,
        "sync_enabled": True,
    }
    created = call("POST", "/api/v1/channels", body=body, token=owner)
    assert created.status == 201, created.body
    integration = created.json()["id"]
    result = call("POST", f"/api/v1/channels/{integration}/publish", body={"all": True}, token=owner)
    assert result.status == 202, result.body
    records = {r["item_id"]: r for r in result.json()["records"]}
    return integration, lamp, records


def edit(product_id: str, **fields: Any) -> None:
    current = catalog.get_product(WIZAMART, product_id)
    data = current.model_dump(include=set(ProductInput.model_fields))
    catalog.update_product(WIZAMART, product_id, ProductInput.model_validate({**data, **fields}))


def test_remote_edits_of_remote_owned_fields_come_back(owner: str, outlet: Tenant) -> None:
    integration, lamp, records = published(owner, {"price": "remote", "title": "remote"})
    remote_id = records[lamp]["remote_id"]

    # given the destination changed the price (and the title to what Orion already has)
    change = RemoteChange(ItemKind.PRODUCT, remote_id, {"price": 1999, "title": "Desk lamp"}, later())
    # (a value the product refuses is reported, never applied)
    bad = RemoteChange(ItemKind.PRODUCT, remote_id, {"price": -5}, later())
    refused = sync.apply_remote_changes(WIZAMART, integration, [bad])
    assert refused.applied == 0 and refused.failed and refused.failed[0].startswith(f"product {lamp}")
    assert catalog.get_product(WIZAMART, lamp).variants[0].price == 2500
    report = sync.apply_remote_changes(WIZAMART, integration, [change])

    # then the price is Orion's now, and the record holds it as the value last agreed
    assert (report.applied, report.conflicts) == (1, 0)
    assert catalog.get_product(WIZAMART, lamp).variants[0].price == 1999
    record = call("GET", f"/api/v1/products/{lamp}/channels", token=owner).json()["channels"][0]["record"]
    assert record["sent_fields"]["price"] == 1999 and record["conflicts"] == []
    # the same report again is no news
    assert sync.apply_remote_changes(WIZAMART, integration, [change]).applied == 0


def test_a_field_both_sides_changed_is_a_conflict_until_staff_choose(owner: str, outlet: Tenant) -> None:
    integration, lamp, records = published(owner, {"title": "remote"})
    edit(lamp, title="Brass lamp")  # Orion's edit, not yet sent
    change = RemoteChange(ItemKind.PRODUCT, records[lamp]["remote_id"], {"title": "Lampe de bureau"}, later())

    report = sync.apply_remote_changes(WIZAMART, integration, [change])

    # then nothing is applied and the record shows both values and the one last sent
    assert (report.applied, report.conflicts) == (0, 1)
    assert catalog.get_product(WIZAMART, lamp).title == "Brass lamp"
    record = call("GET", f"/api/v1/products/{lamp}/channels", token=owner).json()["channels"][0]["record"]
    (conflict,) = record["conflicts"]
    assert (conflict["field"], conflict["reason"]) == ("title", "both_changed")
    assert (conflict["orion_value"], conflict["remote_value"], conflict["sent_value"]) == (
        "Brass lamp",
        "Lampe de bureau",
        "Desk lamp",
    )

    # staff keep the destination's value: it is written into Orion and the conflict is gone
    path = f"/api/v1/channels/{integration}/records/product/{lamp}/conflicts/title"
    assert call("POST", path, body={"keep": "elsewhere"}, token=owner).status == 422
    settled = call("POST", path, body={"keep": "remote"}, token=owner)
    assert settled.status == 200, settled.body
    assert settled.json()["conflicts"] == []
    assert catalog.get_product(WIZAMART, lamp).title == "Lampe de bureau"
    assert call("POST", path, body={"keep": "remote"}, token=owner).status == 404  # settled already


def test_an_edit_of_a_field_orion_owns_is_recorded_and_replaced(owner: str, outlet: Tenant) -> None:
    integration, lamp, records = published(owner, {})
    change = RemoteChange(
        ItemKind.PRODUCT, records[lamp]["remote_id"], {"description": "<p>Plastic</p>"}, later()
    )
    report = sync.apply_remote_changes(WIZAMART, integration, [change])
    assert report.conflicts == 1
    record = call("GET", f"/api/v1/products/{lamp}/channels", token=owner).json()["channels"][0]["record"]
    assert record["status"] == "outdated"
    assert record["content_hash"] is None  # no hash matches the destination's copy: the worker sends it too
    assert record["conflicts"][0]["reason"] == "orion_owns"
    assert record["conflicts"][0]["remote_value"] == "<p>Plastic</p>"
    assert catalog.get_product(WIZAMART, lamp).description == "<p>Brass and oak</p>"
    # the next publish sends Orion's value again, though Orion's content did not change
    again = call("POST", f"/api/v1/channels/{integration}/publish", body={"all": True}, token=owner).json()
    assert again["job"]["updated"] == 1

    # a re-wrapped text (the same words) and an edit older than the last send are no news
    same_words = RemoteChange(
        ItemKind.PRODUCT, records[lamp]["remote_id"], {"description": "Brass  and oak"}, later()
    )
    old = RemoteChange(
        ItemKind.PRODUCT, records[lamp]["remote_id"], {"title": "Old"}, datetime(2020, 1, 1, tzinfo=UTC)
    )
    report = sync.apply_remote_changes(WIZAMART, integration, [same_words, old])
    assert (report.applied, report.conflicts, report.unchanged) == (0, 0, 2)


def test_pages_and_unknown_items(owner: str, outlet: Tenant) -> None:
    cms.put_store_page(WIZAMART, "shipping", PageInput(title="Shipping", body_html="<p>1-3 days</p>"))
    integration, _, records = published(owner, {"body_html": "remote"}, pages=("shipping",))
    change = RemoteChange(
        ItemKind.PAGE, records["shipping"]["remote_id"], {"body_html": "<p>2-4 days</p>"}, later()
    )
    stranger = RemoteChange(ItemKind.PRODUCT, "gid://shopify/Product/1", {"title": "?"}, later())
    report = sync.apply_remote_changes(WIZAMART, integration, [change, stranger])
    assert (report.applied, report.unknown) == (1, 1)
    assert "2-4 days" in cms.get_store_page(WIZAMART, "shipping").body_html


class FakeDestination:
    def __init__(self, changes: list[RemoteChange], fail: bool = False) -> None:
        self.changes, self.fail = changes, fail
        self.asked: list[datetime | None] = []

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]:
        self.asked.append(since)
        if self.fail:
            raise DestinationUnavailable("blog.example.com could not be reached.")
        return self.changes


def test_pull_asks_from_the_last_pull_and_reports(
    owner: str, outlet: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    integration, lamp, records = published(owner, {"price": "remote"})
    path = f"/api/v1/channels/{integration}"
    fake = FakeDestination(
        [RemoteChange(ItemKind.PRODUCT, records[lamp]["remote_id"], {"price": 900}, later())]
    )
    monkeypatch.setattr(sync, "adapter_for", lambda tenant, found: fake)

    first = call("POST", f"{path}/pull", token=owner)
    assert first.status == 200, first.body
    assert first.json() == {"applied": 1, "conflicts": 0, "unchanged": 0, "unknown": 0, "failed": []}
    shown = call("GET", path, token=owner).json()
    assert shown["last_pull_at"] is not None and shown["sync_status"] == "success"
    call("POST", f"{path}/pull", token=owner)
    assert fake.asked[0] == datetime.fromisoformat(shown["created_at"]) - sync.PULL_OVERLAP
    assert fake.asked[1] == datetime.fromisoformat(shown["last_pull_at"]) - sync.PULL_OVERLAP

    # the scheduled task pulls every integration with sync on
    fake.changes = [RemoteChange(ItemKind.PRODUCT, records[lamp]["remote_id"], {"price": 950}, later())]
    assert tasks.pull_all(Tenant("oms"), datetime.now(UTC)) == 1
    assert catalog.get_product(WIZAMART, lamp).variants[0].price == 950

    # a destination that cannot be reached marks the integration failed, with the reason
    fake.fail = True
    failed = call("POST", f"{path}/pull", token=owner).json()
    assert failed["failed"] == ["blog.example.com could not be reached."]
    assert call("GET", path, token=owner).json()["last_error"].startswith("pull: ")

    # sync switched off: a 409; and the scheduled task skips it
    assert call("PATCH", path, body={"sync_enabled": False}, token=owner).status == 200
    assert call("POST", f"{path}/pull", token=owner).status == 409


def test_another_store_cannot_sync_into_this_one(owner: str, outlet: Tenant) -> None:
    integration, lamp, records = published(owner, {"price": "remote"})
    change = RemoteChange(ItemKind.PRODUCT, records[lamp]["remote_id"], {"price": 1}, later())
    with pytest.raises(NotFound):
        sync.apply_remote_changes(outlet, integration, [change])
    assert catalog.get_product(WIZAMART, lamp).variants[0].price == 2500
