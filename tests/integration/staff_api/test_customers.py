"""Staff customers API: accounts found by e-mail or name prefix, paged with a cursor, read with their
addresses and orders; a manager exports or erases one (audited, orders anonymised); a viewer reads
only; another store's account is a 404 as if it did not exist."""

from __future__ import annotations

import json

from orion.audit.service import list_entries
from orion.catalog.service import get_variant_by_sku
from orion.customers.models import AddressForm
from orion.customers.service import open_verified_account
from orion.identity.service import create_staff_user
from orion.ids import new_id
from orion.modules.manifest import Role
from orion.orders.models import CustomerDetails, LineRequest
from orion.orders.service import get_order, place_order
from orion.tenant import Tenant
from tests.staff import BAKERY, WIZAMART, ApiResponse, call, token_of

WIZ = Tenant("oms", "wizamart")
BAK = Tenant("oms", "bakery")
PASSWORD = "a-long-shopper-password"
HOME = AddressForm(
    label="Home",
    name="Anna Martin",
    address="3 Rue du Fort",
    postal_code="2419",
    city="Luxembourg",
    country="LU",
)


def account(email: str, name: str, tenant: Tenant = WIZ, address: AddressForm | None = None) -> str:
    return open_verified_account(tenant, email, name, PASSWORD, address=address).id


def order_for(customer_id: str, email: str, name: str) -> str:
    variant = get_variant_by_sku(WIZ, "WZ-003")
    placed = place_order(
        WIZ,
        [LineRequest(product_id=variant.product_id, sku="WZ-003", quantity=2)],
        CustomerDetails(email=email, name=name, address="3 Rue du Fort", city="Luxembourg", country="LU"),
        checkout_key=new_id() + "abcdef",
        customer_id=customer_id,
    )
    return placed.order.id


def member_token(role: Role) -> str:
    email = f"{role.value}-{new_id()[-6:].lower()}@wizamart.lu"
    create_staff_user(WIZ, email, role.value.title(), "a-long-password", role)
    response = call("POST", "/api/v1/auth/login", body={"email": email, "password": "a-long-password"})
    return str(response.json()["access_token"])


def get(path: str, token: str, query: str = "", host: str = WIZAMART) -> ApiResponse:
    return call("GET", path, token=token, query=query, host=host)


def emails(response: ApiResponse) -> list[str]:
    assert response.status == 200, response.body
    return [item["email"] for item in response.json()["items"]]


def test_accounts_are_found_by_the_start_of_their_email_or_name(demo: list[str]) -> None:
    account("anna.martin@example.com", "Anna Martin")
    account("anne@muller.lu", "Anne Müller")
    account("bruno@example.com", "Bruno Annaheim")
    owner = token_of("wizamart-owner")

    assert sorted(emails(get("/api/v1/customers", owner, "q=ann"))) == [
        "anna.martin@example.com",
        "anne@muller.lu",
    ]
    assert emails(get("/api/v1/customers", owner, "q=anne%20mul")) == ["anne@muller.lu"]  # accent folded
    assert emails(get("/api/v1/customers", owner, "q=Anne%40")) == ["anne@muller.lu"]
    assert emails(get("/api/v1/customers", owner, "q=bruno%40ex")) == ["bruno@example.com"]
    assert emails(get("/api/v1/customers", owner, "q=nobody%40")) == []

    found = get("/api/v1/customers", owner, "q=bruno%40").json()["items"][0]
    assert found["name"] == "Bruno Annaheim" and found["email_verified"] is True
    assert {"id", "email", "name", "email_verified", "created_at"} <= set(found)
    assert not {"password_hash", "session_version"} & set(found)


def test_the_list_pages_newest_first_with_a_cursor(demo: list[str]) -> None:
    created = [account(f"page{n}@example.com", f"Page {n}") for n in range(5)]
    owner = token_of("wizamart-owner")

    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        page = get("/api/v1/customers", owner, f"limit=2&cursor={cursor}" if cursor else "limit=2").json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert [i for i in seen if i in created] == list(reversed(created))  # newest first
    assert len(seen) == len(created) + 1  # and the demo shopper, last

    bad = get("/api/v1/customers", owner, "cursor=not-a-cursor")
    assert bad.status == 400 and bad.headers["content-type"] == "application/problem+json"


