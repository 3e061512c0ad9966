"""Shopper accounts through the account and checkout handlers (moto): sign-up with a verification link,
sign-in, sessions, addresses, signed-in checkout, guest orders joining the account, password and
e-mail changes, reset, export and deletion, enumeration and isolation between stores."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from functions.account.handler import handler as account
from functions.checkout.handler import handler as checkout
from functions.storefront.handler import handler as storefront
from orion.orders.service import get_order
from orion.outbox.service import list_messages
from orion.tenant import Tenant
from tests.integration.shop.conftest import BAKERY, WIZAMART, Result, call, cookie_jar

pytestmark = pytest.mark.usefixtures("seeded")
ORIGIN = {"Origin": f"https://{WIZAMART}"}
SHOP = Tenant("oms", "wizamart")
COOKIE = "__Host-orion_account_wizamart"
PASSWORD = "correct horse battery"
ALICE = {"email": "alice@example.com", "name": "Alice", "address": "1 Rue de la Gare", "country": "LU"}


def hidden(body: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', body)
    assert found, f"no hidden {name} in the form"
    return found.group(1)


def get(
    path: str, jar: dict[str, str] | None = None, host: str = WIZAMART, query: dict[str, str] | None = None
) -> Result:
    return call(account, "GET", path, cookies=jar or {}, host=host, query=query)


def post(
    path: str,
    form: dict[str, str],
    jar: dict[str, str] | None = None,
    *,
    token_from: str | None = None,
    host: str = WIZAMART,
) -> Result:
    """POST a form the way the page at ``token_from`` (default: ``path``) would, with its CSRF token."""
    page = get(token_from or path, jar, host=host)
    token = hidden(page.body, "csrf_token")
    origin = {"Origin": f"https://{host}"}
    result = call(
        account,
        "POST",
        path,
        form={**form, "csrf_token": token},
        cookies=jar or {},
        headers=origin,
        host=host,
    )
    if jar is not None:
        jar.update(cookie_jar(result))
    return result


def mails(kind: str, to: str) -> list[str]:
    return [m.text for m in list_messages(SHOP) if m.kind == kind and m.to == to]


def link_in(text: str) -> tuple[str, dict[str, str]]:
    found = re.search(r"https?://\S+", text)
    assert found, text
    url = urlsplit(found.group(0))
    return url.path, {k: v[0] for k, v in parse_qs(url.query).items()}


def register(email: str = "alice@example.com", name: str = "Alice", host: str = WIZAMART) -> Result:
    return post("/account/register", {"email": email, "name": name, "password": PASSWORD}, host=host)


def confirm(path: str, query: dict[str, str]) -> Result:
    """Open the e-mail's verification link and press its button."""
    shown = get(path, query=query)
    assert shown.status == 200, shown.body
    form = {"token": hidden(shown.body, "token"), "csrf_token": hidden(shown.body, "csrf_token")}
    return call(account, "POST", path, form=form, headers=ORIGIN)


def verified_shopper(email: str = "alice@example.com") -> dict[str, str]:
    """A jar signed in as a new, verified account of ``email``."""
    register(email)
    path, query = link_in(mails("account_verify", email)[-1])
    opened = confirm(path, query)
    assert opened.status == 303 and opened.location.startswith("/account")
    return cookie_jar(opened)


def guest_order(email: str = "alice@example.com", jar: dict[str, str] | None = None) -> str:
    """Place an order of one WZ-011 (as the jar's shopper, or a guest) and return its id."""
    jar = jar if jar is not None else {}
    added = call(
        checkout, "POST", "/cart/items", form={"sku": "WZ-011", "quantity": "1"}, cookies=jar, headers=ORIGIN
    )
    jar.update(cookie_jar(added))
    form = call(checkout, "GET", "/checkout", cookies=jar)
    fields = {n: hidden(form.body, n) for n in ("csrf_token", "checkout_key")}
    placed = call(
        checkout, "POST", "/checkout", form={**ALICE, "email": email, **fields}, cookies=jar, headers=ORIGIN
    )
    assert placed.status == 303, placed.body
    return urlsplit(placed.location).path.rsplit("/", 1)[1]


# --- sign-up and verification ------------------------------------------------------------------------


