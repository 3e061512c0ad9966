"""The platform console's merchants and stores: a platform admin opens a store for a new merchant with
its owner's invitation, edits it, suspends and resumes it, changes its tier, transfers it and closes it
(with a typed confirmation); store owners never reach these pages; list pages stay cheap."""

from __future__ import annotations

import re

from orion.audit.service import list_entries, list_platform_entries
from orion.outbox.service import list_messages
from orion.tenancy import merchants, stores
from orion.tenant import Tenant
from tests.bench.support import counting_requests
from tests.console import CONSOLE_LOGINS, ConsoleBrowser, signed_in
from tests.staff import call

OMS_API = "api.oms.localhost:8000"
OMS = Tenant("oms")
CONSOLE_LOGINS["oms-admin"] = ("admin@oms.lu", "oms-admin-demo")
FLEUR = "fleur.oms.localhost:8000"


def admin() -> ConsoleBrowser:
    browser = ConsoleBrowser(host=OMS_API)
    browser.sign_in("oms-admin")
    return browser


def new_merchant(browser: ConsoleBrowser, name: str = "Fleur SARL") -> str:
    browser.get("/admin/merchants")
    created = browser.post("/admin/merchants", {"name": name, "contact_email": "hello@fleur.lu"})
    assert created.status == 303, created.text[:800]
    return created.headers["location"].rsplit("/", 1)[-1]


def open_fleur(browser: ConsoleBrowser, merchant_id: str) -> None:
    browser.get("/admin/stores")
    form = {
        "code": "fleur",
        "name": "Fleur",
        "merchant_id": merchant_id,
        "tier": "professional",
        "languages": "fr",
        "currency": "EUR",
        "owner_email": "Owner@Fleur.lu",
    }
    opened = browser.post("/admin/stores", form)
    assert (opened.status, opened.headers["location"]) == (303, "/admin/stores/fleur"), opened.text[:800]


def test_an_admin_opens_a_store_for_a_new_merchant_and_its_owner_is_invited(demo: list[str]) -> None:
    browser = admin()
    merchant_id = new_merchant(browser)
    assert merchants.get_merchant(OMS, merchant_id).contact_email == "hello@fleur.lu"
    open_fleur(browser, merchant_id)
    store = stores.get_store(OMS, "fleur")
    assert (store.merchant_id, store.tier.value, store.languages) == (merchant_id, "professional", ("fr",))
    invitation = next(m for m in list_messages(OMS) if m.store == "fleur")
    assert invitation.to == "owner@fleur.lu"
    assert "fleur.oms.localhost:8000/admin/invitations/accept?token=" in invitation.text
    assert call("GET", "/", host=FLEUR).status == 200
    page = browser.get("/admin/stores")
    assert "Fleur" in page.text and "Fleur SARL" in page.text
    actions = [e.action for e in list_entries(Tenant("oms", "fleur"))[0]]
    assert actions == ["team.invite", "store.create"]
    platform_actions = [e.action for e in list_platform_entries(OMS)[0]]
    assert "merchant.create" in platform_actions

    # edit the merchant
    saved = browser.post(f"/admin/merchants/{merchant_id}", {"name": "Fleur & Co", "contact_email": ""})
    assert saved.status == 303
    assert merchants.get_merchant(OMS, merchant_id).name == "Fleur & Co"
    assert "Fleur &amp; Co" in browser.get(f"/admin/merchants/{merchant_id}").text


def test_an_admin_edits_a_store_suspends_resumes_re_tiers_transfers_and_closes_it(demo: list[str]) -> None:
    browser = admin()
    open_fleur(browser, new_merchant(browser))
    browser.get("/admin/stores/fleur")
    profile = {
        "name": "Fleur Luxembourg",
        "languages": "fr",
        "default_language": "fr",
        "currency": "EUR",
        "contact_email": "shop@fleur.lu",
        "business_address": "1 Rue Neuve\r\nL-1111 Luxembourg",
        "phone": "+352 12 34 56",
    }
    assert browser.post("/admin/stores/fleur", profile).status == 303
    store = stores.get_store(OMS, "fleur")
    assert (store.name, store.business_address, store.phone) == (
        "Fleur Luxembourg",
        "1 Rue Neuve\nL-1111 Luxembourg",
        "+352 12 34 56",
    )

    browser.get("/admin/stores/fleur")
    assert browser.post("/admin/stores/fleur/suspend", {}).status == 303
    assert call("GET", "/", host=FLEUR).status == 404
    assert "?status=suspended" in browser.get("/admin/stores?status=suspended").text
    assert "fleur" in browser.get("/admin/stores?status=suspended").text
    assert browser.post("/admin/stores/fleur/resume", {}).status == 303
    assert call("GET", "/", host=FLEUR).status == 200

    assert browser.post("/admin/stores/fleur/tier", {"tier": "business"}).status == 303
    assert stores.get_store(OMS, "fleur").tier.value == "business"
    other = merchants.create_merchant(OMS, "Other SARL")
    assert browser.post("/admin/stores/fleur/transfer", {"merchant_id": other.id}).status == 303
    assert stores.get_store(OMS, "fleur").merchant_id == other.id

    refused = browser.post("/admin/stores/fleur/close", {"confirm": "fleu"})
    assert refused.status == 422
    assert 'value="fleu"' in refused.text and 'id="e-confirm"' in refused.text
    assert stores.get_store(OMS, "fleur").status.value == "active"
    assert browser.post("/admin/stores/fleur/close", {"confirm": "fleur"}).status == 303
    assert stores.get_store(OMS, "fleur").status.value == "closed"
    assert call("GET", "/", host=FLEUR).status == 404
    closed_page = browser.get("/admin/stores/fleur")
    assert "no longer serves anyone" in closed_page.text, closed_page.text[closed_page.text.find("<main") :][
        :1500
    ]
    assert browser.post("/admin/stores/fleur/resume", {}).status == 409

    actions = [e.action for e in list_entries(Tenant("oms", "fleur"))[0]]
    assert actions[:7] == [
        "store.close",
        "store.transfer",
        "store.tier",
        "store.resume",
        "store.suspend",
        "settings.update",
        "team.invite",
    ]


