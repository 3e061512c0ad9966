"""Console customers: accounts listed and found by e-mail or name, paged; an account's profile, addresses
and orders; a manager downloads its data or erases it (typed confirmation, audited, orders anonymised);
a viewer reads only; another store's account is not found."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from orion.audit import service as audit
from orion.catalog.service import get_variant_by_sku
from orion.customers.models import AddressForm
from orion.customers.service import get_customer, open_verified_account
from orion.errors import NotFound
from orion.ids import new_id
from orion.orders.models import CustomerDetails, LineRequest
from orion.orders.service import get_order, place_order
from orion.tenant import Tenant
from tests.bench.support import counting_requests
from tests.console import signed_in, signed_in_as
from tests.staff import BAKERY

WIZ = Tenant("oms", "wizamart")
HOME = AddressForm(
    label="Home",
    name="Anna Martin",
    address="3 Rue du Fort",
    postal_code="2419",
    city="Luxembourg",
    country="LU",
)


def account(email: str, name: str, tenant: Tenant = WIZ, address: AddressForm | None = None) -> str:
    return open_verified_account(tenant, email, name, "a-long-shopper-password", address=address).id


def order_for(customer_id: str) -> str:
    variant = get_variant_by_sku(WIZ, "WZ-003")
    return place_order(
        WIZ,
        [LineRequest(product_id=variant.product_id, sku="WZ-003", quantity=1)],
        CustomerDetails(
            email="anna.martin@example.com", name="Anna Martin", address="3 Rue du Fort", country="LU"
        ),
        checkout_key=new_id() + "abcdef",
        customer_id=customer_id,
    ).order.id


def listed(html: str) -> list[str]:
    """The account ids of a list page, in their order."""
    return re.findall(r'href="/admin/customers/([0-9A-Z]{26})"', html)


def test_the_menu_leads_to_the_accounts_found_by_email_or_name(demo: list[str]) -> None:
    anna = account("anna.martin@example.com", "Anna Martin")
    anne = account("anne@muller.lu", "Anne Müller")
    bruno = account("bruno@example.com", "Bruno Annaheim")
    owner = signed_in("wizamart-owner")

    page = owner.get("/admin/customers")
    assert page.status == 200
    assert 'href="/admin/customers"' in page.text  # the menu entry
    assert {anna, anne, bruno} <= set(listed(page.text))
    assert "anna.martin@example.com" in page.text

    by_name = owner.get("/admin/customers?q=ann")
    assert set(listed(by_name.text)) == {anna, anne}
    assert 'value="ann"' in by_name.text  # the search box keeps the query
    by_email = owner.get("/admin/customers?q=Bruno%40")
    assert listed(by_email.text) == [bruno]
    nothing = owner.get("/admin/customers?q=nobody%40")
    assert nothing.status == 200 and listed(nothing.text) == [] and "No account matches" in nothing.text
    assert owner.get("/admin/customers?after=not-a-cursor").status == 400
    assert owner.get("/admin/customers?q=" + "a" * 300).status == 422


def test_next_page_links_walk_every_account_once(demo: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.console.pages import customers as page_module

    monkeypatch.setattr(page_module, "PAGE_SIZE", 2)
    created = [account(f"page{n}@example.com", f"Page {n}") for n in range(4)]
    owner = signed_in("wizamart-owner")

    seen: list[str] = []
    path: str | None = "/admin/customers"
    while path:
        page = owner.get(path)
        assert page.status == 200
        seen += listed(page.text)
        found = re.search(r'href="(/admin/customers\?[^"]+)" rel="next">Next page<', page.text)
        path = unescape(found.group(1)) if found else None
        assert len(seen) <= 10
    assert [i for i in seen if i in created] == list(reversed(created))  # newest first
    assert len(seen) == len(set(seen)) == len(created) + 1  # and the demo shopper


def test_an_account_shows_its_profile_addresses_and_orders(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin", address=HOME)
    order_id = order_for(customer_id)
    owner = signed_in("wizamart-owner")

    page = owner.get(f"/admin/customers/{customer_id}")

    assert page.status == 200
    for shown in ("Anna Martin", "anna.martin@example.com", "3 Rue du Fort", "2419 Luxembourg", "Home"):
        assert shown in page.text
    assert f'href="/admin/orders/{order_id}"' in page.text
    assert f'href="/admin/customers/{customer_id}"' in owner.get(f"/admin/orders/{order_id}").text  # and back
    assert f'href="/admin/customers/{customer_id}/export"' in page.text
    assert f'action="/admin/customers/{customer_id}/erase"' in page.text
    assert "$argon2" not in page.text and "session_version" not in page.text


def test_a_manager_downloads_the_data_and_the_download_is_audited(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin", address=HOME)
    order_id = order_for(customer_id)
    manager = signed_in_as("manager")

    download = manager.get(f"/admin/customers/{customer_id}/export")

    assert download.status == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    data = json.loads(download.body)
    assert data["account"]["email"] == "anna.martin@example.com"
    assert [o["id"] for o in data["orders"]] == [order_id]
    assert "session_version" not in download.text
    entries, _ = audit.list_entries(WIZ, action="customer.exported")
    assert [e.target for e in entries] == [f"customer:{customer_id}"]


def test_erasing_needs_the_typed_address_and_anonymises_the_orders(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin", address=HOME)
    order_id = order_for(customer_id)
    owner = signed_in("wizamart-owner")
    owner.get(f"/admin/customers/{customer_id}")

    wrong = owner.post(f"/admin/customers/{customer_id}/erase", {"confirm_email": "anna@example.com"})
    assert wrong.status == 422
    assert 'id="e-confirm_email"' in wrong.text and 'value="anna@example.com"' in wrong.text
    assert get_customer(WIZ, customer_id).name == "Anna Martin"
    assert get_order(WIZ, order_id).customer.name == "Anna Martin"

    erased = owner.post(
        f"/admin/customers/{customer_id}/erase", {"confirm_email": "Anna.Martin@example.com "}
    )
    assert erased.status == 303
    assert erased.headers["location"] == "/admin/customers"
    landed = owner.get("/admin/customers")
    assert "The account was erased; its orders were anonymised." in landed.text
    assert customer_id not in landed.text
    with pytest.raises(NotFound):
        get_customer(WIZ, customer_id)
    assert owner.get(f"/admin/customers/{customer_id}").status == 404
    order = get_order(WIZ, order_id)
    assert order.customer.name != "Anna Martin" and order.customer.email != "anna.martin@example.com"
    assert order.lines  # the order itself stays for the books
    entries, _ = audit.list_entries(WIZ, action="customer.erased")
    assert [(e.target, e.details) for e in entries] == [(f"customer:{customer_id}", {"anonymised_orders": 1})]


def test_a_viewer_reads_but_can_neither_download_nor_erase(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin")
    viewer = signed_in_as("viewer")

    page = viewer.get(f"/admin/customers/{customer_id}")
    assert page.status == 200 and "anna.martin@example.com" in page.text
    assert "/export" not in page.text and "/erase" not in page.text
    assert viewer.get(f"/admin/customers/{customer_id}/export").status == 403
    forged = viewer.post(
        f"/admin/customers/{customer_id}/erase", {"confirm_email": "anna.martin@example.com"}
    )
    assert forged.status == 403
    assert get_customer(WIZ, customer_id).email == "anna.martin@example.com"
    assert audit.list_entries(WIZ, action="customer.")[0] == []


def test_another_stores_account_is_not_found(demo: list[str]) -> None:
    theirs = account("anna.martin@example.com", "Anna Bakery", tenant=Tenant("oms", "bakery"))
    owner = signed_in("wizamart-owner")
    owner.get("/admin/customers")

    assert theirs not in owner.get("/admin/customers?q=anna").text
    assert owner.get(f"/admin/customers/{theirs}").status == 404
    assert owner.get(f"/admin/customers/{theirs}/export").status == 404
    erase = owner.post(f"/admin/customers/{theirs}/erase", {"confirm_email": "anna.martin@example.com"})
    assert erase.status == 404
    baker = signed_in("bakery-owner", host=BAKERY)
    assert "Anna Bakery" in baker.get(f"/admin/customers/{theirs}").text


def test_the_pages_stay_within_the_list_budget_of_dynamodb_requests(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin", address=HOME)
    order_for(customer_id)
    owner = signed_in("wizamart-owner")

    for path in (
        "/admin/customers",
        "/admin/customers?q=anna",
        "/admin/customers?q=anna%40",
        f"/admin/customers/{customer_id}",
    ):
        owner.get(path)  # warm: the host lookup and templates are cached after this
        with counting_requests() as counter:
            page = owner.get(path)
        assert page.status == 200, path
        assert counter.of("dynamodb") <= 3, (path, counter.calls)  # the session read included
