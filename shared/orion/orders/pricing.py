"""What an order costs: subtotal, shipping for the destination, the VAT it includes per rate, total.

Pure functions over integer minor units (no reads). Prices are entered VAT-inclusive, as EU shops
show them, so VAT is never added: it is the part of each gross amount that is tax,
``round(gross * rate / (100 + rate))`` per rate (half up), and ``total = subtotal + shipping``.

The VAT rate is the destination country's rate for the product's tax class (EU distance selling
above the EU-wide threshold, declared through the One-Stop Shop); a destination without VAT rates in
the store's settings (Switzerland: no EU VAT) includes no VAT. Shipping is taxed at the destination's
standard rate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from orion.catalog.models import TaxClass
from orion.orders.errors import not_shipped_to
from orion.orders.models import COUNTRIES
from orion.orders.shipping import ShippingSettings, ShippingZone


@dataclass(frozen=True)
class PricedLine:
    """A line to price: its gross amount (VAT included, minor units) and its product's tax class."""

    amount: int
    tax_class: TaxClass = TaxClass.STANDARD


@dataclass(frozen=True)
class VatAmount:
    """The VAT included at one rate (percent, e.g. ``"17"`` or ``"5.5"``), in minor units."""

    rate: str
    amount: int


@dataclass(frozen=True)
class Totals:
    subtotal: int
    shipping: int
    vat: tuple[VatAmount, ...]
    total: int

    def as_json(self) -> dict[str, object]:
        return {
            "subtotal": self.subtotal,
            "shipping": self.shipping,
            "vat": [{"rate": v.rate, "amount": v.amount} for v in self.vat],
            "total": self.total,
        }


def included_vat(gross: int, rate: Decimal) -> int:
    """The VAT inside ``gross`` (VAT included) at ``rate`` percent, rounded half up to a minor unit."""
    if rate <= 0 or gross <= 0:
        return 0
    exact = Decimal(gross) * rate / (Decimal(100) + rate)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shipping_cost(zone: ShippingZone, subtotal: int) -> int:
    """The zone's flat rate, or nothing when the order reaches its free-shipping threshold."""
    if zone.free_from is not None and subtotal >= zone.free_from:
        return 0
    return zone.rate


def zone_for(settings: ShippingSettings, country: str) -> ShippingZone:
    """The zone holding ``country`` (orion.orders.errors.NotShippedTo, a 422 on
    ``country``, if none does)."""
    for zone in settings.zones:
        if country in zone.countries:
            return zone
    raise not_shipped_to(country, COUNTRIES.get(country, country))


def totals(lines: Sequence[PricedLine], country: str, settings: ShippingSettings) -> Totals:
    """What ``lines`` cost delivered to ``country`` (NotShippedTo if the store does not ship there)."""
    subtotal = sum(line.amount for line in lines)
    shipping = shipping_cost(zone_for(settings, country), subtotal)
    rates = settings.vat_rates.get(country)
    gross: dict[Decimal, int] = {}
    if rates is not None:
        for line in lines:
            rate = rates.rate(line.tax_class)
            gross[rate] = gross.get(rate, 0) + line.amount
        gross[rates.standard] = gross.get(rates.standard, 0) + shipping
    vat = tuple(
        VatAmount(rate=_rate_text(rate), amount=included_vat(amount, rate))
        for rate, amount in sorted(gross.items(), reverse=True)
        if rate > 0 and amount > 0
    )
    return Totals(subtotal=subtotal, shipping=shipping, vat=vat, total=subtotal + shipping)


def _rate_text(rate: Decimal) -> str:
    """``17`` for 17, ``5.5`` for 5.50: the rate as people write it."""
    return format(rate.normalize(), "f")
