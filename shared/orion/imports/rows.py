"""Row validation: normalised records become staged products (JSON-ready) or lists of row errors.

Prices accept the shapes feeds really contain (``12.50 EUR``, ``12,50``, ``EUR 1.234,56``, ``€9``) and
become integer minor units; availability is mapped to four values; GTINs must carry a valid check
digit; links must be absolute http(s) URLs.

This is the hot path of process_batch (tests/bench/bench_import_row_pipeline.py), so it is shaped for
throughput: pydantic validates a whole chunk of rows in one call against a schema of native
constraints only (no Python validators called back per field), the per-field rules (price, GTIN,
URL, availability) are plain Python that runs only when the field is non-empty, and error objects
are built only for rows that have errors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Required

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    with_config,
)
from typing_extensions import TypedDict

from orion.catalog.models import MAX_OPTION_NAME, MAX_OPTION_VALUE, ProductStatus, TaxClass
from orion.imports.models import (
    RecordBatch,
    RowError,
    SourceRecord,
    StagedProduct,
    StagedStatus,
    StagedVariant,
)
from orion.rendering.sanitize import sanitize_markup

MAX_PRICE_MINOR = 100_000_000_00  # one hundred million in major units
_CURRENCY = re.compile(r"[A-Z]{3}")
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "CHF": "CHF"}
# Prices are ASCII digits: \d would also match other scripts' digits, which feeds do not use.
_SIMPLE_PRICE = re.compile(r"([0-9]{1,12})(?:[.,]([0-9]{1,2}))?(?: ?([A-Z]{3}))?")
_NUMBER = re.compile(r"^[0-9]{1,3}(?:[ .,'][0-9]{3})*(?:[.,][0-9]+)?$|^[0-9]+(?:[.,][0-9]+)?$")
_LINK_SEPARATOR = re.compile(r"[|,]")
_HTTP_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)
# A column of links joined by newlines: every line blank or a link (\S never matches a newline).
_LINK = r"(?:https?://[^\s/?#@]+(?:[/?#]\S*)?)?"
_HTTP_URL_LINES = re.compile(rf"{_LINK}(?:\n{_LINK})*", re.IGNORECASE)
# Minor units of the decimals of a price: "" -> 0, "5" -> 50, "05" -> 5.
_CENTS = {"": 0, **{f"{n}": n * 10 for n in range(10)}, **{f"{n:02d}": n for n in range(100)}}
# What the ASCII codes add to a GTIN's weighted sum, per length: ord("0") times the sum of weights.
_GTIN_OFFSETS = {n: ord("0") * ((n + 1) // 2 + 3 * (n // 2)) for n in (8, 12, 13, 14)}
# A column of GTINs of one length joined by newlines (ASCII digits only: [0-9], not \d).
_SAME_LENGTH_GTINS = {n: re.compile(rf"[0-9]{{{n}}}(?:\n[0-9]{{{n}}})*") for n in _GTIN_OFFSETS}

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

# Shopify's values of its product-level and inventory columns (lower-cased; blank: not said).
PRODUCT_STATUSES = frozenset(status.value for status in ProductStatus)
STATUS_MESSAGE = "The Status must be active, draft or archived."
SHOPIFY_BOOLEANS = {"true": True, "false": False}
PUBLISHED_MESSAGE = "Published must be TRUE or FALSE."
GIFT_CARD_MESSAGE = (
    "Gift cards are not imported: Orion cannot issue gift card codes, so selling this product would take "
    "shoppers' money for a card they never receive. The rest of the file is imported."
)
TAX_CLASSES = frozenset(tax_class.value for tax_class in TaxClass)
TAX_CLASS_MESSAGE = f"The tax class must be one of: {', '.join(tax_class.value for tax_class in TaxClass)}."
INVENTORY_POLICIES = {"": False, "deny": False, "continue": True}  # backorder allowed?
INVENTORY_POLICY_MESSAGE = "The inventory policy must be deny or continue."
# Shopify's option of a product without options: its one variant is no choice for the shopper.
NO_OPTIONS = ("Title", "Default Title")

GTIN_MESSAGE = "is not a valid GTIN (8, 12, 13 or 14 digits with a correct check digit)"
URL_MESSAGE = "is not an absolute http(s) URL"
_AVAILABILITY_OR_BLANK = {**AVAILABILITY, "": "in_stock"}
AVAILABILITY_MESSAGE = "Availability must be one of: in stock, out of stock, preorder, backorder."


# --- field rules (plain Python, called only for non-empty values) -----------------------------------


def parse_price(text: str, currency: str) -> int:
    """``12.50 EUR`` / ``12,50`` / ``1.234,56 €`` -> minor units in ``currency`` (2 decimals)."""
    simple = _SIMPLE_PRICE.fullmatch(text)
    if simple and (simple.group(3) or currency) == currency:
        # The common shapes ("12.50", "12,5", "12.50 EUR") without Decimal: a price per row adds up.
        whole, cents = simple.group(1, 2)
        minor = int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
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
    offset = _GTIN_OFFSETS.get(len(value))
    if offset is None or not (value.isascii() and value.isdigit()):
        return False
    # From the right, digits weigh 1 (the check digit), 3, 1, 3, ...; a valid GTIN sums to a multiple
    # of 10. Summing the ASCII bytes and taking off their offset saves an int() per digit.
    digits = value.encode()
    return (sum(digits[-1::-2]) + 3 * sum(digits[-2::-2]) - offset) % 10 == 0


def invalid_gtins(values: Sequence[str]) -> list[int]:
    """The indices of the non-blank values that are not valid GTINs.

    A column of GTINs of one length (the usual feed) is checked digit position by digit position: the
    digits at one position of every GTIN are one slice of the column's bytes, so the weighted sums
    come from a few C-level passes instead of a function call per GTIN."""
    length = len(values[0]) if values else 0
    offset = _GTIN_OFFSETS.get(length)
    shape = _SAME_LENGTH_GTINS.get(length)
    if offset is None or shape is None or not shape.fullmatch("\n".join(values)):
        return [i for i, value in enumerate(values) if value and not gtin_is_valid(value)]
    digits = "".join(values).encode()
    ones = zip(*(digits[k::length] for k in range(length - 1, -1, -2)), strict=True)
    threes = zip(*(digits[k::length] for k in range(length - 2, -1, -2)), strict=True)
    totals = zip(map(sum, ones), map(sum, threes), strict=True)
    return [i for i, (one, three) in enumerate(totals) if (one + 3 * three - offset) % 10]


# --- the schema pydantic checks, a chunk at a time --------------------------------------------------

Title = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Description = Annotated[str, StringConstraints(max_length=20_000)]
Name = Annotated[str, StringConstraints(max_length=200)]  # brand, item group
Code = Annotated[str, StringConstraints(max_length=100)]  # mpn
Category = Annotated[str, StringConstraints(max_length=500)]


@with_config(ConfigDict(strict=True, extra="ignore"))
class FeedColumns(TypedDict, total=False):
    """A chunk's canonical fields, column by column: one tuple of strings per field (blank = absent).

    pydantic-core checks every cell against native constraints only, in one call per chunk (no Python
    validator is called back per cell); the value rules (price, GTIN, URL, availability) run afterwards
    in plain Python. Strict and without transformations (the readers strip the cells), so each value
    is the same whether read from the input or from pydantic's output."""

    title: Required[tuple[Title, ...]]
    description: tuple[Description, ...]
    price: tuple[str, ...]
    sale_price: tuple[str, ...]
    currency: tuple[str, ...]
    availability: tuple[str, ...]
    brand: tuple[Name, ...]
    gtin: tuple[str, ...]
    mpn: tuple[Code, ...]
    condition: tuple[str, ...]
    link: tuple[str, ...]
    image_link: tuple[str, ...]
    additional_image_link: tuple[str, ...]
    image_links: tuple[str, ...]
    category: tuple[Category, ...]
    item_group_id: tuple[Name, ...]
    product_type: tuple[str, ...]
    status: tuple[str, ...]
    published: tuple[str, ...]
    gift_card: tuple[str, ...]
    tax_class: tuple[str, ...]


