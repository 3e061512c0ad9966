"""Change events (docs/channels.md, "Change events"): a product save flows from the table's stream through
the channel queue to the channel worker and on to each integration; archiving takes it back; unchanged
content costs no request; duplicated and reordered events end with the current product sent once; a
worker crash between the destination and the record leaves one remote item; a destination down for
an hour ends synced once back, without holding up another; refusals are not retried; a record given
up can be retried by staff; a publish of all past the request's limit runs in the background in chunks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orion import runtime
from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.channels import jobs, service
from orion.channels.models import ItemKind, RecordStatus
from orion.channels.repository import ChannelRepository
from orion.channels.tasks import retry_failed
from orion.tenant import Tenant
from tests.integration.channels.conftest import (
    WIZAMART,
    add_blog_integration,
    add_outlet_integration,
    copy_in,
    product,
)
from tests.integration.channels.pipeline import (
    FakeDestination,
    dead_letters,
    hand_over,
    queued,
    queued_bodies,
    recorded_changes,
    time_passes,
    work,
    work_batch,
)
from tests.staff import BAKERY, call, token_of

PLATFORM = Tenant("oms")


def records_of(owner: str, product_id: str) -> dict[str, dict[str, Any]]:
    """The product's records by integration id, as staff see them."""
    found = call("GET", f"/api/v1/products/{product_id}/channels", token=owner).json()["channels"]
    return {c["integration_id"]: c["record"] for c in found}


def retitled(product_id: str, title: str) -> None:
    current = catalog.get_product(WIZAMART, product_id)
    fields = current.model_dump(include=set(ProductInput.model_fields))
    catalog.update_product(WIZAMART, product_id, ProductInput(**{**fields, "title": title}))


def test_a_saved_product_reaches_the_target_store_and_archiving_takes_it_back(
    owner: str, outlet: Tenant
) -> None:
    integration = add_outlet_integration(owner)

    # a new product: its several items (product, variant, pointers) make one message, named by the key
    with recorded_changes() as records:
        lamp = product("Desk lamp")
    assert hand_over(records) == {"batchItemFailures": []}
    [body] = queued_bodies()
    assert json.loads(body) == {
        "type": "item",
        "platform": "oms",
        "store": "wizamart",
        "kind": "product",
        "item_id": lamp,
        "integration_ids": None,
        "earlier_receives": 0,
    }
    assert work() == 1
    copy = copy_in(outlet, integration, lamp)
    assert (copy.title, copy.status) == ("Desk lamp", ProductStatus.ACTIVE)
    assert [(i, r["status"]) for i, r in records_of(owner, lamp).items()] == [(integration, "synced")]

    # a real change: the record is outdated until the worker has sent it
    with recorded_changes() as records:
        retitled(lamp, "Brass lamp")
    hand_over(records)
    assert records_of(owner, lamp)[integration]["status"] == "outdated"
    work()
    assert copy_in(outlet, integration, lamp).title == "Brass lamp"
    assert records_of(owner, lamp)[integration]["status"] == "synced"

    # a save that changes nothing, a sale, and another store's product: no message at all
    with recorded_changes() as records:
        retitled(lamp, "Brass lamp")
        catalog.adjust_stock(WIZAMART, catalog.get_product(WIZAMART, lamp).variants[0].sku, -1)
        catalog.create_product(
            Tenant("oms", "bakery"), ProductInput(title="Rye", variants=(Variant(sku="RYE-9", price=400),))
        )
    hand_over(records)
    assert queued() == 0

    # archiving takes it back: the copy is archived in the target store, the record removed
    with recorded_changes() as records:
        catalog.set_product_status(WIZAMART, lamp, ProductStatus.ARCHIVED)
    hand_over(records)
    work()
    assert copy_in(outlet, integration, lamp).status is ProductStatus.ARCHIVED
    assert records_of(owner, lamp)[integration]["status"] == "removed"


