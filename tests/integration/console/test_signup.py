"""Merchant self-service sign-up on the platform's site: the form, the e-mailed link, the new store and
its owner signed in to its console; refusals each with their own message; the platform home's offer."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

from orion.audit import service as audit
from orion.outbox.service import list_messages
from orion.signup import service as signup
from orion.tenancy.stores import get_store
from orion.tenant import Tenant
from tests.console import ConsoleBrowser
from tests.staff import ApiResponse

SITE = "oms.localhost:8000"
OMS = Tenant("oms")


def entries(**changes: str) -> dict[str, str]:
    base = {
        "business_name": "Green Leaf",
        "code": "green-leaf",
        "owner_name": "Lea Green",
        "email": "lea@greenleaf.lu",
        "password": "a-long-password-1",
        "accept_terms": "on",
    }
    return {**base, **changes}


def sign_up(browser: ConsoleBrowser, form: dict[str, str]) -> ApiResponse:
    browser.get("/signup")
    return browser.post("/signup", form)


def link_for(email: str) -> str:
    sent = [m for m in list_messages(OMS) if m.to == email and m.kind == "signup-verify"]
    assert sent, "no verification e-mail"
    url = str(sent[-1].data["url"])
    parts = urlsplit(url)
    assert parts.netloc == SITE
    return f"{parts.path}?{parts.query}"


def test_sign_up_verify_and_land_signed_in_on_the_new_store_console(demo: list[str]) -> None:
    browser = ConsoleBrowser(host=SITE)
    page = browser.get("/signup")
    assert page.status == 200
    for name in ("business_name", "code", "owner_name", "email", "password", "accept_terms"):
        assert f'name="{name}"' in page.text
    assert 'href="/terms"' in page.text
    answer = browser.post("/signup", entries())
    assert (answer.status, answer.headers["location"]) == (303, "/signup/sent")
    assert "Check your e-mail" in browser.get("/signup/sent").text
    link = link_for("lea@greenleaf.lu")
    # a GET (a mail scanner's prefetch) spends nothing
    confirm = browser.get(link)
    assert confirm.status == 200 and "Open my store" in confirm.text
    assert browser.get(link).status == 200
    opened = browser.post("/signup/verify", {"token": link.split("token=", 1)[1]})
    assert opened.status == 303
    target = urlsplit(opened.headers["location"])
    assert target.netloc == "green-leaf.oms.localhost:8000" and target.path == "/admin/welcome"
    store = get_store(OMS, "green-leaf")
    assert store.name == "Green Leaf" and store.tier.value == "essential"
    owner = ConsoleBrowser(host=target.netloc)
    landed = owner.get(f"{target.path}?{target.query}")
    assert landed.status == 303 and landed.headers["location"] == "/admin/"
    dashboard = owner.get("/admin/")
    assert dashboard.status == 200 and "Green Leaf" in unescape(dashboard.text)
    # the welcome token works once
    assert ConsoleBrowser(host=target.netloc).get(f"{target.path}?{target.query}").headers["location"] == (
        "/admin/login"
    )
    # the owner signs in with the chosen password as well; the store answers on its subdomain
    again = ConsoleBrowser(host=target.netloc)
    again.get("/admin/login")
    assert (
        again.post("/admin/login", {"email": "lea@greenleaf.lu", "password": "a-long-password-1"}).status
        == 303
    )
    entries_page = audit.list_entries(Tenant("oms", "green-leaf"))
    logged = entries_page[0] if isinstance(entries_page, tuple) else entries_page
    assert "store.create" in {entry.action for entry in logged}
    # the link is spent
    reused = browser.post("/signup/verify", {"token": link.split("token=", 1)[1]})
    assert reused.status == 410 and "already used" in reused.text


def test_taken_and_reserved_codes_are_refused_with_entries_kept(demo: list[str]) -> None:
    browser = ConsoleBrowser(host=SITE)
    taken = sign_up(browser, entries(code="wizamart"))
    assert taken.status == 422
    assert (
        "already taken" in taken.text
        and 'value="Green Leaf"' in taken.text
        and 'value="lea@greenleaf.lu"' in taken.text
    )
    reserved = browser.post("/signup", entries(code="admin"))
    assert reserved.status == 422 and "reserved" in reserved.text
    bad = browser.post("/signup", entries(code="-Bad_", accept_terms=""))
    assert bad.status == 422 and "lowercase letters" in bad.text and "Accept the terms" in bad.text
    check = browser.get("/signup/check?code=wizamart")
    assert check.status == 200 and '"available":false' in check.text.replace(" ", "")
    free = browser.get("/signup/check?code=brand-new")
    assert '"available":true' in free.text.replace(" ", "")
    assert not [m for m in list_messages(OMS) if m.to == "lea@greenleaf.lu"]


def test_a_known_email_gets_the_same_answer_and_no_link(demo: list[str]) -> None:
    browser = ConsoleBrowser(host=SITE)
    known = sign_up(browser, entries(email="owner@wizamart.lu", code="another-shop"))
    unknown = browser.post("/signup", entries(email="nobody@example.com", code="another-shop"))
    assert (known.status, known.headers["location"]) == (unknown.status, unknown.headers["location"])
    mails = [m for m in list_messages(OMS) if m.to == "owner@wizamart.lu"]
    assert mails and all(m.kind == "signup-known" for m in mails)


def test_too_many_pending_for_one_email_and_csrf(demo: list[str]) -> None:
    browser = ConsoleBrowser(host=SITE)
    browser.get("/signup")
    for n in range(signup.MAX_PENDING_PER_EMAIL):
        assert browser.post("/signup", entries(code=f"shop-{n}")).status == 303
    refused = browser.post("/signup", entries(code="shop-x"))
    assert refused.status == 422 and "already waiting for confirmation" in refused.text
    forged = ConsoleBrowser(host=SITE).post("/signup", entries(), csrf=False)
    assert forged.status == 403


def test_throttled_per_source_address(demo: list[str]) -> None:
    browser = ConsoleBrowser(host=SITE)
    browser.get("/signup")
    statuses = [
        browser.post("/signup", entries(email=f"p{n}@example.com", code=f"s-{n}")).status
        for n in range(signup.MAX_SIGNUPS_PER_SOURCE + 1)
    ]
    assert statuses[-1] == 429 and 303 in statuses
    assert "Too many sign-ups" in browser.last.text  # type: ignore[union-attr]


def test_expired_and_invalid_links(demo: list[str]) -> None:
    from datetime import UTC, datetime, timedelta

    from orion.data import keys

    browser = ConsoleBrowser(host=SITE)
    sign_up(browser, entries())
    link = link_for("lea@greenleaf.lu")
    signup_id = link.split("token=", 1)[1].split(".", 1)[0]
    item = signup.PendingSignupItem.get(keys.signup_pk("oms", signup_id), keys.SIGNUP_SK)
    item.update(actions=[signup.PendingSignupItem.expires_at.set(datetime.now(UTC) - timedelta(minutes=1))])
    expired = browser.get(link)
    assert expired.status == 410 and "expired" in expired.text
    bogus = browser.get("/signup/verify?token=nonsense")
    assert bogus.status == 404 and "not valid" in bogus.text


def test_the_platform_home_shows_the_call_to_action_pricing_and_directory(demo: list[str]) -> None:
    from functions.storefront.handler import handler as storefront
    from orion.tenancy.tiers import PLANS
    from tests.integration.shop.conftest import call

    home = call(storefront, "GET", "/", host="oms.lu")
    assert home.status == 200
    assert 'href="/signup"' in home.body
    for plan in PLANS.values():
        assert plan.name in home.body
    assert re.search(r"href=\"//wizamart\.[a-z.]+/\"", home.body), home.body[-3000:]
