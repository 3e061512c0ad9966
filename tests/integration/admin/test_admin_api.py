"""The platform admin API over the wiring table's routes: admins only, one platform only, audited."""

from __future__ import annotations

from typing import Any

from tests.staff import OMS_API, WIZAMART, call, token_of

LOYALTY_API = "api.loyalty.localhost:8000"
ADMINS = {"oms": ("admin@oms.lu", "oms-admin-demo"), "loyalty": ("admin@loyalty.lu", "loyalty-admin-demo")}


def admin_token(platform: str = "oms") -> str:
    email, password = ADMINS[platform]
    host = OMS_API if platform == "oms" else LOYALTY_API
    response = call("POST", "/api/v1/auth/login", host=host, body={"email": email, "password": password})
    assert response.status == 200, response.body
    return str(response.json()["access_token"])


def admin(method: str, path: str, body: Any = None, *, platform: str = "oms", query: str = "") -> Any:
    host = OMS_API if platform == "oms" else LOYALTY_API
    return call(
        method, f"/api/v1/admin{path}", host=host, body=body, token=admin_token(platform), query=query
    )


def test_only_platform_admins_get_in(demo: list[str]) -> None:
    assert call("GET", "/api/v1/admin/stores", host=OMS_API).status == 401
    owner = token_of("wizamart-owner", host=OMS_API)
    forbidden = call("GET", "/api/v1/admin/stores", host=OMS_API, token=owner)
    assert forbidden.status == 403
    assert forbidden.headers["content-type"] == "application/problem+json"
    assert admin("GET", "/stores").status == 200


def test_the_admin_api_lives_on_the_api_host_only(demo: list[str]) -> None:
    token = admin_token()
    on_shop = call("GET", "/api/v1/admin/stores", host=WIZAMART, token=token)
    assert on_shop.status == 404
    assert b"wizamart" not in on_shop.body
    on_api = call("GET", "/api/v1/admin/stores", host=OMS_API, token=token)  # the same token, the API host
    assert on_api.status == 200
    assert "wizamart" in {store["code"] for store in on_api.json()}


def test_an_admin_of_one_platform_is_a_stranger_on_another(demo: list[str]) -> None:
    response = call("GET", "/api/v1/admin/stores", host=LOYALTY_API, token=admin_token("oms"))
    assert response.status == 401
    stores = {s["code"] for s in admin("GET", "/stores").json()}
    assert "cafe" not in stores
    assert admin("GET", "/stores/cafe").status == 404


def test_merchant_and_store_lifecycle(demo: list[str]) -> None:
    merchant = admin("POST", "/merchants", {"name": "Fleur SARL", "contact_email": "hi@fleur.lu"})
    assert merchant.status == 201
    merchant_id = merchant.json()["id"]
    created = admin("POST", "/stores", {"code": "fleur", "name": "Fleur", "merchant_id": merchant_id})
    assert created.status == 201
    assert created.json()["tier"] == "essential"
    assert call("GET", "/", host="fleur.oms.localhost:8000").status == 200

    assert admin("POST", "/stores/fleur/suspend").json()["status"] == "suspended"
    assert call("GET", "/", host="fleur.oms.localhost:8000").status == 404
    assert admin("POST", "/stores/fleur/resume").json()["status"] == "active"
    assert call("GET", "/", host="fleur.oms.localhost:8000").status == 200

    assert admin("PUT", "/stores/fleur/tier", {"tier": "business"}).json()["tier"] == "business"
    other = admin("POST", "/merchants", {"name": "Other"}).json()["id"]
    assert admin("POST", "/stores/fleur/transfer", {"merchant_id": other}).json()["merchant_id"] == other
    assert admin("GET", f"/merchants/{other}").json()["stores"] == ["fleur"]

    duplicate = admin("POST", "/stores", {"code": "fleur", "name": "Again", "merchant_id": other})
    assert duplicate.status == 409