def test_duplicated_and_reordered_events_send_the_current_product_once_and_unchanged_costs_nothing(
    owner: str, destination: FakeDestination
) -> None:
    integration = add_blog_integration(owner)
    with recorded_changes() as created:
        lamp = product("Lamp, first title")
    with recorded_changes() as changed:
        retitled(lamp, "Lamp, current title")

    # the later change first, everything twice, and a late duplicate batch
    hand_over(changed + created + changed)
    hand_over(created)
    assert queued() == 2
    work()
    assert destination.items[f"remote-{lamp}"]["title"] == "Lamp, current title"  # read, not replayed
    assert (destination.creations, destination.requests) == ({lamp: 1}, 1)

    # the same events replayed again: the records turn outdated, then synced, with no request
    hand_over(created + changed)
    assert records_of(owner, lamp)[integration]["status"] == "outdated"
    work()
    assert destination.requests == 1
    assert records_of(owner, lamp)[integration]["status"] == "synced"


def test_a_crash_after_the_destination_created_the_item_leaves_one_remote_item(
    owner: str, outlet: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    integration = add_outlet_integration(owner)
    with recorded_changes() as records:
        lamp = product("Desk lamp")
    hand_over(records)
    original = ChannelRepository.save_record
    crashed: list[str] = []

    def crash_once(self: ChannelRepository, tenant: Tenant, record: Any) -> None:
        if not crashed:
            crashed.append(record.item_id)
            raise RuntimeError("the worker died before saving the record")
        original(self, tenant, record)

    monkeypatch.setattr(ChannelRepository, "save_record", crash_once)

    work()  # the copy was made in the target store, the record never saved: the message stays
    assert crashed == [lamp] and records_of(owner, lamp) == {} and queued() == 1
    time_passes()  # its visibility timeout ends
    work()
    copy = copy_in(outlet, integration, lamp)  # exactly one copy
    record = records_of(owner, lamp)[integration]
    assert (record["status"], record["remote_id"], queued()) == ("synced", copy.id, 0)


def test_a_destination_down_for_an_hour_ends_synced_and_never_holds_up_another(
    owner: str, outlet: Tenant, destination: FakeDestination
) -> None:
    shop = add_outlet_integration(owner)
    blog = add_blog_integration(owner)
    destination.down = True
    with recorded_changes() as records:
        lamps = [product(f"Lamp {n}") for n in range(3)]
    hand_over(records)

    work()  # the outlet gets them at once; the blog fails for now, each a message of its own to retry
    for lamp in lamps:
        found = records_of(owner, lamp)
        assert found[shop]["status"] == "synced"
        assert (found[blog]["status"], found[blog]["retryable"]) == ("failed", True)
        assert "503" in found[blog]["last_error"]
    assert sorted(json.loads(b)["integration_ids"] for b in queued_bodies()) == [[blog]] * 3

    # retried with backoff until the queue's receive limit, then in the dead-letter queue
    for _ in range(8):
        time_passes()
        work()
    assert (queued(), dead_letters()) == (0, 3)
    assert {records_of(owner, lamp)[blog]["attempts"] for lamp in lamps} == {1 + 5}
    assert call("GET", f"/api/v1/channels/{blog}", token=owner).json()["sync_status"] == "failed"

    # a product archived meanwhile has nothing to take back from the blog (it never got there): its
    # record is removed, and the blog, never reached, does not look healthy for it
    gone, *lamps = lamps
    with recorded_changes() as records:
        catalog.set_product_status(WIZAMART, gone, ProductStatus.ARCHIVED)
    hand_over(records)
    work()
    assert records_of(owner, gone)[blog]["status"] == "removed"
    assert call("GET", f"/api/v1/channels/{blog}", token=owner).json()["sync_status"] == "failed"

    # back an hour later: the scheduled recovery sends the failed records again, and they end synced
    destination.down = False
    assert retry_failed(PLATFORM, datetime.now(UTC) + timedelta(hours=1)) == 2
    work()
    for lamp in lamps:
        found = records_of(owner, lamp)
        assert (found[shop]["status"], found[blog]["status"]) == ("synced", "synced")
        copy_in(outlet, shop, lamp)  # one copy each
    assert destination.creations == dict.fromkeys(lamps, 1)
    assert call("GET", f"/api/v1/channels/{blog}", token=owner).json()["sync_status"] == "success"
    assert retry_failed(PLATFORM, datetime.now(UTC) + timedelta(hours=2)) == 0


def test_a_refusal_is_not_retried_and_a_record_given_up_is_retried_by_staff(
    owner: str, destination: FakeDestination, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORION_CHANNEL_GIVE_UP_ATTEMPTS", "2")
    runtime.reset()  # settings are read once per process
    blog = add_blog_integration(owner)
    with recorded_changes() as records:
        refused, flaky = product("Refused lamp"), product("Flaky lamp")
    destination.refused.add(refused)
    destination.down = True
    hand_over(records)
    work()
    destination.down = False
    record = records_of(owner, refused)[blog]
    assert (record["status"], record["retryable"]) == ("failed", True)  # (it was down for both)
    time_passes()
    work()  # the refusal now: failed for good, no retry queued
    record = records_of(owner, refused)[blog]
    assert (record["status"], record["retryable"], queued()) == ("failed", False, 0)
    assert "title is taken" in record["last_error"]
    assert records_of(owner, flaky)[blog]["status"] == "synced"

    # down again for the flaky one past the allowed attempts: given up, saying so
    destination.down = True
    with recorded_changes() as records:
        retitled(flaky, "Flaky lamp, again")
    hand_over(records)
    for _ in range(8):
        time_passes()
        work()
    assert retry_failed(PLATFORM, datetime.now(UTC) + timedelta(hours=1)) == 0
    record = records_of(owner, flaky)[blog]
    assert record["status"] == "failed" and not record["retryable"]
    assert record["last_error"].startswith("gave up after 5 attempts; retry from the console or API")
    assert retry_failed(PLATFORM, datetime.now(UTC) + timedelta(hours=2)) == 0

    # staff retry it: queued for the worker, which sends it now that the destination is back
    destination.down = False
    path = f"/api/v1/channels/{blog}/records/product/{flaky}/retry"
    answer = call("POST", path, token=owner)
    assert answer.status == 202 and answer.json()["queued"] is True
    work()
    assert records_of(owner, flaky)[blog]["status"] == "synced"
    assert destination.items[f"remote-{flaky}"]["title"] == "Flaky lamp, again"
    missing = f"/api/v1/channels/{blog}/records/product/01J00000000000000000000000/retry"
    assert call("POST", missing, token=owner).status == 404
    assert call("POST", path, host=BAKERY, token=token_of("bakery-owner")).status == 404  # another store's


def active_products() -> int:
    count, after = 0, None
    while True:
        page = catalog.list_products(WIZAMART, limit=100, after=after)
        count += len(page.items)
        if (after := page.next_cursor) is None:
            return count


def test_a_publish_of_all_past_the_requests_limit_runs_in_the_background_in_chunks(
    owner: str, destination: FakeDestination, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (the limit is 200 products, the chunks 50: smaller here, the path is the same)
    monkeypatch.setattr(service, "MAX_PUBLISH_ALL", 20)
    monkeypatch.setattr(jobs, "CHUNK_SIZE", 20)
    selected = active_products()  # the demo's products on sale: 51
    blog = add_blog_integration(owner)
    answer = call("POST", f"/api/v1/channels/{blog}/publish", body={"all": True}, token=owner)
    assert answer.status == 202, answer.body
    job = answer.json()["job"]
    assert (job["status"], answer.json()["records"]) == ("queued", [])
    path = f"/api/v1/channels/{blog}/jobs/{job['id']}"

    assert work_batch() == 1  # one chunk: the job runs, its counters move
    running = call("GET", path, token=owner).json()
    assert (running["status"], running["created"], running["chunks"]) == ("running", 20, 1)
    work()
    done = call("GET", path, token=owner).json()
    assert done["status"] == "finished" and done["finished_at"]
    assert (done["created"], done["requested"], done["failed"]) == (selected, selected, 0)
    assert destination.requests == selected

    # again, one archived since: nothing sent for the unchanged ones, the archived one taken back
    archived = catalog.list_products(WIZAMART, limit=10).items[3].id
    catalog.set_product_status(WIZAMART, archived, ProductStatus.ARCHIVED)
    again = call("POST", f"/api/v1/channels/{blog}/publish", body={"all": True}, token=owner).json()["job"]
    work()
    done = call("GET", f"/api/v1/channels/{blog}/jobs/{again['id']}", token=owner).json()
    assert (done["unchanged"], done["removed"], done["created"]) == (selected - 1, 1, 0)
    assert destination.requests == selected + 1
    assert destination.items[f"remote-{archived}"]["status"] == "trash"


def test_a_store_page_saved_reaches_the_target_store_and_unpublishing_hides_it(
    owner: str, outlet: Tenant
) -> None:
    from orion.cms import service as cms
    from orion.cms.models import PageInput

    body = {
        "platform": "orion_site",
        "config": {"store": "wizamart-outlet"},
        "rules": {
            "pages": {"slugs": ["shipping"]},
            "products": {"selection": "chosen", "product_ids": [product()]},
        },
    }
    integration = call("POST", "/api/v1/channels", body=body, token=owner).json()["id"]
    with recorded_changes() as records:
        cms.put_store_page(WIZAMART, "shipping", PageInput(title="Shipping", body_html="<p>In two days</p>"))
    hand_over(records)
    work()
    assert "In two days" in cms.get_store_page(outlet, "shipping").body_html

    with recorded_changes() as records:
        cms.put_store_page(WIZAMART, "shipping", PageInput(title="Shipping", body_html="<p>Tomorrow</p>"))
        cms.put_store_page(WIZAMART, "secret", PageInput(title="Not in the rules"))
    hand_over(records)
    assert queued() == 2  # (the page the rules do not name is looked at, and left alone)
    work()
    assert "Tomorrow" in cms.get_store_page(outlet, "shipping").body_html
    synced = call("GET", f"/api/v1/channels/{integration}/records", query="status=synced", token=owner).json()
    assert {(r["item_kind"], r["item_id"]) for r in synced["records"]} == {("page", "shipping")}

    with recorded_changes() as records:
        cms.put_store_page(
            WIZAMART, "shipping", PageInput(title="Shipping", body_html="<p>x</p>", published=False)
        )
    hand_over(records)
    work()
    assert cms.get_store_page(outlet, "shipping").published is False


def test_a_record_two_way_sync_found_astray_is_sent_again(owner: str, destination: FakeDestination) -> None:
    """Two-way sync marks a record outdated, its hash cleared, when the destination changed a field Orion
    owns: the worker sends Orion's value back although the product itself did not change."""
    blog = add_blog_integration(owner)
    with recorded_changes() as records:
        lamp = product("Lamp")
    hand_over(records)
    work()
    destination.items[f"remote-{lamp}"]["title"] = "Edited at the destination"
    repository = ChannelRepository()
    record = repository.records_at(WIZAMART, ItemKind.PRODUCT, lamp, [blog])[blog]
    repository.save_record(
        WIZAMART, record.model_copy(update={"status": RecordStatus.OUTDATED, "content_hash": None})
    )

    assert retry_failed(PLATFORM, datetime.now(UTC) + timedelta(hours=1)) == 1  # the recovery finds it
    work()
    assert destination.items[f"remote-{lamp}"]["title"] == "Lamp"
    assert records_of(owner, lamp)[blog]["status"] == "synced"