_FEED_COLUMNS = TypeAdapter(FeedColumns)


class VariantRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    sku: str = Field(default="", max_length=100)
    price: str = Field(min_length=1)
    compare_at_price: str = ""
    stock: str = ""
    gtin: str = ""
    inventory_policy: str = ""


_FIELD_COLUMNS = {"category": "google_product_category", "external_id": "id", "gift_card": "gift card"}
_STAGED = StagedStatus.STAGED.value

StagedData = dict[str, Any]


class _Problems:
    """The errors of a batch by record index; built only when something is wrong."""

    def __init__(self, batch: RecordBatch) -> None:
        self.rows = batch.rows
        self.by_index: dict[int, list[RowError]] = {}

    def add(self, index: int, field: str, value: str, message: str, row: int | None = None) -> None:
        error = RowError(
            row=row or self.rows[index],
            column=_FIELD_COLUMNS.get(field, field),
            value=value[:200],
            message=message,
        )
        self.by_index.setdefault(index, []).append(error)

    def add_schema(self, exc: ValidationError, columns: Mapping[str, Sequence[str]]) -> None:
        for problem in exc.errors(include_url=False, include_context=False, include_input=False):
            loc = problem["loc"]
            field = str(loc[0]) if loc else ""
            message = str(problem["msg"])
            if len(loc) > 1:
                index = int(loc[1])
                self.add(index, field, columns[field][index], message)
            else:  # the whole column (a required one missing): every record has the problem
                for index in range(len(self.rows)):
                    self.add(index, field, "", message)