def test_sign_up_sends_a_link_that_verifies_the_address_and_signs_in_once() -> None:
    answered = register()
    assert answered.status == 200 and "alice@example.com" in answered.body
    assert not answered.cookies  # not signed in before the address is proved
    path, query = link_in(mails("account_verify", "alice@example.com")[-1])
    assert path == "/account/verify"
    for _ in range(2):  # a mail scanner opening the link first uses nothing up
        assert get(path, query=query).status == 200
    opened = confirm(path, query)
    assert opened.status == 303 and opened.location == "/account?notice=verified"
    cookie = opened.cookies[0]
    assert (
        cookie.startswith(f"{COOKIE}=")
        and "HttpOnly" in cookie
        and "SameSite=Lax" in cookie
        and "Secure" in cookie
    )
    page = get("/account", cookie_jar(opened), query={"notice": "verified"})
    assert page.status == 200 and "alice@example.com" in page.body
    assert "Please confirm your e-mail address" not in page.body
    again = get(path, query=query)
    assert again.status == 410 and "expired or was used already" in again.body
    token = hidden(get("/account/login").body, "csrf_token")
    replayed = call(
        account, "POST", path, form={"token": query["token"], "csrf_token": token}, headers=ORIGIN
    )
    assert replayed.status == 410
    forged = call(account, "POST", path, form={"token": query["token"], "csrf_token": "x"}, headers=ORIGIN)
    assert forged.status == 403


def test_sign_up_and_reset_answer_alike_for_known_and_unknown_addresses() -> None:
    register("alice@example.com")
    known, unknown = register("alice@example.com"), register("bob@example.com")
    known_body = known.body.replace("alice", "x")
    unknown_body = unknown.body.replace("bob", "x").replace("Bob", "x")
    assert (known.status, len(known_body)) == (unknown.status, len(unknown_body))
    assert mails("account_exists", "alice@example.com")  # the owner of the address hears about it
    reset_known = post("/account/reset", {"email": "alice@example.com"})
    reset_unknown = post("/account/reset", {"email": "carol@example.com"})
    assert reset_known.status == reset_unknown.status == 200
    assert len(reset_known.body.replace("alice", "x")) == len(reset_unknown.body.replace("carol", "x"))
    assert mails("account_reset", "alice@example.com") and not mails("account_reset", "carol@example.com")


def test_an_invalid_sign_up_keeps_the_entries_and_says_what_is_wrong() -> None:
    refused = register(email="not-an-address", name="Alice Martin")
    assert refused.status == 422
    assert 'value="not-an-address"' in refused.body and 'value="Alice Martin"' in refused.body
    assert "Enter your e-mail address" in refused.body
    short = post("/account/register", {"email": "a@example.com", "name": "A", "password": "short"})
    assert short.status == 422 and "Choose a password of 10" in short.body
    assert PASSWORD not in short.body and 'name="password" type="password" value' not in short.body
    long_name = register(email="b@example.com", name="N" * 121)
    assert long_name.status == 422 and "Enter your name (at most 120 characters)." in long_name.body


