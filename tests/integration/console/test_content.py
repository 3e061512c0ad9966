"""Content /admin/pages: override a platform default, edit, preview, revert, tier usage, limits,
permissions and store isolation."""

from __future__ import annotations

import re

import pytest

from orion.cms import service as cms
from orion.tenant import Tenant
from tests.console import signed_in
from tests.integration.console._helpers import audit_actions, viewer
from tests.staff import BAKERY, WIZAMART, call

pytestmark = pytest.mark.usefixtures("demo")
WIZ = Tenant("oms", "wizamart")


def test_list_shows_sources_and_tier_usage() -> None:
    page = signed_in("wizamart-owner").get("/admin/pages")
    assert page.status == 200, page.text[:500]
    assert "1 of 10 pages on Professional" in page.text
    assert 'data-source="store_override"' in page.text  # /about
    assert 'data-source="platform_default"' in page.text  # /shipping
    assert "/admin/pages/shipping/override" in page.text


def test_override_edit_preview_and_revert_show_on_the_shop() -> None:
    owner = signed_in("wizamart-owner")
    response = owner.post("/admin/pages/shipping/override")
    assert response.status == 303
    edit = owner.get("/admin/pages/shipping")
    assert edit.status == 200 and "We ship across Luxembourg" in edit.text
    assert "2 of 10 pages" in owner.get("/admin/pages").text

    form = {
        "title": "Delivery",
        "body_html": "<p>Same-day in Esch</p><script>alert(1)</script>",
        "position": "2",
        "template": "page-wide.html",
        "published": "on",
    }
    preview = owner.post("/admin/pages/shipping/preview", form)
    assert preview.status == 200
    assert "srcdoc=" in preview.text and "Same-day in Esch" in preview.text
    assert cms.get_store_page(WIZ, "shipping").title == "Shipping"  # a preview saves nothing

    saved = owner.post("/admin/pages/shipping", form)
    assert saved.status == 303
    shop = call("GET", "/shipping", host=WIZAMART)
    assert shop.status == 200
    assert "Same-day in Esch" in shop.text and "alert(1)" not in shop.text
    assert "cms-page-wide" in shop.text  # the template chosen for the page
    stored = cms.get_store_page(WIZ, "shipping")
    assert (stored.title, stored.position, stored.template) == ("Delivery", 2, "page-wide.html")

    reverted = owner.post("/admin/pages/shipping/delete")
    assert reverted.status == 303
    assert "We ship across Luxembourg" in call("GET", "/shipping", host=WIZAMART).text
    assert audit_actions().count("page.put") >= 2 and "page.delete" in audit_actions()


def test_invalid_entries_are_kept_with_a_message_per_field() -> None:
    owner = signed_in("wizamart-owner")
    response = owner.post(
        "/admin/pages/about", {"title": "", "body_html": "<p>kept body</p>", "position": "x"}
    )
    assert response.status == 422
    assert "kept body" in response.text
    assert 'id="e-title"' in response.text and 'id="e-position"' in response.text
    assert cms.get_store_page(WIZ, "about").title == "About Wizamart"


def test_new_page_beyond_the_tier_shows_the_form_with_the_limit() -> None:
    from orion.cms.models import PageInput

    for n in range(5):  # Professional: 5 own pages
        cms.put_store_page(WIZ, f"extra-{n}", PageInput(title=f"Extra {n}"))
    owner = signed_in("wizamart-owner")
    response = owner.post("/admin/pages", {"slug": "one-more", "title": "One more", "body_html": "<p>x</p>"})
    assert response.status == 409
    assert "allows 5 custom pages" in response.text
    assert 'value="One more"' in response.text
    bad = owner.post("/admin/pages", {"slug": "cart", "title": "Cart"})
    assert bad.status == 422 and 'id="e-slug"' in bad.text


def test_viewer_reads_but_cannot_post() -> None:
    browser = viewer()
    page = browser.get("/admin/pages")
    assert page.status == 200 and "/override" not in page.text
    refused = browser.post("/admin/pages/shipping/override")
    assert refused.status == 403
    assert "shipping" not in {
        p.slug for p in cms.list_store_pages(WIZ) if p.source.value != "platform_default"
    }


def test_another_store_cannot_see_or_change_wizamart_pages() -> None:
    bakery = signed_in("bakery-owner", host=BAKERY)
    listing = bakery.get("/admin/pages")
    assert listing.status == 200 and "About Wizamart" not in listing.text
    assert bakery.get("/admin/pages/about").status == 404  # bakery has no page of its own there
    assert bakery.post("/admin/pages/about", {"title": "Hijack"}).status == 404
    assert cms.get_store_page(WIZ, "about").title == "About Wizamart"
    assert re.search(r"0 of 3 pages", listing.text)
