"""Host normalisation and the CloudFront trust rule."""

from __future__ import annotations

import pytest

from orion.tenancy.hosts import normalize_host, parent_host, viewer_host


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


def test_parent_host() -> None:
    assert parent_host("wizamart.oms.lu") == "oms.lu"
    assert parent_host("wizamart.oms.localhost") == "oms.localhost"
    assert parent_host("oms.localhost") == "localhost"
    assert parent_host("oms.lu") is None


def test_forwarded_host_needs_the_matching_secret() -> None:
    assert viewer_host("origin.aws", "shop.lu", "s3cret", "s3cret") == "shop.lu"
    assert viewer_host("origin.aws", "shop.lu", "guess", "s3cret") == "origin.aws"
    assert viewer_host("origin.aws", "shop.lu", None, "s3cret") == "origin.aws"
    assert viewer_host("origin.aws", "shop.lu", "s3cret", None) == "origin.aws"
    assert viewer_host("shop.lu", None, None, "s3cret") == "shop.lu"
