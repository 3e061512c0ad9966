"""Key builders: every tenant key starts with its tenant and no code can break the layout."""

from __future__ import annotations

import pytest

from orion.data import keys


def test_store_keys_start_with_their_platform_and_store() -> None:
    assert keys.store_pk("oms", "wizamart") == "P#oms#S#wizamart"
    assert keys.store_domains_gsi1pk("oms", "wizamart").startswith("P#oms#S#wizamart#")
    assert keys.platform_stores_gsi1pk("oms").startswith("P#oms#")
    assert keys.merchant_pk("oms", "01J").startswith("P#oms#")


def test_one_store_prefix_is_never_a_prefix_of_another_store() -> None:
    # "P#oms#S#wiz" must not match items of "wizamart" in a begins_with query: keys add a delimiter.
    short, long = keys.store_pk("oms", "wiz"), keys.store_pk("oms", "wizamart")
    assert not (long + "#").startswith(short + "#")


@pytest.mark.parametrize("bad", ["OMS", "o", "om#s", "a/b", "x" * 41, "", "ö-shop"])
def test_codes_that_could_break_keys_are_refused(bad: str) -> None:
    with pytest.raises(keys.InvalidKeyPart):
        keys.store_pk("oms", bad)
    with pytest.raises(keys.InvalidKeyPart):
        keys.platform_pk(bad)


def test_domain_keys_refuse_the_delimiter() -> None:
    assert keys.domain_pk("shop.wizamart.lu") == "DOMAIN#shop.wizamart.lu"
    with pytest.raises(keys.InvalidKeyPart):
        keys.domain_pk("a#b")


def test_every_access_pattern_is_named_once_and_tenant_keyed() -> None:
    names = [p.name for p in keys.ACCESS_PATTERNS]
    assert len(names) == len(set(names))
    # Two global families only: host lookups (DOMAIN#) and the list of platforms (a GSI partition over
    # the platform items, for scheduled tasks that run per platform).
    for pattern in keys.ACCESS_PATTERNS:
        assert pattern.key.startswith(
            ("PK=P#<p>", "PK=DOMAIN#", "GSI1PK=P#<p>", "GSI2PK=P#<p>", f"GSI1PK={keys.PLATFORMS_GSI1PK},")
        ), pattern
        assert pattern.operation != "Scan"  # type: ignore[comparison-overlap]