def test_an_account_shows_its_profile_addresses_and_orders(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin", address=HOME)
    order_id = order_for(customer_id, "anna.martin@example.com", "Anna Martin")
    token = member_token(Role.VIEWER)

    shown = get(f"/api/v1/customers/{customer_id}", token)

    assert shown.status == 200, shown.body
    body = shown.json()
    assert body["customer"]["email"] == "anna.martin@example.com"
    assert not {"password_hash", "session_version"} & set(body["customer"])
    assert "password" not in shown.text and "session_version" not in shown.text
    assert [(a["label"], a["address"], a["city"]) for a in body["addresses"]] == [
        ("Home", "3 Rue du Fort", "Luxembourg")
    ]
    (order,) = body["orders"]
    assert order["id"] == order_id and order["status"] == "pending" and order["item_count"] == 2
    assert order["total"] == get_order(WIZ, order_id).total and order["currency"] == "EUR"
    assert body["orders_next_cursor"] is None


def test_a_manager_downloads_an_accounts_data_and_it_is_audited(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin", address=HOME)
    order_id = order_for(customer_id, "anna.martin@example.com", "Anna Martin")
    manager = member_token(Role.MANAGER)

    exported = get(f"/api/v1/customers/{customer_id}/export", manager)

    assert exported.status == 200, exported.body
    assert exported.headers["content-disposition"].startswith("attachment;")
    assert customer_id in exported.headers["content-disposition"]
    data = json.loads(exported.body)
    assert data["account"]["email"] == "anna.martin@example.com"
    assert [a["address"] for a in data["addresses"]] == ["3 Rue du Fort"]
    assert [o["id"] for o in data["orders"]] == [order_id]
    assert "session_version" not in exported.text and "password" not in exported.text
    (entry,) = [e for e in list_entries(WIZ, limit=50)[0] if e.action == "customer.exported"]
    assert entry.target == f"customer:{customer_id}"


def test_erasure_anonymises_the_orders_and_removes_the_account(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin", address=HOME)
    order_id = order_for(customer_id, "anna.martin@example.com", "Anna Martin")
    owner = token_of("wizamart-owner")

    erased = call("DELETE", f"/api/v1/customers/{customer_id}", token=owner)

    assert erased.status == 200, erased.body
    assert erased.json() == {"anonymised_orders": 1}
    order = get_order(WIZ, order_id)
    assert order.customer.email != "anna.martin@example.com" and order.customer.name != "Anna Martin"
    assert "3 Rue du Fort" not in order.customer.address
    assert order.total > 0 and order.lines  # the books keep the order itself
    assert get(f"/api/v1/customers/{customer_id}", owner).status == 404
    assert emails(get("/api/v1/customers", owner, "q=anna")) == []
    assert "customer.erased" in [e.action for e in list_entries(WIZ, limit=50)[0]]

    again = call("DELETE", f"/api/v1/customers/{customer_id}", token=owner)
    assert again.status == 404 and again.headers["content-type"] == "application/problem+json"


def test_a_viewer_reads_accounts_but_cannot_export_or_erase_them(demo: list[str]) -> None:
    customer_id = account("anna.martin@example.com", "Anna Martin")
    viewer = member_token(Role.VIEWER)

    assert get("/api/v1/customers", viewer).status == 200
    assert get(f"/api/v1/customers/{customer_id}", viewer).status == 200
    export = get(f"/api/v1/customers/{customer_id}/export", viewer)
    erase = call("DELETE", f"/api/v1/customers/{customer_id}", token=viewer)

    assert export.status == 403 and erase.status == 403
    assert erase.headers["content-type"] == "application/problem+json"
    assert (
        get(f"/api/v1/customers/{customer_id}", viewer).json()["customer"]["email"]
        == "anna.martin@example.com"
    )
    assert get("/api/v1/customers", viewer, "q=anna").status == 200
    actions = [e.action for e in list_entries(WIZ, limit=50)[0]]
    assert "customer.exported" not in actions and "customer.erased" not in actions


def test_another_stores_account_is_not_there_for_wizamart_staff(demo: list[str]) -> None:
    theirs = account("anna.martin@example.com", "Anna Bakery", tenant=BAK)
    owner = token_of("wizamart-owner")

    assert emails(get("/api/v1/customers", owner, "q=anna")) == []
    for response in (
        get(f"/api/v1/customers/{theirs}", owner),
        get(f"/api/v1/customers/{theirs}/export", owner),
        call("DELETE", f"/api/v1/customers/{theirs}", token=owner),
    ):
        assert response.status == 404, response.body
        assert response.headers["content-type"] == "application/problem+json"
    # Still there for its own store
    bakery = token_of("bakery-owner", BAKERY)
    assert get(f"/api/v1/customers/{theirs}", bakery, host=BAKERY).json()["customer"]["name"] == "Anna Bakery"


def test_an_unknown_or_malformed_id_is_not_a_server_error(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")

    unknown = get(f"/api/v1/customers/{new_id()}", owner)
    malformed = get("/api/v1/customers/not-an-id", owner)

    assert unknown.status == 404 and unknown.headers["content-type"] == "application/problem+json"
    assert malformed.status == 422 and malformed.headers["content-type"] == "application/problem+json"
    assert get("/api/v1/customers", owner, "limit=500").status == 422


def test_the_customers_routes_vanish_where_the_module_is_off(demo: list[str]) -> None:
    from tests.integration.admin.test_module_enablement import EVERYTHING, switch_loyalty_modules
    from tests.staff import CAFE

    assert call("GET", "/api/v1/customers", host=CAFE).status == 401  # there: it asks for a token

    switch_loyalty_modules([m for m in EVERYTHING if m != "customers"])

    gone = call("GET", "/api/v1/customers", host=CAFE)
    assert gone.status == 404 and gone.headers["content-type"] == "application/problem+json"
    assert call("DELETE", f"/api/v1/customers/{new_id()}", host=CAFE).status == 404
    assert call("GET", "/api/v1/customers", host=WIZAMART).status == 401  # oms still runs it
