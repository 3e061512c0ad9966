"""Tenant isolation across every operation of the OpenAPI document: a wizamart Owner's token on
bakery's host is 403 everywhere, and an oms token on the loyalty platform is 401 everywhere."""

from __future__ import annotations

import re

import pytest

from functions.staff_api.common.docs import merged_openapi
from tests.staff import BAKERY, CAFE, call, token_of

# Operations that need no token (sign-in itself, accepting an invitation): not about a member's access.
OPEN = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/team/invitations/accept"),
    ("GET", "/api/v1/team/invitations/accept"),  # the page the invitation e-mail's link opens
    ("GET", "/api/v1/auth/sign-in-link"),  # a platform admin's one-time link: the token is the proof
    ("POST", "/api/v1/auth/sign-in-link"),
}
# Platform-wide: who am I on this platform (lists only the caller's own memberships).
PLATFORM_WIDE = {("GET", "/api/v1/auth/me")}
PLACEHOLDERS = {
    "host": "shop.bakery.example.com",
    "slug": "about",
    "name": "home.html",
    "sku": "BREAD-1",
    "lang": "fr",
}


def operations() -> list[tuple[str, str, bool]]:
    found = []
    for path, methods in merged_openapi()["paths"].items():
        for method, operation in methods.items():
            key = (method.upper(), path)
            if key not in OPEN:
                found.append((*key, "requestBody" in operation))
    return sorted(found)


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS.get(m[1], "01ARZ3NDEKTSV4RRFFQ69G5FAV"), path)


OPERATIONS = operations()


def test_the_document_lists_the_staff_operations() -> None:
    assert len(OPERATIONS) >= 30


def test_a_token_for_one_store_is_forbidden_on_every_endpoint_of_another(demo: list[str]) -> None:
    token = token_of("wizamart-owner")
    wrong = []
    for method, path, has_body in OPERATIONS:
        response = call(method, concrete(path), host=BAKERY, token=token, body={} if has_body else None)
        expected = 200 if (method, path) in PLATFORM_WIDE else 403
        if response.status != expected:
            wrong.append(f"{method} {path} -> {response.status}")
        assert b"wizamart" not in response.body or (method, path) in PLATFORM_WIDE
    assert wrong == []


@pytest.mark.parametrize("host", [CAFE, "api.loyalty.localhost:8000"])
def test_a_token_for_one_platform_is_unauthenticated_on_every_endpoint_of_another(
    demo: list[str], host: str
) -> None:
    token = token_of("wizamart-owner")
    wrong = []
    for method, path, has_body in OPERATIONS:
        response = call(method, concrete(path), host=host, token=token, body={} if has_body else None)
        if response.status != 401:
            wrong.append(f"{method} {path} -> {response.status}")
    assert wrong == []
