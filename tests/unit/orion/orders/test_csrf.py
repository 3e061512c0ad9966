"""Forged-request protection of shopper forms: same origin (scheme, host and port), and a cart-bound
token where required."""

from __future__ import annotations

import pytest

from orion.errors import Forbidden
from orion.orders.checkout.csrf import check_request, csrf_token
from orion.tenant import Tenant

SECRET = "s3cret"
WIZ = Tenant("oms", "wizamart")


def check(**overrides: object) -> None:
    arguments: dict[str, object] = {
        "scheme": "https",
        "host": "wizamart.oms.lu",
        "origin": "https://wizamart.oms.lu",
        "referer": None,
        "token": None,
        "token_required": False,
    }
    arguments.update(overrides)
    check_request(SECRET, WIZ, "cart-1", **arguments)  # type: ignore[arg-type]


def test_a_same_origin_post_passes_without_a_token_where_none_is_required() -> None:
    check()
    check(origin=None, referer="https://wizamart.oms.lu/products/mug")
    check(host="wizamart.oms.lu:443", origin="https://WIZAMART.oms.lu")
    check(host="wizamart.oms.lu", origin="https://wizamart.oms.lu:443")
    check(scheme="http", host="wizamart.localhost:8000", origin="http://wizamart.localhost:8000")
    check(scheme="http", host="wizamart.localhost", origin="http://wizamart.localhost:80")
    check(scheme="http", host="wizamart.localhost:80", origin=None, referer="http://wizamart.localhost/cart")


def test_a_local_store_refuses_another_port() -> None:
    with pytest.raises(Forbidden):
        check(scheme="http", host="wizamart.localhost:8000", origin="http://wizamart.localhost:9999")
    with pytest.raises(Forbidden):
        check(scheme="http", host="wizamart.localhost:8000", origin="http://wizamart.localhost")


@pytest.mark.parametrize(
    ("scheme", "host", "origin", "referer"),
    [
        ("http", "wizamart.localhost:8000", "https://wizamart.localhost:8000", None),
        ("http", "wizamart.oms.lu", "https://wizamart.oms.lu", None),
        ("https", "wizamart.oms.lu", "http://wizamart.oms.lu", None),
        ("https", "wizamart.oms.lu", None, "http://wizamart.oms.lu/products/mug"),
        ("https", "wizamart.oms.lu:443", "http://wizamart.oms.lu:443", None),
        ("https", "wizamart.oms.lu:80", "https://wizamart.oms.lu", None),  # 80 is not https's port
        ("https", "wizamart.oms.lu", "ftp://wizamart.oms.lu", None),
        ("https", "wizamart.oms.lu", "wizamart.oms.lu", None),  # no scheme at all
        ("gopher", "wizamart.oms.lu", "gopher://wizamart.oms.lu", None),
    ],
)
def test_the_same_host_over_another_scheme_is_another_origin(
    scheme: str, host: str, origin: str | None, referer: str | None
) -> None:
    with pytest.raises(Forbidden):
        check(scheme=scheme, host=host, origin=origin, referer=referer)


@pytest.mark.parametrize(
    ("origin", "referer"),
    [
        ("https://bakery.oms.lu", None),  # a sibling store: same site, other origin
        ("https://evil.example", None),
        ("null", None),
        (None, "https://evil.example/page"),
        ("https://wizamart.oms.lu:9999", None),  # another port of the same host: another origin
        (None, "http://wizamart.oms.lu:8443/cart"),
        ("https://wizamart.oms.lu:notaport", None),
        ("http://[x", None),  # not even a URL
        (None, "http://[::1"),
    ],
)
def test_posts_from_elsewhere_are_forbidden(origin: str | None, referer: str | None) -> None:
    with pytest.raises(Forbidden):
        check(origin=origin, referer=referer)


def test_without_origin_or_referer_the_token_is_required() -> None:
    with pytest.raises(Forbidden):
        check(origin=None)
    check(origin=None, token=csrf_token(SECRET, WIZ, "cart-1"))


def test_the_token_is_bound_to_the_cart_store_and_secret() -> None:
    good = csrf_token(SECRET, WIZ, "cart-1")
    check(token=good, token_required=True)
    for wrong in (
        csrf_token(SECRET, WIZ, "cart-2"),
        csrf_token(SECRET, Tenant("oms", "bakery"), "cart-1"),
        csrf_token("other", WIZ, "cart-1"),
        None,
        "",
    ):
        with pytest.raises(Forbidden):
            check(token=wrong, token_required=True)


def test_a_token_that_is_not_ascii_is_refused_not_an_error() -> None:
    with pytest.raises(Forbidden):
        check(token="é" * 64, token_required=True)
