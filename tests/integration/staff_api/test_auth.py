"""Staff sign-in over the wiring table's routes: tokens, refresh rotation, rate limits, tenancy."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from orion.identity.access import signing_keys
from orion.settings import reset_settings
from tests.staff import BAKERY, CAFE, OMS_API, WIZAMART, call, login

LOGIN = "/api/v1/auth/login"


def test_owner_signs_in_and_sees_their_role_and_permissions(demo: list[str]) -> None:
    tokens = login("wizamart-owner")
    assert tokens["expires_in"] <= 900
    me = call("GET", "/api/v1/auth/me", token=tokens["access_token"])
    assert me.status == 200
    body = me.json()
    assert body["user"]["email"] == "owner@wizamart.lu"
    [membership] = body["memberships"]
    assert membership["store"] == "wizamart"
    assert membership["role"] == "owner"
    assert "team.manage" in membership["permissions"]
    assert me.headers["cache-control"] == "no-store"


def test_the_platform_api_host_signs_in_too(demo: list[str]) -> None:
    assert login("wizamart-owner", host=OMS_API)["access_token"]


def test_unknown_user_and_wrong_password_get_the_same_answer(demo: list[str]) -> None:
    unknown = call("POST", LOGIN, body={"email": "nobody@wizamart.lu", "password": "whatever-123"})
    wrong = call("POST", LOGIN, body={"email": "owner@wizamart.lu", "password": "whatever-123"})
    assert unknown.status == wrong.status == 401
    assert unknown.json()["detail"] == wrong.json()["detail"]
    assert unknown.headers["content-type"] == "application/problem+json"


def test_a_user_of_one_platform_cannot_sign_in_on_another(demo: list[str]) -> None:
    response = call(
        "POST", LOGIN, host=CAFE, body={"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"}
    )
    assert response.status == 401


def test_repeated_failures_lock_the_account_for_a_while(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORION_LOGIN_MAX_FAILURES_PER_ACCOUNT", "3")
    reset_settings()
    for _ in range(3):
        assert (
            call("POST", LOGIN, body={"email": "owner@wizamart.lu", "password": "bad-password"}).status == 401
        )
    locked = call("POST", LOGIN, body={"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"})
    assert locked.status == 429
    assert int(locked.headers["retry-after"]) > 0
    # Another account from another address is unaffected.
    other = call(
        "POST",
        LOGIN,
        body={"email": "editor@wizamart.lu", "password": "wizamart-editor-demo"},
        source_ip="10.0.0.9",
    )
    assert other.status == 200


def test_repeated_failures_from_one_source_are_throttled(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORION_LOGIN_MAX_FAILURES_PER_SOURCE", "3")
    reset_settings()
    for n in range(3):
        body = {"email": f"guess{n}@wizamart.lu", "password": "bad-password"}
        assert call("POST", LOGIN, body=body, source_ip="10.1.1.1").status == 401
    throttled = call(
        "POST",
        LOGIN,
        body={"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"},
        source_ip="10.1.1.1",
    )
    assert throttled.status == 429


def test_refresh_rotates_and_reuse_revokes_the_whole_family(demo: list[str]) -> None:
    first = login("wizamart-owner")
    second = call("POST", "/api/v1/auth/refresh", body={"refresh_token": first["refresh_token"]})
    assert second.status == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert call("GET", "/api/v1/auth/me", token=rotated["access_token"]).status == 200
    # The spent token is presented again (stolen?): refused, and the newest token dies with it.
    reuse = call("POST", "/api/v1/auth/refresh", body={"refresh_token": first["refresh_token"]})
    assert reuse.status == 401
    after = call("POST", "/api/v1/auth/refresh", body={"refresh_token": rotated["refresh_token"]})
    assert after.status == 401


def test_logout_revokes_the_refresh_token(demo: list[str]) -> None:
    tokens = login("wizamart-owner")
    assert call("POST", "/api/v1/auth/logout", body={"refresh_token": tokens["refresh_token"]}).status == 204
    assert call("POST", "/api/v1/auth/refresh", body={"refresh_token": tokens["refresh_token"]}).status == 401


def test_refresh_tokens_are_bound_to_their_platform(demo: list[str]) -> None:
    tokens = login("wizamart-owner")
    assert (
        call(
            "POST", "/api/v1/auth/refresh", host=CAFE, body={"refresh_token": tokens["refresh_token"]}
        ).status
        == 401
    )


def test_a_token_of_one_store_is_forbidden_on_another_store(demo: list[str]) -> None:
    token = login("wizamart-owner")["access_token"]
    assert call("GET", "/api/v1/team", host=WIZAMART, token=token).status == 200
    denied = call("GET", "/api/v1/team", host=BAKERY, token=token)
    assert denied.status == 403
    assert "Wanda" not in denied.body.decode()


def test_a_token_of_one_platform_is_unauthenticated_on_another(demo: list[str]) -> None:
    token = login("wizamart-owner")["access_token"]
    response = call("GET", "/api/v1/auth/me", host=CAFE, token=token)
    assert response.status == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def reissued(token: str, **changes: Any) -> str:
    """``token``'s claims with ``changes``, signed again by the platform's real key (the secret)."""
    claims = jwt.decode(token, options={"verify_signature": False}) | changes
    active = signing_keys().key_set().active
    return jwt.encode(claims, active.private_key, algorithm="RS256", headers={"kid": active.kid})


@pytest.mark.parametrize("audience", [["oms"], ["oms", "loyalty"], ["loyalty", "oms"]])
def test_a_token_whose_audience_is_a_list_is_refused_even_if_it_names_the_platform(
    demo: list[str], audience: list[str]
) -> None:
    token = login("wizamart-owner")["access_token"]
    assert call("GET", "/api/v1/auth/me", token=reissued(token)).status == 200  # the forgery works
    refused = call("GET", "/api/v1/auth/me", token=reissued(token, aud=audience))
    garbage = call("GET", "/api/v1/auth/me", token="not.a.token")
    assert refused.status == garbage.status == 401
    assert refused.json()["detail"] == garbage.json()["detail"] == "The access token is not valid."
    assert call("GET", "/api/v1/team", token=reissued(token, aud=audience)).status == 401


def test_no_token_is_401_and_an_unknown_host_is_404(demo: list[str]) -> None:
    assert call("GET", "/api/v1/team").status == 401
    assert call("GET", "/api/v1/auth/me", host="nowhere.example.com").status == 404


def test_framework_errors_are_problem_json(demo: list[str]) -> None:
    bad = call("POST", LOGIN, body={"email": "not-an-email"})
    assert bad.status == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in bad.json()["errors"]} == {"body.email", "body.password"}
    wrong_method = call("DELETE", "/api/v1/auth/login")
    assert wrong_method.status == 405
    assert wrong_method.json()["status"] == 405
    unknown = call("GET", "/api/v1/no-such-thing", host=OMS_API)
    assert unknown.status == 404
    assert unknown.headers["content-type"] == "application/problem+json"
