"""Order e-mails after the confirmation: the shopper hears of paid, shipped (carrier and tracking
number), delivered, cancelled and refunded in the order's language, with the store's name and address
and a link to the order on the host they ordered on; the store hears of each new order at its contact
address; each e-mail can be switched off per store."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.ids import new_id, new_token
from orion.orders import service as orders
from orion.orders.models import CustomerDetails, LineRequest, OrderStatus
from orion.outbox.models import OutboxMessage
from orion.outbox.service import list_messages
from orion.tenancy import stores
from orion.tenancy.stores import StoreSettingsInput
from orion.tenant import Tenant
from tests.staff import BAKERY, WIZAMART, call, token_of

pytestmark = pytest.mark.usefixtures("demo")
WIZ = Tenant("oms", "wizamart")
BAKE = Tenant("oms", "bakery")
ALICE = CustomerDetails(email="alice@example.com", name="Alice", address="1 Rue de la Gare", country="LU")
ADDRESS = "12 rue de l'Alzette\n4011 Esch-sur-Alzette\nLuxembourg"
SHOP = "https://shop.wizamart.lu"


def _update(tenant: Tenant, **changes: object) -> None:
    """Change some of the store's settings, keeping the others."""
    store = stores.get_store_settings(tenant)
    kept = {
        "name": store.name,
        "languages": store.languages,
        "default_language": store.default_language,
        "currency": store.currency,
        "contact_email": store.contact_email,
    }
    stores.update_store_settings(tenant, StoreSettingsInput.model_validate({**kept, **changes}))


def _place(tenant: Tenant = WIZ, *, language: str = "en", site_url: str | None = SHOP) -> tuple[str, str]:
    """A new order of one mug (a product made for it) in ``tenant``: its id and status-page token."""
    sku = f"MUG-{new_id()[-8:]}"
    product = catalog.create_product(
        tenant,
        ProductInput(
            title="Mug", status=ProductStatus.ACTIVE, variants=(Variant(sku=sku, price=1200, stock=5),)
        ),
    )
    placed = orders.place_order(
        tenant,
        [LineRequest(product_id=product.id, sku=sku, quantity=2)],
        ALICE,
        checkout_key=new_token(16),
        language=language,
        site_url=site_url,
    )
    return placed.order.id, placed.token


def _mails(tenant: Tenant, order_id: str, kind: str | None = None) -> list[OutboxMessage]:
    return [
        m
        for m in list_messages(tenant)
        if m.data.get("order_id") == order_id and m.store == tenant.store and (kind is None or m.kind == kind)
    ]


def _kinds(tenant: Tenant, order_id: str) -> list[str]:
    return sorted(m.kind for m in _mails(tenant, order_id))


def _ship(tenant: Tenant, order_id: str) -> None:
    for step in (OrderStatus.PAID, OrderStatus.FULFILLED):
        orders.transition_order(tenant, order_id, step)
    orders.transition_order(
        tenant, order_id, OrderStatus.SHIPPED, carrier="POST Luxembourg", tracking_number="LU 123-456"
    )


def test_each_status_e_mails_the_shopper_once_in_the_orders_language_with_the_store_and_link() -> None:
    _update(WIZ, business_address=ADDRESS)
    order_id, token = _place(language="fr")
    _ship(WIZ, order_id)
    orders.transition_order(WIZ, order_id, OrderStatus.DELIVERED)
    orders.transition_order(WIZ, order_id, OrderStatus.REFUNDED)
    assert _kinds(WIZ, order_id) == [
        "order_confirmation",
        "order_delivered",
        "order_new_staff",
        "order_paid",
        "order_refunded",
        "order_shipped",
    ]  # one each; packing ("fulfilled") tells the shopper nothing
    subjects = {
        "order_paid": f"Paiement reçu pour votre commande {order_id} chez Wizamart",
        "order_shipped": f"Votre commande {order_id} chez Wizamart a été expédiée",
        "order_delivered": f"Votre commande {order_id} chez Wizamart a été livrée",
        "order_refunded": f"Votre commande {order_id} chez Wizamart a été remboursée",
    }
    for kind, subject in subjects.items():
        [mail] = _mails(WIZ, order_id, kind)
        assert mail.to == "alice@example.com"
        assert mail.subject == subject
        assert mail.text.startswith("Bonjour Alice,")
        assert f"Wizamart\n{ADDRESS}\nshop@wizamart.lu" in mail.text  # the store signs with its address
        link = mail.text.split("Suivez votre commande ici : ")[1].split()[0]
        assert link.startswith(f"{SHOP}/orders/{order_id}?token=") and link.endswith("&lang=fr")
        assert parse_qs(urlsplit(link).query)["token"] == [token]  # the link opens the order
    shipped = _mails(WIZ, order_id, "order_shipped")[0].text
    assert "Transporteur: POST Luxembourg" in shipped and "Numéro de suivi: LU 123-456" in shipped
    # the whole order: 2 x 12.00 EUR and 4.90 EUR shipping within Luxembourg
    assert "28,90\u00a0€" in _mails(WIZ, order_id, "order_refunded")[0].text


def test_cancelling_e_mails_the_shopper_in_english_when_the_order_is_english() -> None:
    order_id, _ = _place()
    orders.transition_order(WIZ, order_id, OrderStatus.CANCELLED)
    [mail] = _mails(WIZ, order_id, "order_cancelled")
    assert mail.subject == f"Your order {order_id} at Wizamart was cancelled"
    assert f"{SHOP}/orders/{order_id}?token=" in mail.text


