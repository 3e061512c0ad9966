"""Shopper accounts in a real browser (Playwright + Debian's Chromium) against `make run`'s server:
sign-up with the e-mailed link, addresses, a checkout that starts from the default address, orders on
the account, a guest order that joins the account opened after it, axe-core on the account pages, and
product pages that stay cacheable for a signed-in shopper."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.e2e.console_browser import console_url, outbox_link, serious_violations
from tests.local_server import LocalServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
WIZAMART = "wizamart.oms.localhost"
PASSWORD = "correct horse battery"
VERIFY_LINK = r"/account/verify\?token=[^\s\"'<>)\]]+"
HOME = {"label": "Home", "name": "Ada Shopper", "address": "2 Place d'Armes", "postal_code": "1136"}
WORK = {"label": "Work", "name": "Ada at Work", "address": "5 Rue du Fossé", "postal_code": "1536"}


def url(server: LocalServer, path: str) -> str:
    return console_url(server, path, WIZAMART)


def new_email(kind: str) -> str:
    return f"e2e-{kind}-{uuid.uuid4().hex[:12]}@example.com"


def register(page: Any, server: LocalServer, email: str, name: str) -> None:
    """Fill the sign-up form (the e-mail may be there already) and see the check-your-inbox page."""
    if page.input_value("input[name=email]") != email:
        page.fill("input[name=email]", email)
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Create account')")
    assert page.locator("h1").inner_text() == "Check your inbox"
    assert email in page.locator("main").inner_text()


def verify(page: Any, server: LocalServer, email: str) -> None:
    """Open the e-mailed link, confirm, and land signed in on the account."""
    link = outbox_link(server, email, VERIFY_LINK, kind="account_verify")
    page.goto(url(server, link))
    page.click("button[type=submit]:has-text('Confirm and sign in')")
    page.wait_for_url(re.compile(r"/account\?notice=verified$"))
    assert page.locator("h1").inner_text() == "Your account"
    assert page.locator(".account-email").inner_text() == email
    assert "your e-mail address is confirmed" in page.locator("[role=status]").first.inner_text()


def signed_up(page: Any, server: LocalServer, kind: str) -> str:
    email = new_email(kind)
    page.goto(url(server, "/account/register"))
    register(page, server, email, "Ada Shopper")
    verify(page, server, email)
    return email


def add_address(page: Any, server: LocalServer, fields: dict[str, str], *, default: bool = False) -> None:
    page.goto(url(server, "/account/addresses"))
    form = page.locator("form[action$='/account/addresses']")
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("input[name=city]").fill("Luxembourg")
    form.locator("select[name=country]").select_option("LU")
    if default:
        form.locator("input[name=make_default]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/account/addresses\?notice=address-saved$"))


def add_to_cart(page: Any, server: LocalServer, slug: str) -> None:
    page.goto(url(server, f"/products/{slug}"))
    page.click("form.buy button[type=submit]")
    page.wait_for_url(re.compile(r"/cart$"))


def place_order(page: Any) -> str:
    """Submit the checkout form as it stands; the order's id from its confirmation page."""
    page.click("button[type=submit]:has-text('Place order')")
    page.wait_for_url(re.compile(r"/orders/[^/?]+\?.*placed=1"))
    assert "Thank you! Your order has been placed." in page.locator("[role=status]").first.inner_text()
    order_id: str = page.locator(".order-id").inner_text().strip()
    return order_id


def account_order_ids(page: Any, server: LocalServer) -> list[str]:
    page.goto(url(server, "/account"))
    ids: list[str] = page.locator("table.account-orders tbody tr td:first-child a").all_inner_texts()
    return [i.strip() for i in ids]


