"""The platform console's users, modules, tiers, settings and audit pages (``api.oms.localhost:8000``):
the same services, rules and audit records as the admin API."""

from __future__ import annotations

import re

from orion.audit import service as audit
from orion.identity import service as identity
from orion.outbox.service import list_messages
from orion.tenancy import platforms
from orion.tenancy.directory import tenant_directory
from orion.tenancy.models import Tier
from orion.tenancy.tiers import Limit, usage_of_stores
from orion.tenant import Tenant
from tests.console import CONSOLE_LOGINS, ConsoleBrowser, signed_in
from tests.integration.admin.test_admin_api import admin as admin_api

OMS_API = "api.oms.localhost:8000"
OMS = Tenant("oms")
CONSOLE_LOGINS["oms-admin"] = ("admin@oms.lu", "oms-admin-demo")


def admin() -> ConsoleBrowser:
    browser = ConsoleBrowser(host=OMS_API)
    browser.sign_in("oms-admin")
    return browser


def platform_actions() -> list[str]:
    """The actions in the platform's own audit log (where admins' writes go)."""
    return [e.action for e in audit.list_platform_entries(OMS, limit=200)[0] if e.store == "-"]


def owner_id() -> str:
    return identity.find_user(OMS, "owner@wizamart.lu").id


def test_users_are_listed_searched_and_show_their_memberships(demo: list[str]) -> None:
    console = admin()
    listed = console.get("/admin/users")
    assert listed.status == 200
    assert "admin@oms.lu" in listed.text and "owner@wizamart.lu" in listed.text
    found = console.get("/admin/users?email=owner%40wiza")
    assert "owner@wizamart.lu" in found.text and "admin@oms.lu" not in found.text
    user_page = console.get(f"/admin/users/{owner_id()}")
    assert user_page.status == 200
    assert "wizamart" in user_page.text and "Owner" in user_page.text
    assert console.get("/admin/users/01ARZ3NDEKTSV4RRFFQ69G5FAV").status == 404
    # the admin API has the same list
    page = admin_api("GET", "/users", query="email_starts_with=owner%40wiza").json()
    assert [u["email"] for u in page["users"]] == ["owner@wizamart.lu"]
    assert "memberships" not in page["users"][0]


