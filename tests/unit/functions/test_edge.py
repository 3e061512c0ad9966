"""The HTTP edge every API Gateway function reads requests through: whose host a request is for,
the cookies shopper functions set, and one outcome answered as a page or as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import Response

from functions.common import edge, origin_gate
from orion import runtime
from orion.errors import Conflict, NotFound, OrionError
from orion.settings import reset_settings
from orion.tenancy.errors import OriginSecretUnavailable
from orion.tenancy.origin_verify import OriginVerifyValues

SECRET = "cloudfront-only-knows-this"
BEHIND_CLOUDFRONT = {
    "host": "abc123.execute-api.eu-west-1.amazonaws.com",
    "x-forwarded-host": "shop.wizamart.lu",
}


class FakeSecretValues:
    """The origin-verify secret's accepted versions as Secrets Manager would give them; empty: unreadable."""

    def __init__(self) -> None:
        self.versions = [SECRET]

    def accepts(self, name: str, value: str) -> bool:
        assert name == "orion/origin-verify"
        if not self.versions:
            raise OriginSecretUnavailable("AccessDenied")
        return value in self.versions


@pytest.fixture
def secret() -> list[str]:
    fake = FakeSecretValues()
    runtime.substitute(OriginVerifyValues, fake)
    return fake.versions


def test_cloudfronts_forwarded_host_is_trusted_only_with_the_origin_secret(secret: list[str]) -> None:
    assert edge.viewer_host({**BEHIND_CLOUDFRONT, "x-origin-verify": SECRET}) == "shop.wizamart.lu"
    spoofed = {**BEHIND_CLOUDFRONT, "x-origin-verify": "a-guess"}
    assert edge.viewer_host(spoofed) == BEHIND_CLOUDFRONT["host"]
    assert edge.viewer_host(BEHIND_CLOUDFRONT) == BEHIND_CLOUDFRONT["host"]
    assert edge.viewer_host({"host": "wizamart.oms.lu"}) == "wizamart.oms.lu"


def test_every_accepted_version_of_the_secret_is_trusted(secret: list[str]) -> None:
    secret.append("the-previous-value")
    previous = {**BEHIND_CLOUDFRONT, "x-origin-verify": "the-previous-value"}
    assert edge.viewer_host(previous) == "shop.wizamart.lu"


def test_an_unreadable_secret_means_the_plain_host_not_a_failed_request(secret: list[str]) -> None:
    secret.clear()
    assert edge.viewer_host({**BEHIND_CLOUDFRONT, "x-origin-verify": SECRET}) == BEHIND_CLOUDFRONT["host"]
    assert origin_gate.origin_verify_accepts(SECRET) is False


def test_the_scheme_is_https_unless_the_viewer_used_http() -> None:
    assert edge.viewer_scheme({}) == "https"
    assert edge.viewer_scheme({"x-forwarded-proto": "http"}) == "http"
    assert edge.viewer_scheme({"x-forwarded-proto": "https, http"}) == "https"
    assert edge.viewer_scheme({"x-forwarded-proto": "javascript"}) == "https"


def test_a_request_whose_host_cannot_be_read_is_a_400() -> None:
    assert edge.host_error({"host": "wizamart.oms.localhost:8000"}) is None
    assert edge.host_error({"host": "nowhere.example", "x-forwarded-port": "443"}) is None
    assert edge.host_error({**BEHIND_CLOUDFRONT}) is None
    for headers in (
        {},
        {"host": "wizamart.oms.localhost:abc"},
        {"host": "[::1]:8200"},
        {"host": "host:1:2"},
        {**BEHIND_CLOUDFRONT, "x-forwarded-host": "shop.wizamart.lu:x"},
        {"host": "wizamart.oms.localhost", "x-forwarded-port": "https"},
    ):
        error = edge.host_error(headers)
        assert error is not None and error.status == 400, headers


def test_cookies_are_private_and_bound_to_the_host_where_they_are_secure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cookie = str(edge.private_cookie(edge.cookie_name("orion_cart_wizamart"), "C1", max_age=60))
    assert cookie.startswith("__Host-orion_cart_wizamart=C1")
    for attribute in ("Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=60"):
        assert attribute in cookie
    assert "Domain" not in cookie

    monkeypatch.setenv("ORION_SECURE_COOKIES", "false")  # plain-HTTP local runs
    reset_settings()
    plain = str(edge.private_cookie(edge.cookie_name("orion_cart_wizamart"), "C1", max_age=60))
    assert plain.startswith("orion_cart_wizamart=C1") and "Secure" not in plain


def test_a_cookie_is_read_by_its_exact_name() -> None:
    cookies = ["theme=dark", " __Host-orion_cart_wizamart = C1 ", "orion_cart_bakery=C2", "empty="]
    assert edge.read_cookie(cookies, "__Host-orion_cart_wizamart") == "C1"
    assert edge.read_cookie(cookies, "orion_cart_wizamart") is None
    assert edge.read_cookie(cookies, "empty") is None
    assert edge.read_cookie(None, "theme") is None


NO_STORE = {"Cache-Control": "private, no-store"}
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PROGRAM = {"accept": "application/json"}


def page(status: int, text: str) -> Response[str]:
    return Response(status, "text/html; charset=utf-8", text)


def unwanted(*_: object) -> Any:
    raise AssertionError("built the answer nobody asked for")


def test_an_outcome_is_a_page_for_a_browser_and_json_for_a_program() -> None:
    outcome = edge.Outcome(page=lambda: page(200, "<h1>Cart</h1>"), data=unwanted)
    assert edge.answer(outcome, BROWSER, "/cart", NO_STORE).body == "<h1>Cart</h1>"

    created = edge.Outcome(page=unwanted, data=lambda: {"order": "O-1"}, status=201, location="/orders/O-1")
    answered = edge.answer(created, PROGRAM, "/checkout", NO_STORE)
    assert answered.status_code == 201
    assert answered.headers == {
        "Cache-Control": "private, no-store",
        "Location": "/orders/O-1",
        "Content-Type": "application/json",
    }
    assert json.loads(str(answered.body)) == {"order": "O-1"}


def test_a_refusal_is_the_page_again_for_a_browser_and_problem_json_for_a_program() -> None:
    error = Conflict("Prices changed.")
    seen: list[OrionError] = []

    def form_again(refused: OrionError) -> Response[str]:
        seen.append(refused)
        return page(refused.status, "<form>")

    refusal = edge.Refusal(error, page=form_again, extra=lambda: {"cart": {"lines": []}})
    assert edge.answer(refusal, BROWSER, "/checkout", NO_STORE).status_code == 409
    assert seen == [error]

    problem = edge.answer(refusal, PROGRAM, "/checkout", NO_STORE)
    assert problem.status_code == 409
    assert problem.headers["Content-Type"] == "application/problem+json"
    assert problem.headers["Cache-Control"] == "private, no-store"
    body = json.loads(str(problem.body))
    assert body["type"] == "https://orion.dev/problems/conflict"
    assert (body["detail"], body["instance"], body["cart"]) == ("Prices changed.", "/checkout", {"lines": []})

    not_found = edge.answer(edge.Refusal(NotFound(), page=unwanted), PROGRAM, "/nope", NO_STORE)
    assert not_found.status_code == 404 and "cart" not in json.loads(str(not_found.body))