def test_invalid_entries_are_kept_with_a_message_per_field(demo: list[str]) -> None:
    browser = admin()
    merchant_id = new_merchant(browser)
    browser.get("/admin/stores")
    bad = {
        "code": "Not A Code",
        "name": "Kept name",
        "merchant_id": merchant_id,
        "tier": "",
        "languages": "fr",
        "currency": "EUR",
        "owner_email": "nobody",
    }
    page = browser.post("/admin/stores", bad)
    assert page.status == 422
    assert 'value="Not A Code"' in page.text and 'value="Kept name"' in page.text
    assert 'id="e-code"' in page.text and 'id="e-owner_email"' in page.text
    taken = browser.post("/admin/stores", {**bad, "code": "wizamart", "owner_email": "a@b.lu"})
    assert taken.status == 422 and "already taken" in taken.text
    reserved = browser.post("/admin/stores", {**bad, "code": "admin", "owner_email": "a@b.lu"})
    assert reserved.status == 422 and "reserved" in reserved.text
    assert [s.code for s in stores.list_stores(OMS) if s.code in ("admin", "not-a-code")] == []

    browser.get("/admin/stores/wizamart")
    phone = browser.post(
        "/admin/stores/wizamart",
        {
            "name": "Wizamart",
            "languages": "en",
            "default_language": "en",
            "currency": "EUR",
            "phone": "call me",
        },
    )
    assert phone.status == 422 and 'value="call me"' in phone.text and 'id="e-phone"' in phone.text
    assert stores.get_store(OMS, "wizamart").phone != "call me"
    browser.get("/admin/merchants")
    unnamed = browser.post("/admin/merchants", {"name": "", "contact_email": "kept@x.lu"})
    assert unnamed.status == 422 and 'value="kept@x.lu"' in unnamed.text and 'id="e-name"' in unnamed.text


def test_a_store_owner_cannot_reach_the_platform_pages(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    on_platform = ConsoleBrowser(host=OMS_API, cookies=dict(owner.cookies))
    for path in ("/admin/stores", "/admin/merchants", "/admin/stores/wizamart"):
        assert on_platform.get(path).status == 303  # to the platform's sign-in
    assert owner.get("/admin/stores").status == 404  # no such page on a store's console
    forged = on_platform.post("/admin/stores/wizamart/suspend", {})
    assert forged.status in (303, 403)
    assert stores.get_store(OMS, "wizamart").status.value == "active"


def test_list_pages_and_the_dashboard_are_cheap(demo: list[str]) -> None:
    browser = admin()
    for path in ("/admin/stores", "/admin/merchants"):
        browser.get(path)
        with counting_requests() as counter:
            page = browser.get(path)
        assert page.status == 200
        assert counter.of("dynamodb") <= 3, (path, counter.calls)
    browser.get("/admin/")
    with counting_requests() as counter:
        page = browser.get("/admin/")
    assert page.status == 200
    assert counter.of("dynamodb") <= 7, counter.calls
    assert re.search(r'data-figure="status-active">\d+<', page.text)
    assert 'data-figure="failed-emails"' in page.text and "Ready" in page.text


def test_the_admin_api_has_the_same_actions(demo: list[str]) -> None:
    from tests.integration.admin.test_admin_api import admin as api

    merchant = api("POST", "/merchants", {"name": "Api SARL"}).json()["id"]
    renamed = api("PATCH", f"/merchants/{merchant}", {"name": "Api & Co", "contact_email": "api@co.lu"})
    assert (renamed.status, renamed.json()["name"]) == (200, "Api & Co")
    body = {"code": "apishop", "name": "Api Shop", "merchant_id": merchant, "owner_email": "boss@api.lu"}
    assert api("POST", "/stores", body).status == 201
    assert any(m.to == "boss@api.lu" and m.store == "apishop" for m in list_messages(OMS))
    profile = {
        "name": "Api Shop",
        "languages": ["en"],
        "default_language": "en",
        "currency": "EUR",
        "phone": "+352 1",
    }
    assert api("PATCH", "/stores/apishop", profile).json()["phone"] == "+352 1"
    assert api("POST", "/stores/apishop/close", {"confirm": "nope"}).status == 422
    assert api("POST", "/stores/apishop/close", {"confirm": "apishop"}).json()["status"] == "closed"
    assert call("GET", "/", host="apishop.oms.localhost:8000").status == 404
    assert api("POST", "/stores/apishop/resume").status == 409
