"""The platform console and the merchant sign-up in a real browser (Playwright + Debian's Chromium)
against `make run`'s server, with axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.console_browser import console_url, outbox_link, serious_violations, sign_in
from tests.local_server import LocalServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
OMS_API = "api.oms.localhost"
ADMIN = ("admin@oms.lu", "oms-admin-demo")


def test_an_admin_reaches_every_platform_page_with_no_serious_accessibility_violation(
    local_server: LocalServer, page: Any
) -> None:
    page.goto(console_url(local_server, "/admin/login", OMS_API))
    assert serious_violations(page) == []
    sign_in(page, local_server, *ADMIN, host=OMS_API)
    links = page.locator("nav.menu a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/admin/stores" in links and "/admin/outbox" in links
    problems: dict[str, list[str]] = {}
    for href in links:
        response = page.goto(console_url(local_server, href, OMS_API))
        assert response is not None and response.status == 200, href
        found = serious_violations(page)
        if found:
            problems[href] = found
    assert problems == {}


def test_a_merchant_signs_up_verifies_and_lands_in_the_new_stores_console(
    local_server: LocalServer, page: Any
) -> None:
    site = f"http://oms.localhost:{local_server.port}"
    page.goto(f"{site}/")
    page.click("a[href$='/signup']")
    assert serious_violations(page) == []
    page.fill("#f-business_name", "Atelier Browser")
    page.fill("#f-code", "atelier-e2e")
    page.fill("#f-owner_name", "Ada Atelier")
    page.fill("#f-email", "ada@atelier-e2e.lu")
    page.fill("#f-password", "atelier-e2e-password")
    page.check("#f-accept_terms")
    page.click("button:has-text('Sign up')")
    page.wait_for_url("**/signup/sent")
    assert serious_violations(page) == []
    link = outbox_link(local_server, "ada@atelier-e2e.lu", r"https?://\S+/signup/verify\?token=\S+")
    page.goto(link)
    assert serious_violations(page) == []
    page.click("button[type=submit]")
    page.wait_for_url(f"http://atelier-e2e.oms.localhost:{local_server.port}/admin/")
    assert page.locator("h1").first.inner_text() == "Dashboard"
    shop = page.context.new_page().goto(f"http://atelier-e2e.oms.localhost:{local_server.port}/")
    assert shop is not None and shop.status == 200


def test_switching_a_module_off_takes_its_pages_out_of_store_consoles(
    local_server: LocalServer, browser: Any
) -> None:
    admin = browser.new_context()
    owner = browser.new_context()
    try:
        a, o = admin.new_page(), owner.new_page()
        sign_in(a, local_server, *ADMIN, host=OMS_API)
        sign_in(o, local_server, "owner@wizamart.lu", "wizamart-owner-demo")
        assert o.locator("nav.menu a[href='/admin/analytics']").count() == 1
        a.goto(console_url(local_server, "/admin/modules", OMS_API))
        a.click("form[action$='/admin/modules/analytics'] button")
        assert "Switch off" in a.locator("h1").inner_text()  # the consequences first
        assert serious_violations(a) == []
        a.click("form[action$='/admin/modules/analytics'] button[type=submit]")
        a.wait_for_url("**/admin/modules")
        o.wait_for_timeout(100)
        for _ in range(80):  # the platform record is cached per container for a while
            o.goto(console_url(local_server, "/admin/"))
            if o.locator("nav.menu a[href='/admin/analytics']").count() == 0:
                break
            o.wait_for_timeout(1000)
        assert o.locator("nav.menu a[href='/admin/analytics']").count() == 0
        gone = o.goto(console_url(local_server, "/admin/analytics"))
        assert gone is not None and gone.status == 404
    finally:
        a.goto(console_url(local_server, "/admin/modules", OMS_API))
        if a.locator("form[action$='/admin/modules/analytics'] button").count():
            a.click("form[action$='/admin/modules/analytics'] button")
            a.click("form[action$='/admin/modules/analytics'] button[type=submit]")
        admin.close()
        owner.close()


def test_the_default_about_page_edited_by_the_admin_shows_on_stores_without_their_own(
    local_server: LocalServer, page: Any
) -> None:
    sign_in(page, local_server, *ADMIN, host=OMS_API)
    page.goto(console_url(local_server, "/admin/pages/defaults/about", OMS_API))
    assert serious_violations(page) == []
    page.fill("#f-body_html", "<p>Every store on OMS ships from Luxembourg, browser-edited.</p>")
    page.click("button[name=action][value=save]")
    assert page.locator("p.notice").inner_text() == "Page saved."
    shop = page.context.new_page()
    for _ in range(80):  # shop pages are cached at the edge and in the container for a while
        shop.goto(f"http://bakery.oms.localhost:{local_server.port}/about")
        if "browser-edited" in shop.content():
            break
        shop.wait_for_timeout(1000)
    assert "browser-edited" in shop.content()


def test_bulk_store_import_from_the_console(local_server: LocalServer, page: Any, tmp_path: Any) -> None:
    from tests.integration.imports.test_bulk_stores import bulk_csv, vendor

    feed = tmp_path / "stores.csv"
    feed.write_bytes(bulk_csv(vendor("bulk-e2e-one"), vendor("bulk-e2e-two")))
    sign_in(page, local_server, *ADMIN, host=OMS_API)
    page.goto(console_url(local_server, "/admin/bulk-import", OMS_API))
    page.set_input_files("#f-file", str(feed))
    page.click("button:has-text('Import the stores')")
    page.wait_for_url("**/admin/bulk-import/*")
    assert page.locator("text=bulk-e2e-one").count() >= 1 and page.locator("text=bulk-e2e-two").count() >= 1
    assert serious_violations(page) == []