# (slow: the whole shopper journey in Chromium; tests/integration/shop/test_accounts.py covers each
# step in make test, and make test-deep runs this one in CI)
@pytest.mark.slow
def test_sign_up_save_addresses_check_out_with_the_default_and_find_the_orders(
    local_server: LocalServer, page: Any
) -> None:
    email = signed_up(page, local_server, "buyer")
    assert "No orders yet." in page.locator("main").inner_text()

    add_address(page, local_server, HOME)
    add_address(page, local_server, WORK, default=True)
    saved = page.locator("ul.addresses > li")
    assert saved.count() == 2
    defaults = [text for text in saved.all_inner_texts() if "Default delivery address" in text]
    assert len(defaults) == 1 and "Ada at Work" in defaults[0]

    add_to_cart(page, local_server, "seed-kit-herbs")
    page.goto(url(local_server, "/checkout"))
    form = page.locator("form[action$='/checkout']")
    assert form.locator("input[name=email]").input_value() == email
    assert form.locator("input[name=name]").input_value() == WORK["name"]
    assert form.locator("input[name=address]").input_value() == WORK["address"]
    assert form.locator("input[name=postal_code]").input_value() == WORK["postal_code"]
    assert form.locator("input[name=city]").input_value() == "Luxembourg"
    assert form.locator("select[name=country]").input_value() == "LU"
    saved_links = page.locator("ul.saved-addresses a").all_inner_texts()
    assert any("Home" in text for text in saved_links) and any("Work" in text for text in saved_links)
    first = place_order(page)
    assert WORK["address"] in page.locator("address").inner_text()

    # A second order, to the other saved address chosen on the checkout page: newest first.
    add_to_cart(page, local_server, "picture-frame-a4")
    page.goto(url(local_server, "/checkout"))
    page.locator("ul.saved-addresses a", has_text="Home").click()
    assert page.locator("input[name=address]").input_value() == HOME["address"]
    second = place_order(page)
    assert HOME["address"] in page.locator("address").inner_text()

    assert account_order_ids(page, local_server) == [second, first]
    page.click(f"table.account-orders a:has-text('{first}')")
    page.wait_for_url(re.compile(rf"/account/orders/{re.escape(first)}$"))
    assert page.locator(".order-id").inner_text().strip() == first
    assert "Seed Kit Herbs" in page.locator("table.cart").inner_text()
    assert WORK["address"] in page.locator("address").inner_text()

    page.goto(url(local_server, "/account"))
    page.click("nav.account-nav button:has-text('Sign out')")
    page.wait_for_url(re.compile(r":\d+/$"))
    page.goto(url(local_server, "/account"))
    assert "/account/login" in page.url  # signed out: the account asks to sign in
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/account/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/account$"))
    assert page.locator(".account-email").inner_text() == email
    assert account_order_ids(page, local_server) == [second, first]


def test_a_wrong_password_is_refused_and_keeps_the_shopper_out(local_server: LocalServer, page: Any) -> None:
    email = signed_up(page, local_server, "wrongpw")
    page.click("nav.account-nav button:has-text('Sign out')")
    page.goto(url(local_server, "/account/login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "not the password at all")
    page.click("form[action$='/account/login'] button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    assert page.input_value("input[name=email]") == email
    assert page.input_value("input[name=password]") == ""
    page.goto(url(local_server, "/account"))
    assert "/account/login" in page.url


# slow (make test-deep, which CI runs): tests/integration/shop/test_accounts.py covers a guest order
# joining the account it opens.
@pytest.mark.slow
def test_a_guest_order_joins_the_account_opened_from_its_confirmation_page(
    local_server: LocalServer, page: Any
) -> None:
    email = new_email("guest")
    add_to_cart(page, local_server, "seed-kit-herbs")
    page.goto(url(local_server, "/checkout"))
    page.fill("input[name=email]", email)
    page.fill("input[name=name]", "Gus Guest")
    page.fill("input[name=address]", "9 Grand-Rue")
    page.select_option("select[name=country]", "LU")
    order_id = place_order(page)

    page.get_by_role("link", name="Create an account").click()
    page.wait_for_url(re.compile(r"/account/register\?email="))
    assert page.input_value("input[name=email]") == email  # prefilled from the order
    register(page, local_server, email, "Gus Guest")
    verify(page, local_server, email)
    assert account_order_ids(page, local_server) == [order_id]
    page.click(f"table.account-orders a:has-text('{order_id}')")
    assert "9 Grand-Rue" in page.locator("address").inner_text()


# slow (make test-deep, which CI runs): axe over every account page (make test keeps the pages'
# behaviour, in tests/integration/shop/test_accounts.py).
@pytest.mark.slow
def test_account_pages_have_no_serious_accessibility_violation(local_server: LocalServer, page: Any) -> None:
    problems: dict[str, list[str]] = {}

    def check(path: str) -> None:
        response = page.goto(url(local_server, path))
        assert response is not None and response.status == 200, path
        found = serious_violations(page)
        if found:
            problems[path] = found

    check("/account/register")
    check("/account/login")
    check("/account/reset")
    signed_up(page, local_server, "axe")
    add_address(page, local_server, HOME, default=True)
    add_to_cart(page, local_server, "seed-kit-herbs")
    for path in ("/account", "/account/addresses", "/checkout", "/account/delete"):
        check(path)
    assert problems == {}


def test_a_product_page_for_a_signed_in_shopper_stays_shared_and_cacheable(
    local_server: LocalServer, page: Any
) -> None:
    signed_up(page, local_server, "cache")
    assert any(c["name"].endswith("orion_account_wizamart") for c in page.context.cookies())
    response = page.goto(url(local_server, "/products/seed-kit-herbs"))
    assert response is not None and response.status == 200
    headers = response.all_headers()
    assert "s-maxage=" in headers["cache-control"]
    assert "private" not in headers["cache-control"]
    assert "set-cookie" not in headers
