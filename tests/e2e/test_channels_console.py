"""The Channels pages in a real browser (Playwright + Debian's Chromium) against `make run`'s server: an
owner adds an integration into another store of the merchant, publishes, and reads the records, with
axe-core on every page on the way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.console_browser import console_url, serious_violations, sign_in
from tests.local_server import LocalServer

# slow: make test-deep (CI) runs it; tests/integration/channels/test_console.py covers the same pages in
# make test, without a browser.
pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]
OWNER = ("owner@wizamart.lu", "wizamart-owner-demo")
OUTLET = "wizamart-e2e-outlet"
ARTIFACTS = Path("test-artifacts")


def _open_outlet(server: LocalServer) -> None:
    """A second store of Wizamart's merchant, opened by the platform admin through the admin API."""
    with server.client("api.oms.localhost") as admin:
        login = admin.post("/api/v1/auth/login", json={"email": "admin@oms.lu", "password": "oms-admin-demo"})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        listed = admin.get("/api/v1/admin/stores", headers=headers).json()
        merchant = next(s["merchant_id"] for s in listed if s["code"] == "wizamart")
        body = {"code": OUTLET, "name": "Wizamart Outlet", "merchant_id": merchant}
        opened = admin.post("/api/v1/admin/stores", json=body, headers=headers)
        assert opened.status_code in (201, 409), opened.text


def test_add_an_integration_into_another_store_and_publish(local_server: LocalServer, page: Any) -> None:
    _open_outlet(local_server)
    sign_in(page, local_server, *OWNER)
    page.goto(console_url(local_server, "/admin/channels"))
    assert serious_violations(page) == []
    # Only the chosen platform's settings show (with JavaScript; without it every fieldset is there).
    page.check("input[name=platform][value=wordpress]")
    assert page.locator("#f-site_url").is_visible() and not page.locator("#f-store").is_visible()
    page.check("input[name=platform][value=orion_site]")
    page.fill("#f-name", "Outlet shop")
    page.fill("#f-store", OUTLET)
    page.click("button:has-text('Add the integration')")
    page.wait_for_url(re.compile(r".*/admin/channels/[0-9A-Z]{26}$"))
    assert "Integration added" in page.locator("p.notice").inner_text()
    assert serious_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-channel.png"), full_page=True)

    # One category's products only (a lean publish): the rules form, saved.
    page.check("input[name=products][value=categories]")
    page.locator("input[name=categories]").first.check()
    page.click("button:has-text('Save the rules')")
    page.wait_for_load_state()
    assert "Publishing rules saved." in page.locator("p.notice").inner_text()

    page.click("button:has-text('Publish now')")
    page.wait_for_load_state()
    notice = page.locator("p.notice").inner_text()
    assert re.search(
        r"Published: [1-9]\d* created, 0 updated, 0 unchanged, 0 taken back, 0 failed\.", notice
    ), notice
    page.click("a:has-text('Publishing records')")
    page.wait_for_url("**/records")
    assert page.locator("#records tbody tr[data-item]").count() > 0
    assert (
        page.locator("#records [data-status=synced]").count()
        == page.locator("#records tr[data-item]").count()
    )
    assert serious_violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "console-channel-records.png"), full_page=True)

    # The copies are on the outlet's shop.
    remote = page.locator("#records a:has-text('Open')").first.get_attribute("href") or ""
    path = remote.split(".oms.localhost", 1)[1] if ".oms.localhost" in remote else "/"
    shop = page.context.new_page()
    answer = shop.goto(f"http://{OUTLET}.oms.localhost:{local_server.port}{path}")
    assert answer is not None and answer.status == 200, remote
