"""Console orders: an order placed on the shop, found by e-mail, moved to shipped through the console with
the same rules and audit as the staff API; read-only for a Viewer; invisible from another store."""

from __future__ import annotations

import re

from orion.audit import service as audit
from orion.catalog.service import get_variant_by_sku
from orion.orders.service import get_order
from orion.tenant import Tenant
from tests.bench.support import counting_requests
from tests.console import ConsoleBrowser, signed_in, signed_in_as
from tests.staff import BAKERY, WIZAMART

WIZ = Tenant("oms", "wizamart")
ALICE = {
    "email": "Alice.Shopper@example.com",
    "name": "Alice Shopper",
    "address": "1 Rue de la Gare",
    "postal_code": "1611",
    "city": "Luxembourg",
    "country": "LU",
}


def place_order(
    sku: str = "WZ-003", quantity: int = 2, host: str = WIZAMART, shopper: dict[str, str] | None = None
) -> str:
    """Buy ``quantity`` of ``sku`` on the store's shop as a shopper would (cart form, checkout form);
    the new order's id."""
    shop = ConsoleBrowser(host=host)
    added = shop.post("/cart/items", {"sku": sku, "quantity": str(quantity)}, csrf=False)
    assert added.status == 303, added.text[:500]
    form = shop.get("/checkout")
    assert form.status == 200, form.text[:500]
    key = re.search(r'name="checkout_key" value="([^"]+)"', form.text)
    assert key
    placed = shop.post("/checkout", {**(shopper or ALICE), "checkout_key": key.group(1)})
    assert placed.status == 303, placed.text[:1000]
    found = re.search(r"/orders/([0-9A-Z]{26})", placed.headers["location"])
    assert found
    return found.group(1)


def dynamodb_requests(browser: ConsoleBrowser, path: str) -> int:
    browser.get(path)  # warm: the store's host lookup and the templates are cached after this
    with counting_requests() as counter:
        page = browser.get(path)
    assert page.status == 200, page.text[:1000]
    return counter.of("dynamodb")


def test_an_order_from_the_shop_is_moved_to_shipped_through_the_console(demo: list[str]) -> None:
    order_id = place_order()
    owner = signed_in("wizamart-owner")

    listed = owner.get("/admin/orders")
    assert listed.status == 200
    assert f"/admin/orders/{order_id}" in listed.text
    pending = owner.get("/admin/orders?status=pending")
    assert order_id in pending.text
    assert order_id not in owner.get("/admin/orders?status=shipped").text

    page = owner.get(f"/admin/orders/{order_id}")
    assert page.status == 200
    for shown in ("Alice Shopper", "alice.shopper@example.com", "1 Rue de la Gare", "WZ-003", "manual"):
        assert shown.lower() in page.text.lower()
    # Only the moves allowed from "pending": paid or cancelled
    offered = set(re.findall(r'name="to" value="(\w+)"', page.text))
    assert offered == {"paid", "cancelled"}

    for step in ("paid", "fulfilled", "shipped"):
        owner.get(f"/admin/orders/{order_id}")
        moved = owner.post(
            f"/admin/orders/{order_id}/transition",
            {"to": step, "transition_note": f"now {step}", "carrier": "Post", "tracking_number": "LU1"},
        )
        assert moved.status == 303, moved.text[:1000]
        assert moved.headers["location"] == f"/admin/orders/{order_id}"
    shipped = owner.get(f"/admin/orders/{order_id}")
    assert 'data-status="shipped"' in shipped.text
    assert "The order&#39;s status was changed." in shipped.text or "status was changed" in shipped.text
    assert set(re.findall(r'name="to" value="(\w+)"', shipped.text)) == {"delivered", "refunded"}
    order = get_order(WIZ, order_id)
    assert order.status.value == "shipped"
    assert [(c.status.value, c.note) for c in order.history[1:]] == [
        ("paid", "now paid"),
        ("fulfilled", "now fulfilled"),
        ("shipped", "now shipped"),
    ]
    assert order.history[-1].actor.startswith("staff:")
    entries, _ = audit.list_entries(WIZ, action="order.transition")
    assert [e.details["status"] for e in entries if e.target == f"order:{order_id}"] == [
        "shipped",
        "fulfilled",
        "paid",
    ]


