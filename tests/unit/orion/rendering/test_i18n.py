"""Shopper language and money formatting."""

from __future__ import annotations

from orion.rendering.i18n import choose_language, format_money, translator

STORE = ("en", "fr", "de")


def test_the_query_wins_when_the_store_has_that_language() -> None:
    assert choose_language(STORE, "en", "fr", "de") == "fr"
    assert choose_language(STORE, "en", "ja", "de") == "de"


def test_accept_language_is_matched_by_weight_and_primary_tag() -> None:
    assert choose_language(STORE, "en", None, "ja, de-LU;q=0.8, fr;q=0.9") == "fr"
    assert choose_language(STORE, "en", None, "de-CH") == "de"
    assert choose_language(STORE, "en", None, "fr;q=0, ja") == "en"
    assert choose_language(STORE, "en", None, "garbage;q=x") == "en"
    assert choose_language(("fr", "de"), "fr", None, None) == "fr"


def test_money_is_minor_units_in_the_shoppers_convention() -> None:
    assert format_money(129999, "EUR", "en") == "€1,299.99"
    assert format_money(129999, "EUR", "de") == "1.299,99\u00a0€"
    assert format_money(5, "EUR", "fr") == "0,05\u00a0€"


def test_interface_strings_fall_back_to_english() -> None:
    assert translator("de")("Add to cart") == "In den Warenkorb"
    assert translator("fr")("Only {n} left", n=3) == "Plus que 3"
    assert translator("lb")("Add to cart") == "Add to cart"
