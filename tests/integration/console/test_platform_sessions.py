"""The platform console's sign-in: the platform's admin host, platform admins only, its own sessions."""

from __future__ import annotations

from tests.console import CONSOLE_LOGINS, ConsoleBrowser

OMS_API = "api.oms.localhost:8000"
CONSOLE_LOGINS["oms-admin"] = ("admin@oms.lu", "oms-admin-demo")


def test_a_platform_admin_signs_in_on_the_admin_host_and_sees_the_platform_menu(demo: list[str]) -> None:
    browser = ConsoleBrowser(host=OMS_API)
    first = browser.get("/admin/")
    assert (first.status, first.headers["location"]) == (303, "/admin/login")
    browser.sign_in("oms-admin")
    page = browser.get("/admin/")
    assert page.status == 200
    for link in ("/admin/stores", "/admin/merchants", "/admin/users", "/admin/outbox"):
        assert f'href="{link}"' in page.text


def test_a_store_owner_is_refused_on_the_platform_console(demo: list[str]) -> None:
    browser = ConsoleBrowser(host=OMS_API)
    browser.get("/admin/login")
    refused = browser.post("/admin/login", {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"})
    assert refused.status == 403
    assert "not an admin of this platform" in refused.text


def test_a_platform_session_is_no_session_on_a_store_or_another_platform(demo: list[str]) -> None:
    admin = ConsoleBrowser(host=OMS_API)
    admin.sign_in("oms-admin")
    for host in ("wizamart.oms.localhost:8000", "api.loyalty.localhost:8000"):
        assert ConsoleBrowser(host=host, cookies=dict(admin.cookies)).get("/admin/").status == 303
    # and a store's session opens nothing on the platform console
    from tests.console import signed_in

    owner = signed_in("wizamart-owner")
    assert ConsoleBrowser(host=OMS_API, cookies=dict(owner.cookies)).get("/admin/").status == 303