def test_a_forged_post_changes_nothing() -> None:
    jar = verified_shopper()
    forged = call(
        account,
        "POST",
        "/account/addresses",
        form={"name": "Mallory", "address": "1 Evil Street", "country": "LU"},
        cookies=jar,
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status == 403
    tokenless = call(
        account,
        "POST",
        "/account/addresses",
        form={"name": "M", "address": "1 Evil", "country": "LU"},
        cookies=jar,
        headers=ORIGIN,
    )
    assert tokenless.status == 403
    assert "1 Evil" not in get("/account/addresses", jar).body


# --- sign-in --------------------------------------------------------------------------------------------


def test_sign_in_rotates_the_session_and_sign_out_ends_it() -> None:
    verified_shopper()
    first: dict[str, str] = {}
    signed = post("/account/login", {"email": "Alice@Example.com", "password": PASSWORD}, first)
    assert signed.status == 303 and signed.location == "/account"
    old = dict(first)
    second = dict(first)
    again = post("/account/login", {"email": "alice@example.com", "password": PASSWORD}, second)
    assert again.status == 303 and second[COOKIE] != old[COOKIE]
    assert get("/account", old).status == 303  # the session this browser had is over
    assert get("/account", second).status == 200
    out = post("/account/logout", {}, second, token_from="/account")
    assert out.status == 303 and out.location == "/"
    assert get("/account", {COOKIE: again.cookies[0].split(";")[0].split("=", 1)[1]}).status == 303


def test_wrong_credentials_get_one_message_and_are_throttled() -> None:
    verified_shopper()
    wrong = post("/account/login", {"email": "alice@example.com", "password": "wrong password"})
    unknown = post("/account/login", {"email": "nobody@example.com", "password": "wrong password"})
    assert wrong.status == unknown.status == 401
    assert "The e-mail address or password is not correct." in wrong.body
    assert 'value="alice@example.com"' in wrong.body
    for _ in range(10):
        post("/account/login", {"email": "alice@example.com", "password": "wrong password"})
    locked = post("/account/login", {"email": "alice@example.com", "password": PASSWORD})
    assert locked.status == 429 and "Too many failed sign-in attempts" in locked.body


def test_the_account_page_asks_to_sign_in_first_and_comes_back() -> None:
    asked = get("/account/addresses")
    assert asked.status == 303 and asked.location == "/account/login?next=%2Faccount%2Faddresses"
    verified_shopper()
    jar: dict[str, str] = {}
    signed = post(
        "/account/login",
        {"email": "alice@example.com", "password": PASSWORD, "next": "/account/addresses"},
        jar,
    )
    assert signed.location == "/account/addresses"
    offsite = post(
        "/account/login", {"email": "alice@example.com", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert offsite.location == "/account"


# --- addresses and checkout -----------------------------------------------------------------------------


def test_addresses_are_added_edited_chosen_as_default_and_deleted() -> None:
    jar = verified_shopper()
    home = {
        "label": "Home",
        "name": "Alice",
        "address": "1 Rue de la Gare",
        "postal_code": "1611",
        "city": "Luxembourg",
        "country": "LU",
    }
    work = {**home, "label": "Work", "address": "9 Avenue de la Liberté", "make_default": "true"}
    assert post("/account/addresses", home, jar).status == 303
    assert post("/account/addresses", work, jar).status == 303
    page = get("/account/addresses", jar).body
    ids = re.findall(r'/account/addresses/([0-9A-Z]{26})"', page)
    assert len(ids) == 2 and "Default delivery address" in page
    bad = post(
        f"/account/addresses/{ids[0]}",
        {**home, "address": "x", "country": "US"},
        jar,
        token_from="/account/addresses",
    )
    assert bad.status == 422 and "Choose a country we deliver to." in bad.body and 'value="Home"' in bad.body
    edited = post(
        f"/account/addresses/{ids[0]}", {**home, "city": "Esch"}, jar, token_from="/account/addresses"
    )
    assert edited.status == 303 and "Esch" in get("/account/addresses", jar).body
    post(f"/account/addresses/{ids[1]}/delete", {}, jar, token_from="/account/addresses")
    remaining = get("/account/addresses", jar).body
    assert "Liberté" not in remaining and "Esch" in remaining


def test_a_signed_in_checkout_starts_from_the_default_address_and_the_order_joins_the_account() -> None:
    jar = verified_shopper()
    home = {
        "label": "Home",
        "name": "Alice A.",
        "address": "1 Rue de la Gare",
        "postal_code": "1611",
        "city": "Luxembourg",
        "country": "LU",
    }
    work = {
        **home,
        "label": "Work",
        "address": "9 Avenue de la Liberté",
        "city": "Esch",
        "make_default": "true",
    }
    post("/account/addresses", home, jar)
    post("/account/addresses", work, jar)
    jar.update(
        cookie_jar(call(checkout, "POST", "/cart/items", form={"sku": "WZ-011"}, cookies=jar, headers=ORIGIN))
    )
    form = call(checkout, "GET", "/checkout", cookies=jar)
    assert 'value="9 Avenue de la Liberté"' in form.body and 'value="alice@example.com"' in form.body
    home_id = re.search(r'address=([0-9A-Z]{26})"[^>]*>Home', form.body)
    assert home_id
    chosen = call(checkout, "GET", "/checkout", cookies=jar, query={"address": home_id.group(1)})
    assert 'value="1 Rue de la Gare"' in chosen.body
    order_id = guest_order(jar=jar)
    assert get_order(SHOP, order_id).customer_id is not None
    placed = [m for m in list_messages(SHOP) if m.kind == "order_confirmation" and order_id in m.text]
    path, query = link_in(placed[-1].text)
    assert "Back to your account" in call(checkout, "GET", path, query=query).body
    overview = get("/account", jar)
    assert order_id in overview.body
    detail = get(f"/account/orders/{order_id}", jar)
    assert detail.status == 200 and order_id in detail.body and "Back to your account" in detail.body


def test_a_guest_order_joins_the_account_once_its_address_is_verified() -> None:
    earlier = guest_order("alice@example.com")
    other = guest_order("someone@example.com")
    register("alice@example.com")
    jar: dict[str, str] = {}
    post("/account/login", {"email": "alice@example.com", "password": PASSWORD}, jar)
    unverified = get("/account", jar)
    assert earlier not in unverified.body and "Please confirm your e-mail address" in unverified.body
    path, query = link_in(mails("account_verify", "alice@example.com")[-1])
    jar = cookie_jar(confirm(path, query))
    verified = get("/account", jar)
    assert earlier in verified.body and other not in verified.body
    later = guest_order("alice@example.com")  # a guest order with the verified address joins at once
    assert later in get("/account", jar).body
    assert get(f"/account/orders/{other}", jar).status == 404


def test_after_a_guest_checkout_the_confirmation_offers_an_account_for_that_address() -> None:
    jar: dict[str, str] = {}
    jar.update(
        cookie_jar(call(checkout, "POST", "/cart/items", form={"sku": "WZ-011"}, cookies=jar, headers=ORIGIN))
    )
    form = call(checkout, "GET", "/checkout", cookies=jar)
    fields = {n: hidden(form.body, n) for n in ("csrf_token", "checkout_key")}
    placed = call(checkout, "POST", "/checkout", form={**ALICE, **fields}, cookies=jar, headers=ORIGIN)
    url = urlsplit(placed.location)
    page = call(checkout, "GET", url.path, query={k: v[0] for k, v in parse_qs(url.query).items()})
    assert "Create an account" in page.body and "email=alice%40example.com" in page.body
    prefilled = get("/account/register", query={"email": "alice@example.com"})
    assert 'value="alice@example.com"' in prefilled.body


# --- password, e-mail, reset ----------------------------------------------------------------------------


def test_a_password_change_needs_the_current_one_and_ends_other_sessions() -> None:
    jar = verified_shopper()
    other: dict[str, str] = {}
    post("/account/login", {"email": "alice@example.com", "password": PASSWORD}, other)
    wrong = post(
        "/account/password", {"current_password": "not it at all", "new_password": "a new long password"}, jar
    )
    assert wrong.status == 422 and "This is not your current password." in wrong.body
    changed = post(
        "/account/password", {"current_password": PASSWORD, "new_password": "a new long password"}, jar
    )
    assert changed.status == 303 and get("/account", jar).status == 200
    assert get("/account", other).status == 303
    assert (
        post("/account/login", {"email": "alice@example.com", "password": "a new long password"}).status
        == 303
    )


def test_an_e_mail_change_takes_effect_when_the_new_address_is_confirmed() -> None:
    jar = verified_shopper()
    asked = post("/account/email", {"new_email": "alice@new.example", "current_password": PASSWORD}, jar)
    assert asked.status == 303
    assert "alice@example.com" in get("/account", jar).body  # not yet
    path, query = link_in(mails("account_verify", "alice@new.example")[-1])
    jar = cookie_jar(confirm(path, query))
    assert "alice@new.example" in get("/account", jar).body
    assert post("/account/login", {"email": "alice@new.example", "password": PASSWORD}).status == 303
    assert post("/account/login", {"email": "alice@example.com", "password": PASSWORD}).status == 401


def test_a_reset_link_sets_a_new_password_once() -> None:
    verified_shopper()
    post("/account/reset", {"email": "alice@example.com"})
    path, query = link_in(mails("account_reset", "alice@example.com")[-1])
    form = get(path, query=query)
    assert form.status == 200 and hidden(form.body, "token") == query["token"]
    done = call(
        account,
        "POST",
        "/account/reset",
        form={
            "token": query["token"],
            "new_password": "brand new password",
            "csrf_token": hidden(form.body, "csrf_token"),
        },
        headers=ORIGIN,
    )
    assert done.status == 303 and done.cookies
    reused = get(path, query=query)
    assert reused.status == 410 and "expired or was used already" in reused.body
    assert (
        post("/account/login", {"email": "alice@example.com", "password": "brand new password"}).status == 303
    )


# --- privacy ---------------------------------------------------------------------------------------------


def test_the_shopper_downloads_their_data_and_deletes_the_account_for_good() -> None:
    jar = verified_shopper()
    order_id = guest_order(jar=jar)
    data = get("/account/data", jar)
    assert data.status == 200 and "attachment" in data.headers["Content-Disposition"]
    exported = json.loads(data.body)
    assert exported["account"]["email"] == "alice@example.com"
    assert [o["id"] for o in exported["orders"]] == [order_id]
    other_device: dict[str, str] = {}
    post("/account/login", {"email": "alice@example.com", "password": PASSWORD}, other_device)
    unconfirmed = post("/account/delete", {"current_password": PASSWORD}, jar)
    assert unconfirmed.status == 422 and "Tick the box" in unconfirmed.body
    deleted = post("/account/delete", {"current_password": PASSWORD, "confirm": "true"}, jar)
    assert deleted.status == 200 and "Your account was deleted" in deleted.body
    order = get_order(SHOP, order_id)
    assert order.customer.name == "Deleted customer" and "alice" not in str(order.customer.email)
    assert order.total > 0 and order.lines
    gone = get("/account", other_device)
    assert gone.status == 410 and "This account has been deleted." in gone.body
    assert post("/account/login", {"email": "alice@example.com", "password": PASSWORD}).status == 401


# --- isolation and caching -------------------------------------------------------------------------------


def test_the_same_address_on_two_stores_is_two_accounts_that_never_meet() -> None:
    jar = verified_shopper()
    register("alice@example.com", host=BAKERY)
    bakery_mail = [m for m in list_messages(Tenant("oms", "bakery")) if m.kind == "account_verify"]
    assert bakery_mail  # a new account there, not "you have one already"
    assert get("/account", {"__Host-orion_account_bakery": jar[COOKIE]}, host=BAKERY).status == 303
    refused = post(
        "/account/login", {"email": "alice@example.com", "password": "wrong one here"}, host=BAKERY
    )
    assert refused.status == 401


def test_a_signed_in_shopper_still_gets_publicly_cached_catalogue_pages() -> None:
    jar = verified_shopper()
    page = call(storefront, "GET", "/products", cookies=jar)
    assert page.status == 200
    assert "s-maxage" in page.headers["Cache-Control"] and not page.cookies
    assert "alice" not in page.body.lower() and 'href="/account"' in page.body


def test_a_malformed_reset_link_is_the_clear_410_page_not_a_form_error() -> None:
    token = hidden(get("/account/reset").body, "csrf_token")
    refused = call(
        account,
        "POST",
        "/account/reset",
        form={"token": "garbage", "new_password": "a long new password", "csrf_token": token},
        headers=ORIGIN,
    )
    assert refused.status == 410 and "expired or was used already" in refused.body


def test_a_refused_signed_in_checkout_keeps_the_saved_addresses() -> None:
    jar = verified_shopper()
    home = {"label": "Home", "name": "Alice", "address": "1 Rue de la Gare", "country": "LU"}
    post("/account/addresses", home, jar)
    jar.update(
        cookie_jar(call(checkout, "POST", "/cart/items", form={"sku": "WZ-011"}, cookies=jar, headers=ORIGIN))
    )
    form = call(checkout, "GET", "/checkout", cookies=jar)
    fields = {n: hidden(form.body, n) for n in ("csrf_token", "checkout_key")}
    refused = call(
        checkout, "POST", "/checkout", form={**ALICE, "country": "CH", **fields}, cookies=jar, headers=ORIGIN
    )
    assert refused.status == 422 and "We do not ship to" in refused.body
    assert "Deliver to a saved address" in refused.body and "check out as a guest" not in refused.body