def test_a_transition_the_status_does_not_allow_is_a_409_and_changes_nothing(demo: list[str]) -> None:
    order_id = place_order()
    owner = signed_in("wizamart-owner")
    owner.get(f"/admin/orders/{order_id}")
    refused = owner.post(f"/admin/orders/{order_id}/transition", {"to": "shipped"})
    assert refused.status == 409
    assert "cannot become shipped" in refused.text
    assert get_order(WIZ, order_id).status.value == "pending"
    owner.get(f"/admin/orders/{order_id}")
    unknown = owner.post(
        f"/admin/orders/{order_id}/transition", {"to": "teleported", "transition_note": "kept entry"}
    )
    assert unknown.status == 422
    assert 'value="kept entry"' in unknown.text
    assert get_order(WIZ, order_id).status.value == "pending"


def test_cancelling_puts_the_stock_back_as_the_api_does(demo: list[str]) -> None:
    before = get_variant_by_sku(WIZ, "WZ-003").variant.stock
    order_id = place_order(quantity=2)
    assert get_variant_by_sku(WIZ, "WZ-003").variant.stock == before - 2
    owner = signed_in("wizamart-owner")
    owner.get(f"/admin/orders/{order_id}")
    assert owner.post(f"/admin/orders/{order_id}/transition", {"to": "cancelled"}).status == 303
    assert get_variant_by_sku(WIZ, "WZ-003").variant.stock == before


def test_notes_are_added_to_the_history_and_an_empty_one_is_refused(demo: list[str]) -> None:
    order_id = place_order()
    owner = signed_in("wizamart-owner")
    owner.get(f"/admin/orders/{order_id}")
    empty = owner.post(f"/admin/orders/{order_id}/notes", {"note": "   "})
    assert empty.status == 422
    assert 'id="e-note"' in empty.text
    too_long = owner.post(f"/admin/orders/{order_id}/notes", {"note": "x" * 501})
    assert too_long.status == 422
    assert "x" * 501 in too_long.text  # the entry is kept
    added = owner.post(f"/admin/orders/{order_id}/notes", {"note": "Gift wrap, please"}, follow=True)
    assert added.status == 200
    assert "Gift wrap, please" in added.text
    assert get_order(WIZ, order_id).history[-1].note == "Gift wrap, please"
    entries, _ = audit.list_entries(WIZ, action="order.note")
    assert [e.target for e in entries] == [f"order:{order_id}"]


def test_a_viewer_sees_no_buttons_and_a_forged_post_is_refused(demo: list[str]) -> None:
    order_id = place_order()
    viewer = signed_in_as("viewer")
    page = viewer.get(f"/admin/orders/{order_id}")
    assert page.status == 200
    assert 'name="to"' not in page.text
    assert f"/admin/orders/{order_id}/notes" not in page.text
    # the viewer's own CSRF token (from the sign-out form), the posts it may not make
    forged = viewer.post(f"/admin/orders/{order_id}/transition", {"to": "paid"})
    assert forged.status == 403
    assert viewer.post(f"/admin/orders/{order_id}/notes", {"note": "hi"}).status == 403
    order = get_order(WIZ, order_id)
    assert order.status.value == "pending"
    assert len(order.history) == 1
    assert audit.list_entries(WIZ, action="order.")[0] == []