@dataclass(frozen=True)
class StagedBatch:
    """What became of a batch: the staged rows of its valid records (in batch order) and the errors
    of the others, by record index."""

    products: list[StagedData]
    errors: dict[int, list[RowError]]


def stage_record(record: SourceRecord, job_id: str, currency: str) -> StagedData | list[RowError]:
    """:func:`stage_batch` for one record."""
    staged = stage_batch(RecordBatch.of([record]), job_id, currency)
    return staged.errors[0] if staged.errors else staged.products[0]


def validate_record(record: SourceRecord, job_id: str, currency: str) -> StagedProduct | list[RowError]:
    """The staged product of one record, or every problem found in it."""
    data = stage_record(record, job_id, currency)
    return data if isinstance(data, list) else StagedProduct.model_validate(data)


def stage_batch(batch: RecordBatch, job_id: str, currency: str) -> StagedBatch:
    """For each record, what staging stores (the fields of :class:`StagedProduct`, JSON-ready) or every
    problem found in it (all at once, the value rules included).

    pydantic checks the columns in one call, then each value rule runs over its column, then one
    staged dict is made per record."""
    count = len(batch)
    columns: dict[str, Sequence[str]] = dict(zip(batch.columns, batch.values, strict=True))
    problems = _Problems(batch)
    try:
        _FEED_COLUMNS.validate_python(columns)
    except ValidationError as exc:
        problems.add_schema(exc, columns)
    blank = ("",) * count

    def column(name: str) -> Sequence[str]:
        return columns.get(name) or blank

    _check_currency(column("currency"), currency, problems)
    availability = _availability(column("availability"), problems)
    gtins = column("gtin")
    if any(gtins):
        for index in invalid_gtins(gtins):
            problems.add(index, "gtin", gtins[index], GTIN_MESSAGE)
    links = column("link")
    _check_links(links, "link", problems)
    images = _images(column("image_link"), column("additional_image_link"), column("image_links"), problems)
    descriptions = column("description")
    if any("<" in text for text in descriptions):
        descriptions = [sanitize_markup(text) for text in descriptions]
    sale_prices = _prices(column("sale_price"), "sale_price", currency, problems, required=False)
    statuses = _product_statuses(column("status"), column("published"), problems)
    _refuse_gift_cards(column("gift_card"), problems)
    tax_classes = _tax_classes(column("tax_class"), problems)
    variants: Sequence[list[dict[str, Any]] | tuple[()]]
    if batch.variants is not None:
        staged_variants: list[list[dict[str, Any]]] = [[] for _ in range(count)]
        prices = [
            _variant_prices(index, raw, currency, staged_variants[index], problems)
            for index, raw in enumerate(batch.variants)
        ]
        variants = staged_variants
    else:
        variants = [()] * count  # one shared empty (JSON) array: nothing changes staged data later
        prices = _prices(column("price"), "price", currency, problems, required=True)

    for index in [i for i, price in enumerate(prices) if price is None]:
        if index not in problems.by_index:  # e.g. a Shopify handle without a variant row
            problems.add(index, "price", "", "The product has no price.")
    rows = zip(
        batch.rows,
        batch.external_ids,
        batch.languages,
        column("title"),
        descriptions,
        prices,
        sale_prices,
        availability,
        _or_none(column("brand")),
        _or_none(gtins),
        _or_none(column("mpn")),
        _or_none(column("condition")),
        _or_none(links),
        images,
        _or_none(column("category")),
        _or_none(column("item_group_id")),
        variants,
        statuses,
        strict=True,
    )
    staged: list[StagedData] = [
        {
            "job_id": job_id,
            "external_id": external_id,
            "language": language,
            "row": row,
            "status": _STAGED,
            "title": title,
            "description": description,
            "price_minor": price,
            "currency": currency,
            "sale_price_minor": sale,
            "availability": available,
            "brand": brand,
            "gtin": gtin,
            "mpn": mpn,
            "condition": condition,
            "link": link,
            "image_links": record_images,
            "category": category,
            "item_group_id": group,
            "variants": record_variants,
            "product_status": product_status,
            "published_at": None,
        }
        for (row, external_id, language, title, description, price, sale, available, brand, gtin, mpn,
             condition, link, record_images, category, group, record_variants, product_status) in rows
    ]  # fmt: skip
    if any(tax_classes):  # a rare column: the usual file adds nothing per row (StagedProduct: None)
        for data, tax_class in zip(staged, tax_classes, strict=True):
            data["tax_class"] = tax_class
    failed = problems.by_index
    if failed:
        staged = [data for index, data in enumerate(staged) if index not in failed]
    return StagedBatch(staged, failed)


