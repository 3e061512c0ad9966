"""The currencies Orion prices in: ISO 4217 codes whose minor unit is a hundredth, because money is
stored as integer minor units and shown with two decimals everywhere (pages, e-mails, imports)."""

from __future__ import annotations

import re
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


_AMOUNT = re.compile(r"^(\d{1,9})(?:[.,](\d{1,2}))?$")


def parse_amount(text: str) -> int:
    """A decimal amount as people type it (``12.50``, ``12,5``, ``12``) -> integer minor units
    (hundredths, as every currency Orion prices in); ValueError for anything else."""
    found = _AMOUNT.fullmatch(text.strip())
    if found is None:
        raise ValueError("is not an amount like 12.50")
    whole, cents = found.group(1), (found.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(cents)
