"""Row validation: a normalised record becomes a :class:`StagedProduct` or a list of row errors.

Prices accept the shapes feeds really contain (``12.50 EUR``, ``12,50``, ``EUR 1.234,56``, ``€9``) and
become integer minor units; availability is mapped to four values; GTINs must carry a valid check
digit; links must be absolute http(s) URLs.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import nh3
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from orion.imports.models import RowError, SourceRecord, StagedProduct, StagedStatus, StagedVariant

MAX_PRICE_MINOR = 100_000_000_00  # one hundred million in major units
_CURRENCY = re.compile(r"[A-Z]{3}")
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "CHF": "CHF"}
_SIMPLE_PRICE = re.compile(r"(\d{1,12})(?:[.,](\d{1,2}))?(?: ?([A-Z]{3}))?")
_NUMBER = re.compile(r"^\d{1,3}(?:[ .,']\d{3})*(?:[.,]\d+)?$|^\d+(?:[.,]\d+)?$")

AVAILABILITY = {
    "in stock": "in_stock",
    "in_stock": "in_stock",
    "instock": "in_stock",
    "available": "in_stock",
    "available for order": "in_stock",
    "en stock": "in_stock",
    "disponible": "in_stock",
    "auf lager": "in_stock",
    "out of stock": "out_of_stock",
    "out_of_stock": "out_of_stock",
    "outofstock": "out_of_stock",
    "sold out": "out_of_stock",
    "rupture de stock": "out_of_stock",
    "ausverkauft": "out_of_stock",
    "preorder": "preorder",
    "pre-order": "preorder",
    "backorder": "backorder",
}


def parse_price(text: str, currency: str) -> int:
    """``12.50 EUR`` / ``12,50`` / ``1.234,56 €`` -> minor units in ``currency`` (2 decimals)."""
    simple = _SIMPLE_PRICE.fullmatch(text)
    if simple and (simple.group(3) or currency) == currency:
        # The common shapes ("12.50", "12,5", "12.50 EUR") without Decimal: a price per row adds up.
        whole, cents = simple.group(1), (simple.group(2) or "").ljust(2, "0")
        minor = int(whole) * 100 + int(cents)
        if minor > MAX_PRICE_MINOR:
            raise ValueError("is too large")
        return minor
    value = text.strip().replace("\u00a0", " ")
    for symbol, code in _SYMBOLS.items():
        if symbol in value:
            value = value.replace(symbol, f" {code} ")
    found = _CURRENCY.findall(value)
    if len(found) > 1:
        raise ValueError("has more than one currency")
    if found:
        if found[0].upper() != currency:
            raise ValueError(f"is in {found[0].upper()}, but the store sells in {currency}")
        value = value.replace(found[0], "")
    number = value.strip().replace(" ", "")
    if number.startswith("-"):
        raise ValueError("must not be negative")
    if not number or not _NUMBER.fullmatch(number):
        raise ValueError("is not a price (examples: 12.50 EUR, 12,50)")
    amount = Decimal(_decimal_text(number))
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("has more than two decimals")
    minor = int(amount * 100)
    if minor > MAX_PRICE_MINOR:
        raise ValueError("is too large")
    return minor


def _decimal_text(number: str) -> str:
    """Decide which of ``.`` and ``,`` is the decimal separator and drop the grouping marks."""
    number = number.replace("'", "")
    last_dot, last_comma = number.rfind("."), number.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal_mark = "." if last_dot > last_comma else ","
    elif last_comma >= 0:
        # "12,5" and "12,50" are decimals; "1,234" and "1,234,567" group thousands.
        decimals = len(number) - last_comma - 1
        decimal_mark = "," if number.count(",") == 1 and decimals != 3 else ""
    else:
        # A single dot is the decimal mark (the Google feed convention); several dots group thousands.
        decimal_mark = "." if number.count(".") == 1 else ""
    grouping = {".", ","} - {decimal_mark}
    for mark in grouping:
        number = number.replace(mark, "")
    try:
        return str(Decimal(number.replace(",", ".")))
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already excludes this
        raise ValueError("is not a price") from exc


def gtin_is_valid(value: str) -> bool:
    """GTIN-8/12/13/14 with a correct GS1 check digit."""
    if len(value) not in (8, 12, 13, 14) or not value.isdigit():
        return False
    body = value[:-1]
    # From the right of the body, digits weigh 3, 1, 3, 1, ...
    total = 3 * sum(map(int, body[::-2])) + sum(map(int, body[-2::-2]))
    return (10 - total % 10) % 10 == int(value[-1])


def _gtin(value: str) -> str:
    if value and not gtin_is_valid(value):
        raise ValueError("is not a valid GTIN (8, 12, 13 or 14 digits with a correct check digit)")
    return value


_HTTP_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)


def _url(value: str | None) -> str | None:
    if value and not _HTTP_URL.fullmatch(value):
        raise ValueError("is not an absolute http(s) URL")
    return value


def _availability(value: str | None) -> str:
    if not value:
        return "in_stock"
    mapped = AVAILABILITY.get(value) or AVAILABILITY.get(value.strip().lower())
    if mapped is None:
        raise ValueError("must be one of: in stock, out of stock, preorder, backorder")
    return mapped


Url = Annotated[str, AfterValidator(_url)]
Gtin = Annotated[str, AfterValidator(_gtin)]


class FeedRow(BaseModel):
    """The canonical fields of one product as strings, checked field by field (blank = absent).

    Only the checks pydantic-core runs natively plus two small validators: this model runs once per
    row, so it stays cheap (see tests/bench/bench_import_row_pipeline.py).
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=20_000)
    price: str = ""
    sale_price: str = ""
    currency: str = ""
    availability: str = ""
    brand: str = Field(default="", max_length=200)
    gtin: Gtin = ""
    mpn: str = Field(default="", max_length=100)
    condition: str = ""
    link: Url = ""
    image_link: Url = ""
    additional_image_link: str = ""
    image_links: str = ""
    category: str = Field(default="", max_length=500)
    item_group_id: str = Field(default="", max_length=200)


class VariantRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    sku: str = Field(default="", max_length=100)
    price: str = Field(min_length=1)
    compare_at_price: str = ""
    stock: str = ""
    gtin: str = ""


_FIELD_COLUMNS = {"category": "google_product_category", "external_id": "id"}


def _errors_of(exc: ValidationError, row: int, values: dict[str, str]) -> list[RowError]:
    errors = []
    for problem in exc.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        message = str(problem["msg"]).removeprefix("Value error, ")
        errors.append(
            RowError(
                row=row,
                column=_FIELD_COLUMNS.get(field, field),
                value=values.get(field, "")[:200],
                message=message,
            )
        )
    return errors


class _RecordCheck:
    """Collects the errors of one record while its fields are converted."""

    def __init__(self, record: SourceRecord, currency: str) -> None:
        self.record = record
        self.currency = currency
        self.errors: list[RowError] = []

    def error(self, column: str, value: str, message: str, row: int | None = None) -> None:
        self.errors.append(
            RowError(row=row or self.record.row, column=column, value=value[:200], message=message)
        )

    def price(self, column: str, text: str | None, row: int | None = None) -> int | None:
        if not text:
            return None
        try:
            return parse_price(text, self.currency)
        except ValueError as exc:
            self.error(column, text, f"The price {exc}.", row)
            return None

    def availability(self, value: str | None) -> str:
        try:
            return _availability(value)
        except ValueError as exc:
            self.error("availability", value or "", f"Availability {exc}.")
            return "in_stock"

    def variants(self) -> list[StagedVariant]:
        variants: list[StagedVariant] = []
        for raw in self.record.variants:
            row = int(raw.get("row", self.record.row))
            try:
                variant = VariantRow.model_validate(raw)
            except ValidationError as exc:
                self.errors.extend(_errors_of(exc, row, raw))
                continue
            price = self.price("variant price", variant.price, row)
            compare_at = self.price("variant compare at price", variant.compare_at_price, row)
            stock = None
            if variant.stock:
                try:
                    stock = int(variant.stock)
                except ValueError:
                    self.error(
                        "variant inventory qty", variant.stock, "The stock must be a whole number.", row
                    )
            options = {
                raw.get(f"option{i}_name", "") or f"Option {i}": raw[f"option{i}_value"]
                for i in (1, 2, 3)
                if raw.get(f"option{i}_value")
            }
            if price is not None:
                gtin = variant.gtin if variant.gtin and gtin_is_valid(variant.gtin) else None
                variants.append(
                    StagedVariant(
                        sku=variant.sku or None,
                        options=options,
                        price_minor=price,
                        compare_at_minor=compare_at,
                        stock=stock,
                        gtin=gtin,
                    )
                )
        return variants

    def images(self, row: FeedRow) -> list[str]:
        images = [link for link in (row.image_link,) if link]
        for extra in (row.additional_image_link, row.image_links):
            for candidate in re.split(r"[|,]", extra or ""):
                link = candidate.strip()
                if not link:
                    continue
                try:
                    checked = _url(link)
                except ValueError:
                    self.error("image", link, "The image link is not an absolute http(s) URL.")
                    continue
                if checked and checked not in images:
                    images.append(checked)
        return images


StagedData = dict[str, Any]


def validate_record(record: SourceRecord, job_id: str, currency: str) -> StagedProduct | list[RowError]:
    """The staged product of one record, or every problem found in it."""
    data = stage_record(record, job_id, currency)
    return data if isinstance(data, list) else StagedProduct.model_validate(data)


def stage_record(record: SourceRecord, job_id: str, currency: str) -> StagedData | list[RowError]:
    """What staging stores for one record (the fields of :class:`StagedProduct`, JSON-ready), or every
    problem found in it. The pipeline's hot path: the row is validated once, by :class:`FeedRow`."""
    try:
        row = FeedRow.model_validate(record.fields)
    except ValidationError as exc:
        return _errors_of(exc, record.row, record.fields)
    check = _RecordCheck(record, currency)
    if row.currency and row.currency.upper() != currency:
        check.error(
            "currency",
            row.currency,
            f"The store sells in {currency}; prices in {row.currency.upper()} cannot be imported.",
        )
    availability = check.availability(row.availability)
    variants = check.variants()
    if record.variants:
        price = min((v.price_minor for v in variants), default=None)
    elif row.price:
        price = check.price("price", row.price)
    else:
        price = None
        check.error("price", "", "The price is empty.")
    sale_price = check.price("sale_price", row.sale_price)
    images = check.images(row)
    if check.errors or price is None:
        return check.errors or [RowError(row=record.row, column="price", message="The product has no price.")]
    return {
        "job_id": job_id,
        "external_id": record.external_id,
        "language": record.language,
        "row": record.row,
        "status": StagedStatus.STAGED.value,
        "title": row.title,
        "description": nh3.clean(row.description) if "<" in row.description else row.description,
        "price_minor": price,
        "currency": currency,
        "sale_price_minor": sale_price,
        "availability": availability,
        "brand": row.brand or None,
        "gtin": row.gtin or None,
        "mpn": row.mpn or None,
        "condition": row.condition or None,
        "link": row.link or None,
        "image_links": images,
        "category": row.category or None,
        "item_group_id": row.item_group_id or None,
        "variants": [variant.model_dump(mode="json") for variant in variants],
        "published_at": None,
    }
