"""A store's shipping zones and VAT rates (one item per store), read at checkout and set by staff.

A zone is a list of countries with one rate: a flat amount, free when the order's subtotal reaches
``free_from``. A country in no zone is not shipped to. VAT rates are per destination country, one
per product tax class (standard, reduced, super-reduced; see orion.orders.pricing). Amounts are
integer minor units of the store's prices' currency.

A store that never saved its settings ships to every country of the checkout form at no charge, with
the default EU rates below, so shops keep working as before until staff set them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pynamodb.attributes import UnicodeAttribute

from orion.catalog.models import TaxClass
from orion.data import keys
from orion.data.table import TableItem, get_or_none
from orion.errors import FieldError, Invalid
from orion.orders.models import COUNTRIES
from orion.tenant import Tenant

MAX_ZONES = 20
MAX_AMOUNT = 100_000_00  # a shipping rate or threshold, minor units

Rate = Annotated[Decimal, Field(ge=0, lt=100, max_digits=4, decimal_places=2)]


class VatRates(BaseModel):
    """One country's VAT rates in percent, by tax class."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    standard: Rate
    reduced: Rate
    super_reduced: Rate

    def rate(self, tax_class: TaxClass) -> Decimal:
        return {
            TaxClass.STANDARD: self.standard,
            TaxClass.REDUCED: self.reduced,
            TaxClass.SUPER_REDUCED: self.super_reduced,
        }[tax_class]


def _rates(standard: str, reduced: str, super_reduced: str) -> VatRates:
    return VatRates(
        standard=Decimal(standard), reduced=Decimal(reduced), super_reduced=Decimal(super_reduced)
    )


# Rates of the EU countries the checkout delivers to (2024); a country without its own super-reduced
# rate repeats its lowest reduced one. Switzerland is outside the EU VAT area: no rates, no VAT.
DEFAULT_VAT_RATES: dict[str, VatRates] = {
    "LU": _rates("17", "8", "3"),
    "BE": _rates("21", "6", "6"),
    "FR": _rates("20", "5.5", "2.1"),
    "DE": _rates("19", "7", "7"),
    "NL": _rates("21", "9", "9"),
    "AT": _rates("20", "10", "10"),
}


class ShippingZone(BaseModel):
    """Countries shipped to at one rate (free at or above ``free_from``, when set)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)
    countries: tuple[str, ...] = Field(min_length=1, max_length=len(COUNTRIES))
    rate: int = Field(ge=0, le=MAX_AMOUNT, description="flat shipping cost, minor units")
    free_from: int | None = Field(
        default=None, ge=0, le=MAX_AMOUNT, description="free shipping from this subtotal (minor units)"
    )

    @field_validator("countries")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = tuple(code.upper() for code in value)
        unknown = [code for code in codes if code not in COUNTRIES]
        if unknown:
            raise ValueError(f"not a country the checkout offers: {', '.join(unknown)}")
        if len(set(codes)) != len(codes):
            raise ValueError("a country may appear only once")
        return codes


class ShippingSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    zones: tuple[ShippingZone, ...] = Field(default=(), max_length=MAX_ZONES)
    vat_rates: dict[str, VatRates] = Field(default_factory=lambda: dict(DEFAULT_VAT_RATES))

    @field_validator("vat_rates")
    @classmethod
    def _countries(cls, value: dict[str, VatRates]) -> dict[str, VatRates]:
        upper = {code.upper(): rates for code, rates in value.items()}
        unknown = [code for code in upper if code not in COUNTRIES]
        if unknown:
            raise ValueError(f"not a country the checkout offers: {', '.join(unknown)}")
        return upper

    @model_validator(mode="after")
    def _one_zone_per_country(self) -> ShippingSettings:
        seen: dict[str, str] = {}
        for zone in self.zones:
            for code in zone.countries:
                if code in seen:
                    raise ValueError(f"{code} is in two zones ({seen[code]}, {zone.name})")
                seen[code] = zone.name
        if len({zone.name for zone in self.zones}) != len(self.zones):
            raise ValueError("zone names must be unique")
        return self

    def ships_to(self, country: str) -> bool:
        return any(country in zone.countries for zone in self.zones)

    @property
    def countries(self) -> list[str]:
        """The countries shipped to, in the checkout form's order."""
        return [code for code in COUNTRIES if self.ships_to(code)]


DEFAULT_SETTINGS = ShippingSettings(
    zones=(ShippingZone(name="All countries", countries=tuple(COUNTRIES), rate=0),)
)


class ShippingSettingsItem(TableItem, discriminator="ShippingSettings"):
    data = UnicodeAttribute()  # the ShippingSettings as JSON


def get_shipping_settings(tenant: Tenant) -> ShippingSettings:
    """The store's shipping zones and VAT rates (the defaults if never saved): one GetItem."""
    pk, sk = keys.shipping_settings_key(tenant.platform, tenant.require_store())
    item = get_or_none(ShippingSettingsItem, pk, sk)
    return ShippingSettings.model_validate_json(item.data) if item else DEFAULT_SETTINGS


def update_shipping_settings(tenant: Tenant, data: object) -> ShippingSettings:
    """Replace the store's settings with ``data`` (a mapping as staff sent it), or Invalid naming each
    wrong field (``zones.0.rate``, ``vat_rates.BE.standard``, ...), nothing written."""
    settings = shipping_settings_from(data)
    pk, sk = keys.shipping_settings_key(tenant.platform, tenant.require_store())
    ShippingSettingsItem(pk, sk, data=settings.model_dump_json()).save()
    return settings


def shipping_settings_from(data: object) -> ShippingSettings:
    """Validated settings, or Invalid with one FieldError per wrong field."""
    if isinstance(data, ShippingSettings):
        return data
    try:
        return ShippingSettings.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(".".join(str(part) for part in problem["loc"]) or "body", problem["msg"])
            for problem in exc.errors()
        ]
        raise Invalid("Check the shipping zones and VAT rates.", errors=errors) from exc
