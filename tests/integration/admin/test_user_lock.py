"""A lock or a password reset takes effect on the user's next request, not when their token expires."""

from __future__ import annotations

from typing import Any

from orion.identity import access
from orion.identity import service as identity
from orion.identity.models import Principal
from orion.tenant import Tenant
from tests.bench.support import counting_requests
from tests.integration.admin.test_admin_api import admin
from tests.staff import WIZAMART, call, login

EDITOR = {"email": "editor@wizamart.lu", "password": "wizamart-editor-demo"}


def editor_id() -> str:
    return str(admin("GET", "/users", query="email=editor%40wizamart.lu").json()["id"])


def refresh(tokens: dict[str, Any]) -> int:
    return call("POST", "/api/v1/auth/refresh", body={"refresh_token": tokens["refresh_token"]}).status


def test_a_locked_users_access_token_is_refused_on_the_next_request(demo: list[str]) -> None:
    # given the editor signed in and is working
    tokens = login("wizamart-editor")
    token = tokens["access_token"]
    assert call("GET", "/api/v1/products", token=token).status == 200
    user_id = editor_id()

    # when a platform admin locks them
    assert admin("POST", f"/users/{user_id}/lock").status == 200

    # then the very same token gets 401 on store routes, the console and their profile
    for path in ("/api/v1/products", "/api/v1/dashboard", "/api/v1/auth/me"):
        refused = call("GET", path, token=token)
        assert refused.status == 401, path
        assert refused.headers["content-type"] == "application/problem+json"
        assert "sign in again" in refused.json()["detail"]
    # and the refresh token is refused too
    assert refresh(tokens) == 401

    # when they are unlocked, tokens from before the lock stay dead (the family was revoked)...
    admin("POST", f"/users/{user_id}/unlock")
    assert call("GET", "/api/v1/products", token=token).status == 401
    assert refresh(tokens) == 401
    # ...and a fresh sign-in works
    fresh = call("POST", "/api/v1/auth/login", body=EDITOR)
    assert fresh.status == 200
    assert call("GET", "/api/v1/products", token=fresh.json()["access_token"]).status == 200
    assert refresh(fresh.json()) == 200


def test_a_refresh_family_from_before_a_lock_is_revoked_when_presented(demo: list[str]) -> None:
    tokens = login("wizamart-editor")
    user_id = editor_id()
    admin("POST", f"/users/{user_id}/lock")
    admin("POST", f"/users/{user_id}/unlock")
    assert refresh(tokens) == 401  # presented after the unlock: still refused, and revoked
    family = tokens["refresh_token"].split(".")[0]
    from orion.identity.repository import IdentityRepository

    stored = IdentityRepository().get_refresh_family("oms", family)
    assert stored is not None and stored.revoked


def test_a_password_reset_ends_every_earlier_session(demo: list[str]) -> None:
    tokens = login("wizamart-editor")
    assert admin("POST", f"/users/{editor_id()}/reset-password").status == 202
    assert call("GET", "/api/v1/products", token=tokens["access_token"]).status == 401
    assert refresh(tokens) == 401
    assert call("POST", "/api/v1/auth/login", body=EDITOR).status == 401  # the old password is gone


def test_a_locked_platform_admin_is_refused_on_the_admin_api(demo: list[str]) -> None:
    other = identity.create_platform_admin(Tenant("oms"), "second@oms.lu", "Second", "second-admin-pw")
    token = call(
        "POST",
        "/api/v1/auth/login",
        host="api.oms.localhost:8000",
        body={"email": "second@oms.lu", "password": "second-admin-pw"},
    ).json()["access_token"]
    assert call("GET", "/api/v1/admin/stores", host="api.oms.localhost:8000", token=token).status == 200
    admin("POST", f"/users/{other.id}/lock")
    assert call("GET", "/api/v1/admin/stores", host="api.oms.localhost:8000", token=token).status == 401


def test_other_users_keep_working_when_one_is_locked(demo: list[str]) -> None:
    owner = login("wizamart-owner")["access_token"]
    admin("POST", f"/users/{editor_id()}/lock")
    assert call("GET", "/api/v1/products", host=WIZAMART, token=owner).status == 200


def test_authorising_a_staff_request_costs_one_dynamodb_request(demo: list[str]) -> None:
    # The user (lock flag, token version) is read in the same BatchGetItem as the membership that
    # authorisation read before, so checking it adds no request.
    tokens = login("wizamart-owner")
    tenant = Tenant("oms", "wizamart")
    principal = access.authenticate(tenant, tokens["access_token"])
    assert isinstance(principal, Principal)
    with counting_requests() as counter:
        granted = access.authorize(tenant, principal, "products.view", enabled_modules=frozenset())
    assert granted.role.value == "owner"
    assert dict(counter.calls) == {("dynamodb", "BatchGetItem"): 1}
