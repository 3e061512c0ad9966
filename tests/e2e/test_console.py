"""The store console in a real browser (Playwright + Debian's Chromium) against `make run`'s server:
signing in, permissions, refused forged posts, and axe-core on every console page."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.e2e.console_browser import console_url, outbox_link, serious_violations, sign_in
from tests.local_server import LocalServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
WIZAMART = "wizamart.oms.localhost"
BAKERY = "bakery.oms.localhost"
OWNER = ("owner@wizamart.lu", "wizamart-owner-demo")


def test_sign_in_reach_every_page_of_the_menu_with_no_serious_accessibility_violation(
    local_server: LocalServer, page: Any
) -> None:
    page.goto(console_url(local_server, "/admin/login"))
    assert serious_violations(page) == []
    sign_in(page, local_server, *OWNER)
    assert page.locator("h1").first.inner_text() == "Dashboard"
    links = page.locator("nav.menu a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/admin/products" in links and "/admin/orders" in links and "/admin/account" in links
    problems: dict[str, list[str]] = {}
    for href in links:
        response = page.goto(console_url(local_server, href))
        assert response is not None and response.status == 200, href
        found = serious_violations(page)
        if found:
            problems[href] = found
    # Pages behind the lists: forms, a default page, a theme template, an error page.
    for href, status in (
        ("/admin/products/new", 200),
        ("/admin/pages/new", 200),
        ("/admin/pages/about/default", 200),
        ("/admin/theme/templates/home.html", 200),
        ("/admin/imports/new", 200),
        ("/admin/imports/sources", 200),
        ("/admin/no-such-page", 404),
    ):
        response = page.goto(console_url(local_server, href))
        assert response is not None and response.status == status, href
        found = serious_violations(page)
        if found:
            problems[href] = found
    assert problems == {}


def test_pages_work_without_javascript_and_sign_out_ends_the_session(
    local_server: LocalServer, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, local_server, *OWNER)
        page.goto(console_url(local_server, "/admin/account"))
        page.select_option("select[name=language]", "fr")
        page.click("form[action$='/admin/account/language'] button")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.select_option("select[name=language]", "")
        page.click("form[action$='/admin/account/language'] button")
        page.click("header form button")  # sign out
        page.wait_for_url("**/admin/login")
        page.goto(console_url(local_server, "/admin/"))
        assert page.url.endswith("/admin/login")
    finally:
        context.close()


def _signed_in_client(server: LocalServer, host: str, email: str, password: str) -> tuple[httpx.Client, str]:
    http = httpx.Client(
        base_url=f"http://{host}:{server.port}",
        timeout=30,
        follow_redirects=False,
        transport=httpx.HTTPTransport(local_address="127.0.0.1"),
    )
    http.headers["Host"] = f"{host}:{server.port}"
    form = http.get(f"http://127.0.0.1:{server.port}/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    origin = {"Origin": f"http://{host}:{server.port}"}
    done = http.post(
        f"http://127.0.0.1:{server.port}/admin/login",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        headers=origin,
    )
    assert done.status_code == 303, done.text
    page = http.get(f"http://127.0.0.1:{server.port}/admin/account")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    return http, csrf.group(1)


def test_csrf_less_cross_origin_and_cross_store_posts_are_refused(local_server: LocalServer) -> None:
    http, csrf = _signed_in_client(local_server, WIZAMART, *OWNER)
    url = f"http://127.0.0.1:{local_server.port}/admin/account/language"
    here = {"Origin": f"http://{WIZAMART}:{local_server.port}"}
    assert http.post(url, data={"language": "de"}, headers=here).status_code == 403
    assert (
        http.post(
            url, data={"language": "de", "csrf_token": csrf}, headers={"Origin": "http://evil.example"}
        ).status_code
        == 403
    )
    # The same cookie and token sent to bakery's host open no session there.
    bakery = http.post(
        url,
        data={"language": "de", "csrf_token": csrf},
        headers={
            **here,
            "Host": f"{BAKERY}:{local_server.port}",
            "Origin": f"http://{BAKERY}:{local_server.port}",
        },
    )
    assert bakery.status_code == 303 and "/admin/login" in bakery.headers["location"]
    page = http.get(f"http://127.0.0.1:{local_server.port}/admin/account")
    assert '<html lang="en">' in page.text  # nothing changed


# slow (make test-deep, which CI runs): tests/integration/console/test_team.py covers the invitation and
# the viewer.
@pytest.mark.slow
def test_invite_a_viewer_who_accepts_signs_in_and_cannot_edit(
    local_server: LocalServer, browser: Any
) -> None:
    owner = browser.new_context()
    page = owner.new_page()
    try:
        sign_in(page, local_server, *OWNER)
        page.goto(console_url(local_server, "/admin/team"))
        invite = page.locator("form[action$='/admin/team/invitations']")
        invite.locator("input[name=email]").fill("e2e-console-viewer@example.com")
        invite.locator("select[name=role]").select_option("viewer")
        invite.locator("button[type=submit]").click()
        page.get_by_text("e2e-console-viewer@example.com").first.wait_for()
        assert serious_violations(page) == []
    finally:
        owner.close()
    link = outbox_link(
        local_server, "e2e-console-viewer@example.com", r"https?://\S+/admin/invitations/accept\?token=\S+"
    )
    viewer = browser.new_context()
    page = viewer.new_page()
    try:
        page.goto(link)
        assert serious_violations(page) == []
        page.fill("input[name=name]", "Vic Viewer")
        page.fill("input[name=password]", "viewer-e2e-password")
        page.click("button:has-text('Accept the invitation')")
        page.wait_for_url("**/admin/login")
        sign_in(page, local_server, "e2e-console-viewer@example.com", "viewer-e2e-password")
        page.goto(console_url(local_server, "/admin/products"))
        assert page.locator("a[href$='/admin/products/new']").count() == 0  # read-only: no action
        assert page.locator("form[method=post] button:not(.link)").count() == 0
        # A forged POST with the viewer's own valid session and token is still refused.
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        forged = page.evaluate(
            """async (token) => {
                const body = new URLSearchParams({email: "x@example.com", role: "viewer", csrf_token: token});
                const answer = await fetch(
                    "/admin/team/invitations", {method: "POST", body, redirect: "manual"});
                return answer.status;
            }""",
            token or "",
        )
        assert forged == 403
    finally:
        viewer.close()


# slow: make test-deep (CI) runs it in Chromium; the test of the same name in
# tests/integration/console/test_imports.py walks the same pages and S3 form in make test.
@pytest.mark.slow
def test_import_a_feed_through_the_console_to_publication(local_server: LocalServer, page: Any) -> None:
    from tests.feeds import DATA

    sign_in(page, local_server, *OWNER)
    page.goto(console_url(local_server, "/admin/imports/new"))
    page.fill("input[name=file_name]", "letzshop_fr.tsv")
    page.click("button:has-text('Next: choose the file')")
    page.set_input_files("#f-file", str(DATA / "letzshop_fr.tsv"))
    assert serious_violations(page) == []
    page.click("button:has-text('Upload and import')")
    page.wait_for_url(re.compile(r".*/admin/imports/[0-9A-Z]{26}$"), timeout=30_000)
    # The page refreshes its progress in place until the job is done.
    page.wait_for_function(
        "() => /Completed|Terminé|Abgeschlossen/.test(document.querySelector('#job-status').textContent)",
        timeout=90_000,
    )
    page.reload()
    assert serious_violations(page) == []
    page.click("button[name=all]")
    notice = page.locator("p.notice").inner_text()
    assert "Published:" in notice and ("8 created" in notice or "8 updated" in notice), notice
    shop = page.context.new_page()
    shop.goto(f"http://{WIZAMART}:{local_server.port}/search?q=ch%C3%AAne")
    assert "Chaise en chêne massif" in shop.content()


def test_create_a_two_variant_product_buy_it_on_the_shop_and_ship_the_order(
    local_server: LocalServer, page: Any
) -> None:
    shop_url = f"http://{WIZAMART}:{local_server.port}"
    sign_in(page, local_server, *OWNER)
    page.goto(console_url(local_server, "/admin/products/new"))
    assert serious_violations(page) == []
    page.fill("#f-title", "Console Linen Apron")
    page.fill("#f-description", "<p>Stone-washed <strong>linen</strong>.<script>alert(1)</script></p>")
    page.select_option("#f-status", "active")
    page.fill("#f-option1", "Size")
    page.fill("#f-variants-0-sku", "E2E-APRON-S")
    page.fill("#f-variants-0-price", "24.50")
    page.fill("#f-variants-0-stock", "5")
    page.fill("#f-variants-0-option1", "S")
    page.click("button[name=add_variant]")  # one more row, nothing saved yet
    page.fill("#f-variants-1-sku", "E2E-APRON-L")
    page.fill("#f-variants-1-price", "26.50")
    page.fill("#f-variants-1-stock", "3")
    page.fill("#f-variants-1-option1", "L")
    page.fill("#f-images-0-url", f"{shop_url}/apron.jpg")
    page.fill("#f-images-0-alt", "A grey linen apron on a hook")
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r".*/admin/products/[0-9A-Z]{26}$"))
    assert serious_violations(page) == []

    # On the shop: both variants, the sanitised description and the image with its alternative text.
    page.goto(f"{shop_url}/search?q=apron")
    page.click("text=Console Linen Apron")
    page.wait_for_url(re.compile(r".*/products/console-linen-apron.*"))
    page.wait_for_load_state()
    product = page.content()
    assert "E2E-APRON-S" in product and "E2E-APRON-L" in product
    description = page.locator(".description").inner_html()
    assert "<script" not in description and "<strong>linen</strong>" in description, description
    assert page.locator("img[alt='A grey linen apron on a hook']").count() == 1
    page.check("input[value=E2E-APRON-L]")
    page.click("button:has-text('Add to cart')")
    page.goto(f"{shop_url}/checkout")
    page.fill("#f-email", "apron-buyer@example.com")
    page.fill("#f-name", "Apron Buyer")
    page.fill("#f-address", "1 Rue du Fort")
    page.fill("#f-postal_code", "L-1111")
    page.fill("#f-city", "Luxembourg")
    page.select_option("#f-country", "LU")
    page.click("button:has-text('Place order')")
    page.wait_for_url(re.compile(r".*/orders/.*"))
    order_id = re.search(r"/orders/([0-9A-Z]{26})", page.url)
    assert order_id

    # In the console: find it by the shopper's e-mail and move it to shipped, one allowed step at a time.
    page.goto(console_url(local_server, "/admin/orders?q=apron-buyer%40example.com"))
    page.click(f"a[href$='/admin/orders/{order_id.group(1)}']")
    assert serious_violations(page) == []
    for button, status in (("paid", "paid"), ("fulfilled", "fulfilled"), ("shipped", "shipped")):
        if button == "shipped":  # shipping asks for the carrier and the tracking number
            page.fill("#f-carrier", "POST Luxembourg")
            page.fill("#f-tracking_number", "LU 123 456")
        page.click(f"button[name=to][value={button}]")
        page.wait_for_load_state()
        assert page.locator("#order-status").get_attribute("data-status") == status
    assert page.locator("button[name=to][value=paid]").count() == 0  # no way back
    page.goto(console_url(local_server, f"/admin/orders/{order_id.group(1)}/packing-slip"))
    assert "E2E-APRON-L" in page.content()
    assert serious_violations(page) == []