def test_a_new_order_e_mails_the_stores_contact_address_with_a_console_link() -> None:
    order_id, _ = _place(site_url="https://shop.wizamart.lu/")
    [mail] = _mails(WIZ, order_id, "order_new_staff")
    assert mail.to == "shop@wizamart.lu"
    assert mail.subject == f"New order {order_id} at Wizamart"
    assert f"Alice placed order {order_id}." in mail.text
    assert "Total: €28.90" in mail.text and "2 x MUG-" in mail.text  # 4.90 EUR shipping included
    assert f"Open it in the store console: {SHOP}/admin/orders/{order_id}\n" in mail.text
    # In the store's default language, whatever the shopper's.
    _update(WIZ, default_language="de")
    [mail] = _mails(WIZ, _place(language="fr")[0], "order_new_staff")
    assert mail.subject.startswith("Neue Bestellung ") and "Summe: 28,90\u00a0€" in mail.text
    # The bakery has no contact address: no new-order e-mail, the shopper's confirmation still goes.
    bakery_order, _ = _place(BAKE, site_url=None)
    assert _kinds(BAKE, bakery_order) == ["order_confirmation"]


def test_shipping_needs_the_carrier_and_tracking_number_and_shows_them() -> None:
    owner = token_of("wizamart-owner")
    order_id, token = _place()
    for step in ("paid", "fulfilled"):
        assert (
            call("POST", f"/api/v1/orders/{order_id}/transitions", body={"status": step}, token=owner).status
            == 200
        )
    refused = call("POST", f"/api/v1/orders/{order_id}/transitions", body={"status": "shipped"}, token=owner)
    assert refused.status == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"carrier", "tracking_number"}
    bad = {"status": "shipped", "carrier": "DHL", "tracking_number": "LU<123>"}
    refused = call("POST", f"/api/v1/orders/{order_id}/transitions", body=bad, token=owner)
    assert refused.status == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["tracking_number"]
    unchanged = call("GET", f"/api/v1/orders/{order_id}", token=owner).json()
    assert (unchanged["status"], unchanged["shipment"]) == ("fulfilled", None)
    assert _mails(WIZ, order_id, "order_shipped") == []

    body = {
        "status": "shipped",
        "carrier": "DHL",
        "tracking_number": "JD0146 0000",
        "tracking_url": "https://dhl.example/track?n=JD01460000",
    }
    shipped = call("POST", f"/api/v1/orders/{order_id}/transitions", body=body, token=owner)
    assert shipped.status == 200
    expected = {"carrier": "DHL", "tracking_number": "JD0146 0000", "tracking_url": body["tracking_url"]}
    assert shipped.json()["shipment"] == expected
    assert call("GET", f"/api/v1/orders/{order_id}", token=owner).json()["shipment"] == expected
    assert "status_url" not in shipped.text and token not in shipped.text  # the link stays private
    assert "Track your parcel: https://dhl.example/track" in _mails(WIZ, order_id, "order_shipped")[0].text
    page = call("GET", f"/orders/{order_id}", host=WIZAMART, query=f"token={token}")
    assert page.status == 200
    assert "DHL" in page.text and "JD0146 0000" in page.text and "dhl.example/track" in page.text
    # Other moves ignore shipment fields.
    delivered = call(
        "POST",
        f"/api/v1/orders/{order_id}/transitions",
        body={"status": "delivered", "carrier": ""},
        token=owner,
    )
    assert delivered.status == 200 and delivered.json()["shipment"] == expected


def test_a_switched_off_e_mail_is_not_sent_and_only_in_that_store() -> None:
    bakery = token_of("bakery-owner")
    settings = call("GET", "/api/v1/settings", host=BAKERY, token=bakery).json()
    assert settings["notifications"] == {
        "order_new_staff": True,
        "order_paid": True,
        "order_shipped": True,
        "order_delivered": True,
        "order_cancelled": True,
        "order_refunded": True,
    }
    body = {
        key: settings[key] for key in ("name", "languages", "default_language", "currency", "contact_email")
    }
    off = {
        **body,
        "contact_email": "orders@bakery.lu",
        "notifications": {"order_paid": False, "order_new_staff": False},
    }
    changed = call("PUT", "/api/v1/settings", host=BAKERY, body=off, token=bakery)
    assert changed.status == 200
    assert changed.json()["notifications"]["order_paid"] is False
    assert changed.json()["notifications"]["order_shipped"] is True  # left out: unchanged
    unknown = {**body, "notifications": {"order_teleported": False}}
    assert call("PUT", "/api/v1/settings", host=BAKERY, body=unknown, token=bakery).status == 422

    bakery_order, _ = _place(BAKE)
    orders.transition_order(BAKE, bakery_order, OrderStatus.PAID)
    orders.transition_order(BAKE, bakery_order, OrderStatus.CANCELLED)
    assert _kinds(BAKE, bakery_order) == ["order_cancelled", "order_confirmation"]
    wizamart_order, _ = _place()
    orders.transition_order(WIZ, wizamart_order, OrderStatus.PAID)
    assert _kinds(WIZ, wizamart_order) == ["order_confirmation", "order_new_staff", "order_paid"]


def test_the_confirmation_lists_subtotal_shipping_and_vat_in_the_orders_language() -> None:
    order_id, _ = _place(language="de")  # 2 x 12.00 EUR to Luxembourg: below 50 EUR, 4.90 shipping
    text = _mails(WIZ, order_id, "order_confirmation")[0].text.replace("\xa0", " ")
    assert "Zwischensumme: 24,00 €" in text
    assert "Versand: 4,90 €" in text
    assert "inkl. MwSt. 17 %: 4,20 €" in text  # (24.00 + 4.90) * 17 / 117 = 4.199
    assert "Summe: 28,90 €" in text