def test_locking_a_user_ends_their_store_console_session_and_unlocking_lets_them_in(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    assert owner.get("/admin/").status == 200
    console = admin()
    console.get(f"/admin/users/{owner_id()}")
    locked = console.post(f"/admin/users/{owner_id()}/lock", follow=True)
    assert locked.status == 200 and "locked out" in locked.text
    assert owner.get("/admin/").status == 303  # the session is over
    assert not identity.get_user(OMS, owner_id())[0].active
    actions = platform_actions()
    assert "user.lock" in actions
    console.post(f"/admin/users/{owner_id()}/unlock")
    assert identity.get_user(OMS, owner_id())[0].active
    assert signed_in("wizamart-owner").get("/admin/").status == 200


def test_an_admin_cannot_lock_themselves_out(demo: list[str]) -> None:
    console = admin()
    me = identity.find_user(OMS, "admin@oms.lu").id
    console.get(f"/admin/users/{me}")
    assert console.post(f"/admin/users/{me}/lock").status == 422
    assert identity.get_user(OMS, me)[0].active


def test_a_password_reset_mails_a_new_password_and_the_old_one_stops_working(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    console = admin()
    console.get(f"/admin/users/{owner_id()}")
    reset = console.post(f"/admin/users/{owner_id()}/reset-password", follow=True)
    assert reset.status == 200 and "owner@wizamart.lu" in reset.text
    assert owner.get("/admin/").status == 303
    assert any(m.kind == "password-reset" and m.to == "owner@wizamart.lu" for m in list_messages(OMS))
    browser = ConsoleBrowser()
    browser.get("/admin/login")
    old = browser.post("/admin/login", {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"})
    assert old.status != 303
    assert "user.reset_password" in platform_actions()


def test_switching_a_module_off_explains_first_then_its_pages_leave_the_store_consoles(
    demo: list[str],
) -> None:
    owner = signed_in("wizamart-owner")
    assert owner.get("/admin/analytics").status == 200
    console = admin()
    page = console.get("/admin/modules")
    assert page.status == 200 and "Analytics" in page.text and "Core" in page.text
    explained = console.post("/admin/modules/analytics", {"enabled": "off"})
    assert explained.status == 200
    assert "Store consoles lose these pages" in explained.text and "Analytics" in explained.text
    assert "analytics" in platforms.get_platform(OMS).enabled_modules  # nothing happened yet
    done = console.post("/admin/modules/analytics", {"enabled": "off", "confirm": "yes"}, follow=True)
    assert done.status == 200 and "Analytics is off." in done.text
    assert "analytics" not in platforms.get_platform(OMS).enabled_modules
    tenant_directory().forget()  # the store host's function instance learns it on its next refresh
    menu = owner.get("/admin/")
    assert 'href="/admin/analytics"' not in menu.text
    assert owner.get("/admin/analytics").status == 404
    assert "platform.update" in platform_actions()


def test_a_module_another_one_needs_cannot_be_switched_off(demo: list[str]) -> None:
    console = admin()
    console.get("/admin/modules")
    refused = console.post("/admin/modules/orders", {"enabled": "off", "confirm": "yes"})
    assert refused.status == 409
    assert re.search(r"Analytics, Customers, Payments needs? Orders", refused.text), refused.text
    assert "orders" in platforms.get_platform(OMS).enabled_modules
    assert console.post("/admin/modules/catalog", {"enabled": "off"}).status == 404  # a core module


def test_the_tiers_page_shows_limits_and_each_stores_usage(demo: list[str]) -> None:
    usage = {u.store.code: u for u in usage_of_stores(OMS)}["wizamart"]
    page = admin().get("/admin/tiers")
    assert page.status == 200
    assert "Professional" in page.text and "Unlimited" in page.text
    row = re.search(r"\(wizamart\)</span></th>(.*?)</tr>", page.text, re.S)
    assert row is not None
    products = usage.used[Limit.PRODUCTS]
    assert products and products > 0
    allowed = usage.plan.limits[Limit.PRODUCTS]
    assert f"{products} / {allowed if allowed is not None else 'Unlimited'}" in row.group(1)


def test_settings_save_and_invalid_input_keeps_the_entries(demo: list[str]) -> None:
    console = admin()
    page = console.get("/admin/settings")
    assert page.status == 200 and 'name="languages"' in page.text
    bad = console.post(
        "/admin/settings",
        [
            ("name", ""),
            ("default_language", "fr"),
            ("languages", "de"),
            ("default_tier", "business"),
            ("default_theme", "Not A Code"),
        ],
    )
    assert bad.status == 422
    assert 'value="Not A Code"' in bad.text and 'value="business" selected' in bad.text
    assert platforms.get_platform(OMS).name != ""  # nothing saved
    saved = console.post(
        "/admin/settings",
        [
            ("name", "OMS Luxembourg"),
            ("default_language", "fr"),
            ("languages", "en"),
            ("languages", "de"),
            ("default_tier", "business"),
            ("default_theme", "default"),
        ],
        follow=True,
    )
    assert saved.status == 200 and "saved" in saved.text
    platform = platforms.get_platform(OMS)
    assert (platform.name, platform.languages, platform.default_language, platform.default_tier) == (
        "OMS Luxembourg",
        ("fr", "en", "de"),
        "fr",
        Tier.BUSINESS,
    )
    # the admin API reads and takes the same fields
    assert admin_api("GET", "/platform").json()["default_tier"] == "business"
    changed = admin_api("PATCH", "/platform", {"languages": ["de"], "default_tier": "essential"})
    assert changed.status == 200, changed.body
    assert changed.json()["languages"] == ["de"] and changed.json()["default_language"] == "de"
    assert admin_api("PATCH", "/platform", {"languages": ["xx"]}).status == 422


def test_the_audit_log_spans_the_platforms_stores_and_filters_by_store(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    owner.get("/admin/account")
    owner.post("/admin/account/language", {"language": "en"})
    console = admin()
    everything = console.get("/admin/audit")
    assert everything.status == 200
    bakery_only = console.get("/admin/audit?store=bakery")
    assert bakery_only.status == 200 and "<td>wizamart</td>" not in bakery_only.text
    assert console.get("/admin/audit?store=Not%20a%20store").status == 422
    assert console.get("/admin/audit?cursor=garbage").status == 400


def test_a_store_owner_cannot_reach_the_platform_pages(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    on_api = ConsoleBrowser(host=OMS_API, cookies=dict(owner.cookies))
    for path in ("/admin/users", "/admin/modules", "/admin/tiers", "/admin/settings", "/admin/audit"):
        assert on_api.get(path).status == 303  # to the platform sign-in
    on_api.csrf = owner.csrf
    assert on_api.post("/admin/modules/analytics", {"enabled": "off", "confirm": "yes"}).status == 303
    assert "analytics" in platforms.get_platform(OMS).enabled_modules
    for path in ("/admin/users", "/admin/modules", "/admin/tiers"):
        assert owner.get(path).status == 404  # no such page in a store console


def test_list_pages_cost_at_most_three_dynamodb_requests(demo: list[str]) -> None:
    from collections import Counter
    from typing import Any

    from tests.api_calls import intercepting_api_calls, service_of

    console = admin()
    calls: Counter[str] = Counter()

    def count(client: Any, operation: str, params: Any, call: Any) -> Any:
        if service_of(client) == "dynamodb":
            calls[operation] += 1
        return call()

    for path in (
        "/admin/users",
        "/admin/users?email=owner",
        "/admin/tiers",
        "/admin/audit",
        "/admin/modules",
    ):
        console.get(path)  # warm: the tenant directory is cached per function instance
        calls.clear()
        with intercepting_api_calls(count):
            assert console.get(path).status == 200
        assert sum(calls.values()) <= 3, (path, calls)
