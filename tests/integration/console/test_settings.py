"""Settings /admin/settings and Domains /admin/domains; the bulk store import keeps the address and
phone it reads."""

from __future__ import annotations

import pytest

from orion.catalog import service as catalog
from orion.tenancy import stores
from orion.tenant import Tenant
from tests.console import signed_in
from tests.integration.console._helpers import audit_actions, viewer
from tests.staff import BAKERY

pytestmark = pytest.mark.usefixtures("demo")
WIZ = Tenant("oms", "wizamart")
FORM = [
    ("name", "Wizamart Esch"),
    ("languages", "en"),
    ("languages", "fr"),
    ("default_language", "fr"),
    ("currency", "eur"),
    ("contact_email", "hello@wizamart.lu"),
    ("phone", "+352 26 12 34 56"),
    ("business_address", "12 rue de l'Alzette\r\n4011 Esch-sur-Alzette\r\nLuxembourg"),
    ("low_stock_threshold", "7"),
]


def test_settings_save() -> None:
    owner = signed_in("wizamart-owner")
    assert owner.get("/admin/settings").status == 200
    response = owner.post("/admin/settings", FORM)
    assert response.status == 303
    store = stores.get_store_settings(WIZ)
    assert (store.name, store.languages, store.default_language, store.currency) == (
        "Wizamart Esch",
        ("en", "fr"),
        "fr",
        "EUR",
    )
    assert store.phone == "+352 26 12 34 56"
    assert store.business_address == "12 rue de l'Alzette\n4011 Esch-sur-Alzette\nLuxembourg"
    assert catalog.get_low_stock_threshold(WIZ) == 7
    page = owner.get("/admin/settings")
    assert "4011 Esch-sur-Alzette" in page.text and 'value="7"' in page.text
    assert "settings.update" in audit_actions()


def test_bad_email_is_422_with_entries_kept_and_nothing_saved() -> None:
    owner = signed_in("wizamart-owner")
    bad = [(k, "not-an-email" if k == "contact_email" else v) for k, v in FORM]
    response = owner.post("/admin/settings", bad)
    assert response.status == 422
    assert 'id="e-contact_email"' in response.text
    assert 'value="Wizamart Esch"' in response.text and 'value="not-an-email"' in response.text
    assert stores.get_store_settings(WIZ).name == "Wizamart"
    assert catalog.get_low_stock_threshold(WIZ) != 7


def test_staff_api_settings_show_address_and_phone() -> None:
    from tests.staff import call, token_of

    signed_in("wizamart-owner").post("/admin/settings", FORM)
    body = call("GET", "/api/v1/settings", token=token_of("wizamart-owner")).json()
    assert body["phone"] == "+352 26 12 34 56" and body["business_address"].startswith("12 rue")


def test_viewer_gets_403_on_post() -> None:
    browser = viewer()
    browser.get("/admin/pages")  # a page the Viewer may see, for the form token
    assert browser.get("/admin/settings").status == 403  # settings.view is for Managers and up
    assert browser.post("/admin/settings", FORM).status == 403
    assert browser.post("/admin/domains", {"host": "shop.example.com"}).status == 403
    assert stores.get_store_settings(WIZ).name == "Wizamart"


def test_domain_claim_shows_dns_records_then_verify_and_remove() -> None:
    from orion.tenancy import domains

    owner = signed_in("wizamart-owner")
    response = owner.post("/admin/domains", {"host": "shop.example.com"})
    assert response.status == 303
    claimed = next(d for d in domains.list_domains(WIZ) if d.host == "shop.example.com")
    page = owner.get("/admin/domains")
    assert "_orion-verification.shop.example.com" in page.text
    assert str(claimed.verification_token) in page.text
    assert "CNAME" in page.text and "wizamart.oms.localhost" in page.text
    assert 'data-status="pending"' in page.text
    bad = owner.post("/admin/domains", {"host": "not a host"})
    assert bad.status == 422 and 'value="not a host"' in bad.text
    assert owner.post("/admin/domains/shop.example.com/remove").status == 303
    assert "shop.example.com" not in {d.host for d in domains.list_domains(WIZ)}
    assert {"domain.add", "domain.remove"} <= set(audit_actions())


def test_other_store_cannot_touch_wizamart_domains_or_settings() -> None:
    bakery = signed_in("bakery-owner", host=BAKERY)
    page = bakery.get("/admin/domains")
    assert page.status == 200 and "shop.wizamart.lu" not in page.text
    assert bakery.post("/admin/domains/shop.wizamart.lu/remove").status == 404
    assert "Wizamart" not in bakery.get("/admin/settings").text.split("<main")[1]


def test_bulk_import_keeps_address_and_phone() -> None:
    from orion.imports.bulk_stores import bulk_import_stores

    csv = (
        "vendor_name,subdomain,owner_name,owner_email,owner_phone,business_address,business_city,"
        "business_postal_code,business_country,letzshop_csv_url,initial_password\n"
        "Fleur,fleur,Anne,anne@fleur.lu,+352 621 000 111,1 Grand-Rue,Luxembourg,1660,Luxembourg,,"
        "a-long-password-1\n"
    )
    results = bulk_import_stores(
        Tenant("oms"), csv.encode(), accept_url="http://{store}.oms.localhost:8000/accept", admin_id="admin"
    )
    assert results[0].status == "created", results[0].message
    store = stores.get_store_settings(Tenant("oms", "fleur"))
    assert store.phone == "+352 621 000 111"
    assert store.business_address == "1 Grand-Rue\n1660 Luxembourg\nLuxembourg"


def test_e_mail_notifications_are_switched_per_store() -> None:
    owner = signed_in("wizamart-owner")
    page = owner.get("/admin/settings")
    assert "E-mail notifications" in page.text
    from orion.tenancy.models import NOTIFICATION_KINDS

    for kind in NOTIFICATION_KINDS:  # all on by default
        assert f'name="notifications" value="{kind}" checked>' in page.text
    ticked = [
        ("notifications_shown", "1"),
        ("notifications", "order_new_staff"),
        ("notifications", "order_shipped"),
    ]
    assert owner.post("/admin/settings", FORM + ticked).status == 303
    store = stores.get_store_settings(WIZ)
    assert {kind for kind, on in store.notifications.items() if on} == {"order_new_staff", "order_shipped"}
    assert 'value="order_paid">' in owner.get("/admin/settings").text  # shown unticked
    assert all(stores.get_store_settings(Tenant("oms", "bakery")).notifications.values())
    # A form that did not show the boxes leaves them as they are.
    assert owner.post("/admin/settings", FORM).status == 303
    assert stores.get_store_settings(WIZ).notifications == store.notifications