def test_search_by_e_mail_and_by_number(demo: list[str]) -> None:
    first = place_order()
    second = place_order(sku="WZ-003", quantity=1)
    other = place_order(shopper={**ALICE, "email": "bob@example.com", "name": "Bob"})
    owner = signed_in("wizamart-owner")
    found = owner.get("/admin/orders?q=alice.shopper%40EXAMPLE.com")
    assert found.status == 200
    assert first in found.text and second in found.text
    assert other not in found.text
    assert found.text.index(second) < found.text.index(first)  # newest first
    by_number = owner.get(f"/admin/orders?q={other.lower()}")
    assert other in by_number.text and first not in by_number.text
    nothing = owner.get("/admin/orders?q=nobody%40example.com")
    assert nothing.status == 200 and "No order matches" in nothing.text
    bad = owner.get("/admin/orders?q=lamp")
    assert bad.status == 422
    assert 'value="lamp"' in bad.text
    assert owner.get("/admin/orders?status=teleported").status == 422
    assert owner.get("/admin/orders?after=not-a-cursor").status == 400


def test_another_store_s_order_is_not_found(demo: list[str]) -> None:
    bakery_order = place_order(sku="BK-01", quantity=1, host=BAKERY)
    owner = signed_in("wizamart-owner")
    assert owner.get(f"/admin/orders/{bakery_order}").status == 404
    assert owner.get(f"/admin/orders/{bakery_order}/packing-slip").status == 404
    assert owner.post(f"/admin/orders/{bakery_order}/transition", {"to": "paid"}).status == 404
    searched = owner.get(f"/admin/orders?q={bakery_order}")
    assert f"/admin/orders/{bakery_order}" not in searched.text
    assert "No order matches" in searched.text
    baker = signed_in("bakery-owner", host=BAKERY)
    assert baker.get(f"/admin/orders/{bakery_order}").status == 200
    assert get_order(Tenant("oms", "bakery"), bakery_order).status.value == "pending"


def test_the_packing_slip_is_a_printable_page_without_the_menu(demo: list[str]) -> None:
    order_id = place_order()
    owner = signed_in("wizamart-owner")
    slip = owner.get(f"/admin/orders/{order_id}/packing-slip")
    assert slip.status == 200
    assert "@media print" in slip.text
    assert "Console menu" not in slip.text
    assert "Alice Shopper" in slip.text and "WZ-003" in slip.text
    assert ">2<" in slip.text  # the quantity


def test_order_pages_stay_within_their_dynamodb_budget(demo: list[str]) -> None:
    order_id = place_order()
    owner = signed_in("wizamart-owner")
    assert dynamodb_requests(owner, "/admin/orders") <= 3
    assert dynamodb_requests(owner, "/admin/orders?status=pending") <= 3
    assert dynamodb_requests(owner, "/admin/orders?q=alice.shopper%40example.com") <= 3
    assert dynamodb_requests(owner, f"/admin/orders/{order_id}") <= 3


def test_shipping_in_the_console_asks_for_the_carrier_and_tracking_number(demo: list[str]) -> None:
    order_id = place_order()
    owner = signed_in("wizamart-owner")
    for step in ("paid", "fulfilled"):
        owner.get(f"/admin/orders/{order_id}")
        assert owner.post(f"/admin/orders/{order_id}/transition", {"to": step}).status == 303
    page = owner.get(f"/admin/orders/{order_id}")
    assert 'id="f-carrier"' in page.text and 'id="f-tracking_number"' in page.text
    refused = owner.post(
        f"/admin/orders/{order_id}/transition",
        {"to": "shipped", "transition_note": "kept", "tracking_number": "LU 99"},
    )
    assert refused.status == 422
    assert 'id="e-carrier"' in refused.text and 'id="e-tracking_number"' not in refused.text
    assert 'value="LU 99"' in refused.text and 'value="kept"' in refused.text  # entries kept
    order = get_order(WIZ, order_id)
    assert (order.status.value, order.shipment) == ("fulfilled", None)
    owner.get(f"/admin/orders/{order_id}")
    shipped = owner.post(
        f"/admin/orders/{order_id}/transition",
        {"to": "shipped", "carrier": "POST Luxembourg", "tracking_number": "LU 99"},
        follow=True,
    )
    assert shipped.status == 200
    assert 'data-status="shipped"' in shipped.text
    assert 'id="order-shipment"' in shipped.text and "POST Luxembourg" in shipped.text
    assert 'id="f-carrier"' not in shipped.text  # no further shipping form
