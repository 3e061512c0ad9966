"""Platform console content and operations: platform pages (store defaults and marketing pages) with
their admin API, bulk store import from the browser, import jobs across stores, the outbox."""

from __future__ import annotations

import re

import pytest

from orion.cms import service as cms
from orion.cms.models import PlatformPageKind
from tests.console import CONSOLE_LOGINS, ConsoleBrowser, signed_in
from tests.integration.admin.test_admin_api import admin
from tests.staff import BAKERY, WIZAMART, call

pytestmark = pytest.mark.usefixtures("demo")
OMS_API = "api.oms.localhost:8000"
CONSOLE_LOGINS["oms-admin"] = ("admin@oms.lu", "oms-admin-demo")


def operator() -> ConsoleBrowser:
    browser = ConsoleBrowser(host=OMS_API)
    browser.sign_in("oms-admin")
    return browser


def audit_actions(store: str | None = None) -> list[str]:
    from orion.audit import service as audit
    from orion.tenant import Tenant

    return [entry.action for entry in audit.list_platform_entries(Tenant("oms"), limit=200, store=store)[0]]


# --- platform pages -------------------------------------------------------------------------------------


def test_editing_the_default_about_page_shows_on_stores_without_an_override() -> None:
    browser = operator()
    listing = browser.get("/admin/pages")
    assert listing.status == 200
    assert "/admin/pages/defaults/about" in listing.text and "/admin/pages/marketing/pricing" in listing.text
    form = browser.get("/admin/pages/defaults/about")
    assert form.status == 200 and "About us" in form.text
    fields = {
        "title": "About this shop",
        "body_html": "<p>Every OMS shop is local.</p><script>alert(1)</script>",
        "meta_description": "",
        "position": "3",
        "template": "page.html",
        "published": "on",
        "show_in_footer": "on",
    }
    preview = browser.post("/admin/pages/defaults/about", {**fields, "action": "preview"})
    assert preview.status == 200
    assert 'sandbox=""' in preview.text and "Every OMS shop is local." in preview.text
    assert "Every OMS shop" not in call("GET", "/about", host=BAKERY).text  # a preview saves nothing
    saved = browser.post("/admin/pages/defaults/about", {**fields, "action": "save"})
    assert saved.status == 303 and saved.headers["location"] == "/admin/pages/defaults/about"
    shop = call("GET", "/about", host=BAKERY)
    assert shop.status == 200
    assert "Every OMS shop is local." in shop.text and "alert(1)" not in shop.text
    assert "Every OMS shop" not in call("GET", "/about", host=WIZAMART).text  # wizamart has its own
    stored = cms.get_platform_page("oms", "about", PlatformPageKind.STORE_DEFAULT)
    assert (stored.title, stored.position) == ("About this shop", 3)
    assert "platform_page.put" in audit_actions()


def test_create_keeps_entries_on_bad_input_and_delete_removes_it() -> None:
    browser = operator()
    assert browser.get("/admin/pages/new?kind=marketing").status == 200
    bad = browser.post(
        "/admin/pages",
        {"kind": "defaults", "slug": "cart", "title": "", "body_html": "<p>kept</p>", "position": "x"},
    )
    assert bad.status == 422
    assert "&lt;p&gt;kept&lt;/p&gt;" in bad.text and 'id="e-title"' in bad.text
    created = browser.post(
        "/admin/pages",
        {"kind": "marketing", "slug": "partners", "title": "Partners", "body_html": "<p>Ours</p>",
         "position": "20", "template": "page.html", "published": "on", "action": "save"},
    )  # fmt: skip
    assert created.status == 303 and created.headers["location"] == "/admin/pages/marketing/partners"
    assert cms.get_platform_page("oms", "partners", PlatformPageKind.MARKETING).title == "Partners"
    again = browser.post(
        "/admin/pages", {"kind": "marketing", "slug": "partners", "title": "Twice", "action": "save"}
    )
    assert again.status == 422 and 'id="e-slug"' in again.text
    browser.get("/admin/pages")
    deleted = browser.post("/admin/pages/marketing/partners/delete", {})
    assert deleted.status == 303
    assert browser.get("/admin/pages/marketing/partners").status == 404


def test_a_store_owner_cannot_reach_platform_pages() -> None:
    owner = signed_in("wizamart-owner")
    # on a store host /admin/pages is the store's own content page, never the platform's
    assert "/admin/pages/defaults/about" not in owner.get("/admin/pages").text
    stranger = ConsoleBrowser(host=OMS_API, cookies=dict(owner.cookies))
    assert stranger.get("/admin/pages").status == 303  # no platform session: to the sign-in


def test_platform_pages_api_round_trip() -> None:
    listed = admin("GET", "/pages", query="kind=STORE_DEFAULT")
    assert listed.status == 200 and "about" in {page["slug"] for page in listed.json()}
    created = admin(
        "POST", "/pages", {"slug": "returns", "kind": "STORE_DEFAULT", "title": "Returns", "body_html": "<p>30 days</p>"}
    )
    assert created.status == 201, created.body
    assert created.json()["kind"] == "STORE_DEFAULT"
    assert admin("POST", "/pages", {"slug": "returns", "title": "Again"}).status == 422
    assert admin("POST", "/pages", {"slug": "cart", "title": "Cart"}).status == 422
    got = admin("GET", "/pages/returns")
    assert got.status == 200 and got.json()["title"] == "Returns"
    assert "30 days" in call("GET", "/returns", host=BAKERY).text
    updated = admin("PUT", "/pages/returns", {"title": "Returns policy", "body_html": "<p>14 days</p>"})
    assert updated.status == 200 and updated.json()["title"] == "Returns policy"
    assert "14 days" in call("GET", "/returns", host=BAKERY).text
    assert admin("DELETE", "/pages/returns").status == 204
    missing = admin("GET", "/pages/returns")
    assert missing.status == 404 and missing.headers["content-type"] == "application/problem+json"
    assert call("GET", "/returns", host=BAKERY).status == 404
    marketing = admin("GET", "/pages/about", query="kind=MARKETING")
    assert marketing.json()["title"] == "About OMS"
    document = call("GET", "/api/v1/admin/openapi.json", host=OMS_API).json()
    assert "/api/v1/admin/pages/{slug}" in document["paths"] and "/api/v1/admin/imports" in document["paths"]
