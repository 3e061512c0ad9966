"""Host well-formedness, normalisation and the CloudFront trust rule."""

from __future__ import annotations

import pytest

from orion.tenancy.hosts import is_port, is_well_formed_host, normalize_host, parent_host, viewer_host


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Shop.Wizamart.LU", "shop.wizamart.lu"),
        ("shop.wizamart.lu:8443", "shop.wizamart.lu"),
        ("shop.wizamart.lu.", "shop.wizamart.lu"),
        ("  oms.lu  ", "oms.lu"),
        ("bücher.lu", "xn--bcher-kva.lu"),
        ("localhost:8000", "localhost"),
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("10.0.0.1", None),
        ("under_score.lu", None),
        ("a..b.lu", None),
        ("-x.lu", None),
        ("x" * 64 + ".lu", None),
        ("", None),
        (None, None),
        ("evil.lu/path", None),
        ("evil.lu@other.lu", None),
    ],
)
def test_normalize_host(raw: str | None, expected: str | None) -> None:
    assert normalize_host(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "wizamart.oms.localhost:8000",
        "Shop.Wizamart.LU.",
        "  oms.lu\t",  # the header's own padding
        "localhost",
        "127.0.0.1:8000",
        "10.0.0.1",  # well-formed, though it serves no tenant
        "abc123.execute-api.eu-west-1.amazonaws.com",
        "xn--bcher-kva.lu",
        "xn--strae-oqa.de",  # IDNA 2008 (Python's idna codec, IDNA 2003, would refuse it)
        "shop.lu:0",
        "shop.lu:65535",
        "a" * 63 + ".lu",
        "abcdefghi." * 24 + "oms.lu",  # 246 characters
    ],
)
def test_a_host_a_browser_could_send_is_well_formed(raw: str) -> None:
    assert is_well_formed_host(raw)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "  ",
        ".",
        "wizamart.oms.localhost:abc",
        "wizamart.oms.localhost:",
        "wizamart.oms.localhost:65536",
        "wizamart.oms.localhost:١٢",  # digits, but not ASCII ones
        "host:1:2",
        "[::1]:8200",
        "[::1]",
        "::1",
        "a" * 64 + ".lu",
        "abcdefghi." * 25 + "oms.lu",  # 256 characters
        "bücher.lu",  # a browser sends punycode
        "xn--zz.lu",  # not punycode
        "xn--a.lu",  # punycode of a control character
        "shop\x00.lu",
        "shop.lu\r\n",
        "sh op.lu",
        "a..b.lu",
        "under_score.lu",
        "evil.lu/path",
        "evil.lu@other.lu",
        "shop.lu,other.lu",
    ],
)
def test_a_host_that_is_not_one_is_malformed(raw: str | None) -> None:
    assert not is_well_formed_host(raw)


def test_a_port_is_ascii_digits_up_to_65535() -> None:
    assert is_port("0") and is_port("443") and is_port("08000") and is_port("65535")
    assert not any(is_port(p) for p in ("", "65536", "123456", "-1", "https", "４４３", " 80"))


def test_parent_host() -> None:
    assert parent_host("wizamart.oms.lu") == "oms.lu"
    assert parent_host("wizamart.oms.localhost") == "oms.localhost"
    assert parent_host("oms.localhost") == "localhost"
    assert parent_host("oms.lu") is None


def test_forwarded_host_needs_the_verified_secret() -> None:
    assert viewer_host("origin.aws", "shop.lu", verified=True) == "shop.lu"
    assert viewer_host("origin.aws", "shop.lu", verified=False) == "origin.aws"
    assert viewer_host("shop.lu", None, verified=True) == "shop.lu"
    assert viewer_host("shop.lu", None, verified=False) == "shop.lu"