def _or_none(values: Sequence[str]) -> Sequence[str | None]:
    """The column with None for each blank value (cheap for the usual all-filled or all-blank column)."""
    if all(values):
        return values
    if not any(values):
        return [None] * len(values)
    return [value or None for value in values]


def _check_currency(values: Sequence[str], currency: str, problems: _Problems) -> None:
    for index, value in enumerate(values):
        if value and value.upper() != currency:
            message = f"The store sells in {currency}; prices in {value.upper()} cannot be imported."
            problems.add(index, "currency", value, message)


def _availability(values: Sequence[str], problems: _Problems) -> list[str]:
    mapped = [_AVAILABILITY_OR_BLANK.get(value) for value in values]
    if None not in mapped:
        return mapped  # type: ignore[return-value]  # no None left, see the test above
    result = []
    for index, (value, found) in enumerate(zip(values, mapped, strict=True)):
        spelled = found or AVAILABILITY.get(value.lower())
        if spelled is None:
            problems.add(index, "availability", value, AVAILABILITY_MESSAGE)
        result.append(spelled or "in_stock")
    return result


def _product_statuses(
    statuses: Sequence[str], published: Sequence[str], problems: _Problems
) -> Sequence[str | None]:
    """Per record, the catalogue status the file asks for: Shopify's Status (active, draft, archived),
    draft when Published is FALSE (hidden from the online store: Orion's shop is that store), None
    when the file says nothing (feeds; old Shopify exports of published products)."""
    if not any(statuses) and not any(published):
        return [None] * len(statuses)
    result: list[str | None] = []
    for index, (status_text, published_text) in enumerate(zip(statuses, published, strict=True)):
        status = status_text.lower() or None
        if status is not None and status not in PRODUCT_STATUSES:
            problems.add(index, "status", status_text, STATUS_MESSAGE)
        shown = SHOPIFY_BOOLEANS.get(published_text.lower()) if published_text else True
        if shown is None:
            problems.add(index, "published", published_text, PUBLISHED_MESSAGE)
        elif not shown and status in (None, "active"):
            status = "draft"
        result.append(status)
    return result