def test_bad_input_is_a_clear_4xx(demo: list[str]) -> None:
    bad_code = admin("POST", "/stores", {"code": "Not Valid", "name": "x", "merchant_id": "0" * 26})
    assert bad_code.status == 422
    assert bad_code.headers["content-type"] == "application/problem+json"
    for code in ("-bad-", "bad-", "-bad"):  # store codes are host labels: <code>.oms.lu
        refused = admin("POST", "/stores", {"code": code, "name": "x", "merchant_id": "0" * 26})
        assert refused.status == 422, code
    no_such_money = {"code": "newshop", "name": "x", "merchant_id": "0" * 26, "currency": "XYZ"}
    assert admin("POST", "/stores", no_such_money).status == 422
    unknown_merchant = admin("POST", "/stores", {"code": "newshop", "name": "x", "merchant_id": "0" * 26})
    assert unknown_merchant.status == 404
    assert admin("PUT", "/stores/bakery/tier", {"tier": "platinum"}).status == 422
    assert admin("PATCH", "/platform", {"enabled_modules": ["catalog"]}).status == 422


def test_tiers_list_their_limits(demo: list[str]) -> None:
    tiers = {t["code"]: t["limits"] for t in admin("GET", "/tiers").json()}
    assert tiers["essential"]["pages_total"] == 3
    assert tiers["essential"]["pages_custom"] == 0
    assert tiers["professional"]["pages_custom"] == 5
    assert tiers["enterprise"]["products"] is None


def test_users_can_be_locked_unlocked_and_reset(demo: list[str]) -> None:
    user = admin("GET", "/users", query="email=editor%40wizamart.lu").json()
    assert user["memberships"] == [{"store": "wizamart", "role": "editor"}]
    locked = admin("POST", f"/users/{user['id']}/lock").json()
    assert locked["active"] is False
    assert locked["memberships"] == [{"store": "wizamart", "role": "editor"}]
    login = {"email": "editor@wizamart.lu", "password": "wizamart-editor-demo"}
    assert call("POST", "/api/v1/auth/login", host=WIZAMART, body=login).status == 401
    assert admin("POST", f"/users/{user['id']}/unlock").json()["memberships"] == user["memberships"]
    assert call("POST", "/api/v1/auth/login", host=WIZAMART, body=login).status == 200

    assert admin("POST", f"/users/{user['id']}/reset-password").status == 202
    assert call("POST", "/api/v1/auth/login", host=WIZAMART, body=login).status == 401  # old one is gone


def test_admin_writes_show_in_the_audit_log_across_stores(demo: list[str]) -> None:
    admin("POST", "/stores/bakery/suspend")
    admin("POST", "/stores/bakery/resume")
    admin("PUT", "/stores/wizamart/tier", {"tier": "business"})
    entries = admin("GET", "/audit").json()["entries"]
    assert [(e["store"], e["action"]) for e in entries[:3]] == [
        ("wizamart", "store.tier"),
        ("bakery", "store.resume"),
        ("bakery", "store.suspend"),
    ]
    only_bakery = admin("GET", "/audit", query="store=bakery").json()["entries"]
    assert {e["store"] for e in only_bakery} == {"bakery"}
    assert admin("GET", "/audit", platform="loyalty").json()["entries"] == []


def test_platform_metrics_come_from_the_running_modules(demo: list[str]) -> None:
    body = admin("GET", "/metrics").json()
    assert set(body["modules"]) >= {"tenancy", "catalog", "orders"}
    stores = next(m for m in body["modules"]["tenancy"] if m["key"] == "stores")
    assert stores["value"] == 3  # wizamart, bakery, closed-shop
    assert any(w["key"] == "sales" for w in body["widgets"])


def test_modules_list_says_what_runs_here(demo: list[str]) -> None:
    modules = {m["code"]: m for m in admin("GET", "/modules").json()}
    assert modules["catalog"]["optional"] is False
    assert modules["orders"]["optional"] is True
    assert modules["orders"]["enabled"] is True
    assert "tenancy.verify_domains" in modules["tenancy"]["scheduled_tasks"]


def test_the_admin_api_describes_itself(demo: list[str]) -> None:
    document = call("GET", "/api/v1/admin/openapi.json", host=OMS_API)
    assert document.status == 200
    paths = document.json()["paths"]
    assert {
        "/api/v1/admin/stores",
        "/api/v1/admin/stores/bulk-import",
        "/api/v1/admin/users/{user_id}/lock",
    } <= set(paths)
    assert document.json()["info"]["title"] == "Orion platform admin API"
    page = call("GET", "/api/v1/admin/docs", host=OMS_API)
    assert page.status == 200 and b"POST /api/v1/admin/stores/bulk-import" in page.body
    staff = call("GET", "/api/v1/openapi.json", host=OMS_API).json()["paths"]  # the staff API's own
    assert "/api/v1/analytics" in staff and not any(p.startswith("/api/v1/admin") for p in staff)
