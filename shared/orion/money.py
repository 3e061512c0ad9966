"""The currencies Orion prices in: ISO 4217 codes whose minor unit is a hundredth, because money is
stored as integer minor units and shown with two decimals everywhere (pages, e-mails, imports)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

CURRENCIES = frozenset(
    {
        "EUR", "CHF", "GBP", "USD", "CAD", "AUD", "NZD", "DKK", "SEK", "NOK", "PLN", "CZK", "HUF",
        "RON", "BGN", "TRY", "UAH", "MAD", "TND", "ZAR", "BRL", "MXN", "SGD", "HKD", "CNY", "INR",
        "ILS", "AED",
    }
)  # fmt: skip


def _supported(code: str) -> str:
    if code not in CURRENCIES:
        raise ValueError(
            "is not a currency Orion prices in (ISO 4217 codes with two decimals, e.g. EUR, CHF, GBP)"
        )
    return code


CurrencyCode = Annotated[str, AfterValidator(_supported)]