def _tax_classes(values: Sequence[str], problems: _Problems) -> Sequence[str | None]:
    """Per record, the VAT rate class the file gives (``standard``, ``reduced``, ``super_reduced``, any
    case); None for a blank cell or no column, so the product keeps its own."""
    if not any(values):
        return [None] * len(values)
    result: list[str | None] = []
    for index, value in enumerate(values):
        tax_class = value.lower() or None
        if tax_class is not None and tax_class not in TAX_CLASSES:
            problems.add(index, "tax_class", value, TAX_CLASS_MESSAGE)
        result.append(tax_class)
    return result


def _refuse_gift_cards(values: Sequence[str], problems: _Problems) -> None:
    """Orion has no gift cards: a product the file marks as one is refused (never sold as a product)."""
    if not any(values):
        return
    for index, value in enumerate(values):
        if value and SHOPIFY_BOOLEANS.get(value.lower()):
            problems.add(index, "gift_card", value, GIFT_CARD_MESSAGE)


def _check_links(values: Sequence[str], field: str, problems: _Problems) -> bool:
    """Report every link of a column that is not an absolute http(s) URL; ``True`` if there is none.

    One match over the whole column for the common case (every link valid or blank); only a column
    with a bad link is checked link by link, to name the rows."""
    if _HTTP_URL_LINES.fullmatch("\n".join(values)):
        return True
    for index, value in enumerate(values):
        if value and not _HTTP_URL.fullmatch(value):
            problems.add(index, field, value, URL_MESSAGE)
    return False


def _images(
    main: Sequence[str], additional: Sequence[str], listed: Sequence[str], problems: _Problems
) -> list[list[str]]:
    """Per record: the main image first, then the additional ones (``|`` or ``,`` separated), each once."""
    if _check_links(main, "image_link", problems):
        images = [[link] if link else [] for link in main]
    else:
        images = [[link] if link and _HTTP_URL.fullmatch(link) else [] for link in main]
    for extra in (additional, listed):
        if not any(extra):
            continue
        for index, text in enumerate(extra):
            if not text:
                continue
            found = images[index]
            for candidate in _LINK_SEPARATOR.split(text):
                link = candidate.strip()
                if not link or link in found:
                    continue
                if _HTTP_URL.fullmatch(link):
                    found.append(link)
                else:
                    problems.add(index, "image", link, "The image link is not an absolute http(s) URL.")
    return images


def _prices(
    values: Sequence[str], field: str, currency: str, problems: _Problems, *, required: bool
) -> list[int | None]:
    """Minor units per record (None for a blank or bad price, which is reported)."""
    if not required and not any(values):
        return [None] * len(values)
    shapes = _price_shapes(currency)
    joined = "\n".join(values)
    if shapes.column.fullmatch(joined):
        # Every price has one of the common shapes ("12", "12.5", "12,50", "12.50 EUR"): one regex pass
        # over the column finds each one's number, and no Decimal is needed.
        found = [int(whole) * 100 + _CENTS[cents] for whole, cents in shapes.number.findall(joined)]
        if len(found) == len(values) and max(found, default=0) <= MAX_PRICE_MINOR:
            return list[int | None](found)
    prices: list[int | None] = []
    for index, text in enumerate(values):
        if not text:
            if required:
                problems.add(index, field, "", "The price is empty.")
            prices.append(None)
            continue
        try:
            prices.append(parse_price(text, currency))
        except ValueError as exc:
            problems.add(index, field, text, f"The price {exc}.")
            prices.append(None)
    return prices


