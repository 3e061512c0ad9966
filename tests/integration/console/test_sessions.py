"""Console sign-in and sessions: the form, where it leads, the cookie, the ways a session ends, CSRF and
Origin checks on every POST, store isolation, languages and the module-aware menu."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orion import runtime
from orion.data import keys
from orion.identity import service as identity
from orion.identity.repository import ConsoleSessionItem, IdentityRepository
from orion.settings import reset_settings
from orion.tenant import Tenant
from tests.console import ConsoleBrowser, signed_in, signed_in_as
from tests.staff import BAKERY, WIZAMART

WIZ = Tenant("oms", "wizamart")


def _session_item(browser: ConsoleBrowser) -> ConsoleSessionItem:
    value = next(v for name, (v, _) in browser.cookies.items() if name.endswith("orion_console"))
    session_id = value.split(".")[0]
    return ConsoleSessionItem.get(
        keys.console_session_pk("oms", "wizamart", session_id), keys.CONSOLE_SESSION_SK
    )


def test_the_console_without_a_session_sends_the_browser_to_sign_in_and_back(demo: list[str]) -> None:
    browser = ConsoleBrowser()
    dashboard = browser.get("/admin/")
    assert (dashboard.status, dashboard.headers["location"]) == (303, "/admin/login")
    first = browser.get("/admin/account?tab=password")
    assert first.status == 303
    assert first.headers["location"] == "/admin/login?next=%2Fadmin%2Faccount%3Ftab%3Dpassword"
    form = browser.get(first.headers["location"])
    assert form.status == 200
    for name in ('name="email"', 'name="password"', 'name="csrf_token"'):
        assert name in form.text
    done = browser.post(
        "/admin/login",
        {
            "email": "owner@wizamart.lu",
            "password": "wizamart-owner-demo",
            "next": "/admin/account?tab=password",
        },
    )
    assert done.status == 303
    assert done.headers["location"] == "/admin/account?tab=password"


@pytest.mark.parametrize(
    "target", ["https://evil.example/admin/", "//evil.example/admin/", "/not-admin", "/admin\\@x"]
)
def test_after_sign_in_the_browser_only_goes_to_a_console_page_of_the_same_host(
    demo: list[str], target: str
) -> None:
    browser = ConsoleBrowser()
    browser.get("/admin/login")
    done = browser.post(
        "/admin/login", {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo", "next": target}
    )
    assert done.headers["location"] == "/admin/"


def test_the_session_cookie_is_http_only_strict_and_secure_when_deployed(demo: list[str]) -> None:
    browser = ConsoleBrowser()
    browser.get("/admin/login")
    done = browser.post("/admin/login", {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"})
    [cookie] = [c for c in done.cookies if c.startswith("__Host-orion_console=")]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= attributes


def test_wrong_credentials_get_the_form_again_with_one_message(demo: list[str]) -> None:
    browser = ConsoleBrowser()
    browser.get("/admin/login")
    unknown = browser.post("/admin/login", {"email": "nobody@wizamart.lu", "password": "whatever-123"})
    browser.get("/admin/login")
    wrong = browser.post("/admin/login", {"email": "owner@wizamart.lu", "password": "whatever-123"})
    assert unknown.status == wrong.status == 401
    assert "The e-mail address or password is not correct." in unknown.text
    assert unknown.text.replace("nobody", "owner").count("not correct") == wrong.text.count("not correct")
    assert 'value="owner@wizamart.lu"' in wrong.text  # the entry is kept, the password is not
    assert "whatever-123" not in wrong.text


def test_sign_in_is_throttled_like_the_api(demo: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORION_LOGIN_MAX_FAILURES_PER_ACCOUNT", "2")
    reset_settings()
    browser = ConsoleBrowser()
    for _ in range(2):
        browser.get("/admin/login")
        assert (
            browser.post("/admin/login", {"email": "owner@wizamart.lu", "password": "bad-password"}).status
            == 401
        )
    browser.get("/admin/login")
    locked = browser.post("/admin/login", {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"})
    assert locked.status == 429
    assert "Too many failed sign-in attempts" in locked.text


def test_a_sign_in_form_without_its_token_is_refused(demo: list[str]) -> None:
    browser = ConsoleBrowser()
    refused = browser.post(
        "/admin/login", {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"}, csrf=False
    )
    assert refused.status == 403
    assert not any(name.endswith("orion_console") for name in browser.cookies)


def test_empty_fields_are_named(demo: list[str]) -> None:
    browser = ConsoleBrowser()
    browser.get("/admin/login")
    page = browser.post("/admin/login", {"email": "", "password": ""})
    assert page.status == 422
    assert "Enter your e-mail address." in page.text and "Enter your password." in page.text


def test_sign_out_ends_the_session_on_the_server(demo: list[str]) -> None:
    browser = signed_in("wizamart-owner")
    stolen = dict(browser.cookies)
    assert browser.post("/admin/logout").status == 303
    assert browser.get("/admin/").status == 303
    replay = ConsoleBrowser(cookies=stolen)
    assert replay.get("/admin/").status == 303  # the cookie alone no longer opens anything


def test_a_post_without_the_session_csrf_token_or_from_another_origin_changes_nothing(
    demo: list[str],
) -> None:
    browser = signed_in("wizamart-owner")
    assert browser.post("/admin/account/language", {"language": "fr"}, csrf=False).status == 403
    assert (
        browser.post("/admin/account/language", {"language": "fr", "csrf_token": "forged"}, csrf=False).status
        == 403
    )
    assert (
        browser.post("/admin/account/language", {"language": "fr"}, origin="https://evil.example").status
        == 403
    )
    user = identity.find_user(WIZ, "owner@wizamart.lu")
    assert user.language is None
    assert browser.post("/admin/account/language", {"language": "fr"}).status == 303
    assert identity.find_user(WIZ, "owner@wizamart.lu").language == "fr"


def test_a_session_of_one_store_is_no_session_on_another(demo: list[str]) -> None:
    wizamart = signed_in("wizamart-owner")
    on_bakery = ConsoleBrowser(host=BAKERY, cookies=dict(wizamart.cookies), csrf=wizamart.csrf)
    assert on_bakery.get("/admin/").status == 303
    assert on_bakery.post("/admin/account/language", {"language": "de"}).status == 303  # to sign in
    assert on_bakery.last is not None and on_bakery.last.headers["location"].startswith("/admin/login")
    assert identity.find_user(WIZ, "owner@wizamart.lu").language is None


def test_a_member_of_another_store_cannot_open_a_session_here(demo: list[str]) -> None:
    browser = ConsoleBrowser(host=WIZAMART)
    browser.get("/admin/login")
    page = browser.post("/admin/login", {"email": "owner@bakery.lu", "password": "bakery-owner-demo"})
    assert page.status == 403
    assert "not a member of this store" in page.text


def test_idle_and_absolute_timeouts_end_sessions(demo: list[str]) -> None:
    idle = signed_in("wizamart-owner")
    item = _session_item(idle)
    item.update(
        actions=[ConsoleSessionItem.last_seen_at.set(datetime.now(UTC) - timedelta(hours=12, seconds=1))]
    )
    assert idle.get("/admin/").status == 303

    old = signed_in("wizamart-owner")
    item = _session_item(old)
    item.update(actions=[ConsoleSessionItem.expires_at.set(datetime.now(UTC) - timedelta(seconds=1))])
    assert old.get("/admin/").status == 303

    fresh = signed_in("wizamart-owner")
    item = _session_item(fresh)
    assert item.expires_at - item.created_at == timedelta(days=7)
    item.update(actions=[ConsoleSessionItem.last_seen_at.set(datetime.now(UTC) - timedelta(hours=11))])
    assert fresh.get("/admin/").status == 200
    assert _session_item(fresh).last_seen_at > datetime.now(UTC) - timedelta(minutes=1)  # activity extends it


def test_a_lock_a_reset_or_removal_from_the_team_ends_sessions_at_once(demo: list[str]) -> None:
    locked = signed_in("wizamart-editor")
    editor = identity.find_user(WIZ, "editor@wizamart.lu")
    identity.set_user_locked(WIZ, editor.id, True)
    assert locked.get("/admin/").status == 303
    identity.set_user_locked(WIZ, editor.id, False)
    assert locked.get("/admin/").status == 303  # an unlock does not bring old sessions back

    reset = signed_in("wizamart-editor")
    identity.reset_password(WIZ, editor.id)
    assert reset.get("/admin/").status == 303

    viewer = signed_in_as("viewer")
    owner = signed_in("wizamart-owner")
    viewer_user = identity.find_user(WIZ, "viewer-wizamart@example.com")
    from orion.identity.models import StaffAccess

    assert owner.get("/admin/").status == 200
    access: StaffAccess = _owner_access()
    identity.remove_member(access, viewer_user.id)
    assert viewer.get("/admin/").status == 303


def _owner_access():  # type: ignore[no-untyped-def]
    from orion.identity.access import member_access
    from orion.identity.models import Principal
    from orion.modules.registry import optional_module_codes

    owner = identity.find_user(WIZ, "owner@wizamart.lu")
    principal = Principal(user_id=owner.id, platform="oms", token_id="t", token_version=owner.token_version)
    return member_access(WIZ, principal, enabled_modules=optional_module_codes())


def test_sign_out_everywhere_ends_every_session_and_token(demo: list[str]) -> None:
    laptop = signed_in("wizamart-owner")
    phone = signed_in("wizamart-owner")
    from tests.staff import call, token_of

    token = token_of("wizamart-owner")
    assert laptop.post("/admin/account/sign-out-everywhere").status == 303
    assert phone.get("/admin/").status == 303
    assert call("GET", "/api/v1/auth/me", token=token).status == 401


def test_changing_the_password_keeps_this_browser_and_ends_the_others(demo: list[str]) -> None:
    here = signed_in("wizamart-owner")
    elsewhere = signed_in("wizamart-owner")
    here.get("/admin/account")
    bad = here.post(
        "/admin/account/password",
        {
            "current_password": "wrong-one-123",
            "new_password": "a-new-password-1",
            "confirm_password": "a-new-password-1",
        },
    )
    assert bad.status == 422 and "This is not your current password." in bad.text
    done = here.post(
        "/admin/account/password",
        {
            "current_password": "wizamart-owner-demo",
            "new_password": "a-new-password-1",
            "confirm_password": "a-new-password-1",
        },
    )
    assert done.status == 303
    assert here.get("/admin/").status == 200
    assert elsewhere.get("/admin/").status == 303
    fresh = ConsoleBrowser()
    fresh.get("/admin/login")
    assert (
        fresh.post("/admin/login", {"email": "owner@wizamart.lu", "password": "a-new-password-1"}).status
        == 303
    )


def test_path_mode_and_the_custom_domain_serve_the_same_console(demo: list[str]) -> None:
    path_mode = ConsoleBrowser(host="localhost:8000", base="/oms/stores/wizamart")
    first = path_mode.get("/admin/")
    assert first.status == 303
    assert first.headers["location"].startswith("/oms/stores/wizamart/admin/login")
    path_mode.sign_in("wizamart-owner")
    # A page asked for before signing in is where the sign-in leads, under the path-mode prefix too.
    fresh = ConsoleBrowser(host="localhost:8000", base="/oms/stores/wizamart")
    asked = fresh.get("/admin/account")
    assert (
        asked.headers["location"]
        == "/oms/stores/wizamart/admin/login?next=%2Foms%2Fstores%2Fwizamart%2Fadmin%2Faccount"
    )
    fresh.get("/admin/login?next=%2Foms%2Fstores%2Fwizamart%2Fadmin%2Faccount")
    email, password = "owner@wizamart.lu", "wizamart-owner-demo"
    done = fresh.post(
        "/admin/login", {"email": email, "password": password, "next": "/oms/stores/wizamart/admin/account"}
    )
    assert done.headers["location"] == "/oms/stores/wizamart/admin/account"
    page = path_mode.get("/admin/")
    assert page.status == 200 and 'href="/oms/stores/wizamart/admin/account"' in page.text
    custom = ConsoleBrowser(host="shop.wizamart.localhost:8000")
    custom.sign_in("wizamart-owner")
    assert custom.get("/admin/").status == 200


def test_hosts_that_are_not_a_store_have_no_store_console(demo: list[str]) -> None:
    # The platform's admin host (api.) has the platform console instead: platform admins only.
    for host in ("oms.localhost:8000", "closed-shop.oms.localhost:8000", "nowhere.example:8000"):
        assert ConsoleBrowser(host=host).get("/admin/login").status == 404


def test_the_console_speaks_the_members_language(demo: list[str]) -> None:
    browser = ConsoleBrowser()
    french = browser.get("/admin/login", headers=[("accept-language", "fr-LU,fr;q=0.9,en;q=0.5")])
    assert '<html lang="fr">' in french.text and "Mot de passe" in french.text
    owner = signed_in("wizamart-owner")
    owner.get("/admin/account")
    owner.post("/admin/account/language", {"language": "de"})
    german = owner.get("/admin/")
    assert '<html lang="de">' in german.text and "Abmelden" in german.text


def test_the_menu_follows_the_role_and_the_platform_modules(demo: list[str]) -> None:
    from orion.tenancy.directory import tenant_directory
    from tests.integration.admin.test_admin_api import admin

    editor = signed_in("wizamart-editor").get("/admin/").text
    assert 'href="/admin/products"' in editor
    assert 'href="/admin/team"' not in editor  # team.view is for managers and owners
    owner = signed_in("wizamart-owner")
    assert 'href="/admin/analytics"' in owner.get("/admin/").text
    admin("PATCH", "/platform", {"enabled_modules": ["orders", "imports"]})
    tenant_directory().forget()
    runtime.repository(IdentityRepository)  # nothing cached about the member
    assert 'href="/admin/analytics"' not in owner.get("/admin/").text
    assert owner.get("/admin/analytics").status == 404


def test_a_member_of_several_stores_sees_a_store_switcher(demo: list[str]) -> None:
    from orion.identity.repository import IdentityRepository as Identities

    owner = identity.find_user(WIZ, "owner@wizamart.lu")
    Identities().add_membership(owner, "bakery", owner_role())
    page = signed_in("wizamart-owner").get("/admin/").text
    assert 'aria-label="Your stores"' in page
    assert 'href="http://bakery.oms.localhost:8000/admin/"' in page
    path_mode = ConsoleBrowser(host="localhost:8000", base="/oms/stores/wizamart")
    path_mode.sign_in("wizamart-owner")
    assert 'href="/oms/stores/bakery/admin/"' in path_mode.get("/admin/").text
    # The switcher is a link: bakery's console asks for its own sign-in and checks the membership there.
    bakery = ConsoleBrowser(host=BAKERY)
    bakery.sign_in("wizamart-owner")
    assert bakery.get("/admin/").status == 200
    assert 'aria-label="Your stores"' not in signed_in("wizamart-editor").get("/admin/").text


def owner_role():  # type: ignore[no-untyped-def]
    from orion.modules.manifest import Role

    return Role.OWNER