@dataclass(frozen=True)
class _PriceShapes:
    column: re.Pattern[str]  # a column of common-shape prices joined by newlines (none blank)
    number: re.Pattern[str]  # the number of one such price: whole units and decimals


@functools.cache
def _price_shapes(currency: str) -> _PriceShapes:
    price = rf"[0-9]{{1,12}}(?:[.,][0-9]{{1,2}})?(?: ?{re.escape(currency)})?"
    return _PriceShapes(
        re.compile(rf"{price}(?:\n{price})*"), re.compile(r"([0-9]{1,12})(?:[.,]([0-9]{1,2}))?")
    )


def _variant_prices(
    index: int,
    variant_rows: list[dict[str, str]],
    currency: str,
    out: list[dict[str, Any]],
    problems: _Problems,
) -> int | None:
    """Append the valid variants of a Shopify handle to ``out``; their lowest price."""
    for raw in variant_rows:
        row = int(raw.get("row", problems.rows[index]))
        try:
            variant = VariantRow.model_validate(raw)
        except ValidationError as exc:
            for problem in exc.errors(include_url=False, include_context=False, include_input=False):
                field = str(problem["loc"][0]) if problem["loc"] else ""
                problems.add(index, field, raw.get(field, ""), str(problem["msg"]), row)
            continue
        prices: list[int | None] = []
        for column, text in (
            ("variant price", variant.price),
            ("variant compare at price", variant.compare_at_price),
        ):
            try:
                prices.append(parse_price(text, currency) if text else None)
            except ValueError as exc:
                problems.add(index, column, text, f"The price {exc}.", row)
                prices.append(None)
        price, compare_at = prices
        stock = None
        if variant.stock:
            try:
                # Shopify counts oversold units below zero; Orion's stock stops at zero (the units
                # beyond it are backordered on the orders that took them).
                stock = max(0, int(variant.stock))
            except ValueError:
                problems.add(
                    index, "variant inventory qty", variant.stock, "The stock must be a whole number.", row
                )
        backorder = INVENTORY_POLICIES.get(variant.inventory_policy.lower())
        if backorder is None:
            problems.add(
                index, "variant inventory policy", variant.inventory_policy, INVENTORY_POLICY_MESSAGE, row
            )
        options = {
            raw.get(f"option{i}_name", "") or f"Option {i}": raw[f"option{i}_value"]
            for i in (1, 2, 3)
            if raw.get(f"option{i}_value")
        }
        if list(options.items()) == [NO_OPTIONS]:
            options = {}
        too_long = [
            (name, value)
            for name, value in options.items()
            if len(name) > MAX_OPTION_NAME or len(value) > MAX_OPTION_VALUE
        ]
        if too_long:
            name, value = too_long[0]
            message = (
                f"An option's name has at most {MAX_OPTION_NAME} characters and its value at most "
                f"{MAX_OPTION_VALUE}."
            )
            problems.add(index, "option value", f"{name}: {value}", message, row)
            continue
        if price is not None:
            gtin = variant.gtin if variant.gtin and gtin_is_valid(variant.gtin) else None
            out.append(
                StagedVariant(
                    sku=variant.sku or None,
                    options=options,
                    price_minor=price,
                    compare_at_minor=compare_at,
                    stock=stock,
                    gtin=gtin,
                    backorder=bool(backorder),
                ).model_dump(mode="json")
            )
    return min((v["price_minor"] for v in out), default=None)
