"""Catalogue domain models: products with variants, categories, listing summaries and pages."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from orion.catalog.images import MediaImage, is_media_ref, media_id_of
from orion.errors import FieldError, Invalid, NotFound
from orion.money import CurrencyCode
from orion.numbers import WholeNumber

TRANSLATION_LANGUAGES = ("en", "fr", "de", "lb")
# A product's write is one DynamoDB transaction (<= 100 items): these bounds keep it under the limit
# (see products.writer.ProductWriter.save for the arithmetic).
MAX_VARIANTS = 12
MAX_CATEGORIES = 3
MAX_IMAGES = 10
MAX_IMAGE_ALT = 300
MAX_SEARCH_TOKENS = 8
MAX_STOCK = 1_000_000
MAX_PAGE_SIZE = 100  # items on one page of any catalogue list (listings, the low-stock list)

HANDLE_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
GTIN_PATTERN = re.compile(r"^\d{8}$|^\d{12,14}$")


def _valid_handle(value: str) -> str:
    if not HANDLE_PATTERN.fullmatch(value):
        raise ValueError("must be 1-100 characters of a-z, 0-9 and '-', not starting or ending with '-'")
    return value


def _valid_sku(value: str) -> str:
    if not SKU_PATTERN.fullmatch(value):
        raise ValueError("must be 1-64 characters of letters, digits, '.', '_', '/' and '-'")
    return value


def _valid_gtin(value: str | None) -> str | None:
    if value is not None and not GTIN_PATTERN.fullmatch(value):
        raise ValueError("must be 8, 12, 13 or 14 digits")
    return value


def _valid_language(value: str) -> str:
    if value not in TRANSLATION_LANGUAGES:
        raise ValueError(f"must be one of {', '.join(TRANSLATION_LANGUAGES)}")
    return value


def _valid_images(value: tuple[str, ...]) -> tuple[str, ...]:
    for image in value:
        if is_media_ref(image) and media_id_of(image) is None:
            raise ValueError(f"{image[:40]!r}: an uploaded image is named media:<its 26-character id>")
    return value


Handle = Annotated[str, AfterValidator(_valid_handle)]
Slug = Annotated[str, AfterValidator(_valid_handle)]
Sku = Annotated[str, AfterValidator(_valid_sku)]
Gtin = Annotated[str | None, AfterValidator(_valid_gtin)]
Language = Annotated[str, AfterValidator(_valid_language)]
MinorUnits = Annotated[WholeNumber, Field(ge=0, le=100_000_000)]


def slugify(text: str) -> str:
    """A URL handle from a title: accents folded, lower-case, words joined by '-' (at most 100 chars)."""
    folded = fold(text)
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:100].strip("-")
    return slug or "item"


def fold(text: str) -> str:
    """Lower-case, accent-free text for sorting and searching ("Crème Brûlée" -> "creme brulee")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def check_language_offered(lang: str, offered: Sequence[str]) -> None:
    """A translation (of a product or a category) may be in ``lang`` only if Orion has the language
    (else NotFound) and the store offers it (``offered``, else Invalid)."""
    if lang not in TRANSLATION_LANGUAGES:
        raise NotFound.worded(
            "Orion has no language {lang} (it offers {languages}).",
            lang=repr(lang),
            languages=", ".join(TRANSLATION_LANGUAGES),
        )
    if lang not in offered:
        raise Invalid(
            f"The store does not offer the language {lang!r} (its languages: {', '.join(offered)}); "
            "add it in the store's settings first.",
            errors=[FieldError("lang", f"must be one of {', '.join(offered)}")],
        )


class ProductStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class TaxClass(StrEnum):
    """Which of the destination country's VAT rates a product is sold at (Luxembourg: 17, 8, 3 %)."""

    STANDARD = "standard"
    REDUCED = "reduced"
    SUPER_REDUCED = "super_reduced"


class ProductSort(StrEnum):
    """Storefront listing orders (the values are the ``?sort=`` query values)."""

    NEWEST = "newest"
    PRICE_ASC = "price-asc"
    PRICE_DESC = "price-desc"
    TITLE = "title"


class Translation(BaseModel):
    """A product's title and description in one language (missing parts fall back to the default)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)


MAX_OPTION_NAME = 40
MAX_OPTION_VALUE = 100
OptionName = Annotated[str, Field(min_length=1, max_length=MAX_OPTION_NAME)]
OptionValue = Annotated[str, Field(min_length=1, max_length=MAX_OPTION_VALUE)]


class Variant(BaseModel):
    """One buyable version of a product; prices in minor units (cents) of ``currency``.

    ``backorder``: the variant keeps selling when out of stock (Shopify's inventory policy
    "continue"); an order takes the stock there is and backorders the rest (see orion.orders)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    options: dict[OptionName, OptionValue] = Field(default_factory=dict, max_length=3)
    price: MinorUnits
    compare_at_price: MinorUnits | None = None
    currency: CurrencyCode = "EUR"
    stock: WholeNumber = Field(default=0, ge=0, le=MAX_STOCK)
    backorder: bool = False
    gtin: Gtin = None

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def orderable(self) -> bool:
        """Whether a shopper can order it now: in stock, or sold on backorder."""
        return self.in_stock or self.backorder

    def backordered(self, quantity: int, stock: int) -> int:
        """Of ``quantity`` ordered when ``stock`` is left, how many units wait for new stock."""
        return max(0, quantity - stock) if self.backorder else 0

    @property
    def label(self) -> str:
        """The option values, e.g. "Red / M" (empty for a single-variant product)."""
        return " / ".join(self.options.values())


class VariantInput(BaseModel):
    """A variant staff add to an existing product; its currency defaults to the product's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    options: dict[OptionName, OptionValue] = Field(default_factory=dict, max_length=3)
    price: MinorUnits
    compare_at_price: MinorUnits | None = None
    currency: CurrencyCode | None = None
    stock: WholeNumber = Field(default=0, ge=0, le=MAX_STOCK)
    backorder: bool = False
    gtin: Gtin = None


class VariantChanges(BaseModel):
    """What staff may change on a variant: absent fields stay as they are, ``compare_at_price: null``
    removes it. The SKU names the variant and stock moves only by adjustment (never overwritten)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    price: MinorUnits | None = None
    compare_at_price: MinorUnits | None = None
    options: dict[OptionName, OptionValue] | None = Field(default=None, max_length=3)
    backorder: bool | None = None

    @model_validator(mode="after")
    def _meaningful(self) -> VariantChanges:
        if not self.model_fields_set:
            raise ValueError("name at least one of price, compare_at_price, options, backorder")
        for name in ("price", "options", "backorder"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class ProductInput(BaseModel):
    """What staff, imports and demo data give to create or replace a product."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    handle: Handle | None = None
    description: str = Field(default="", max_length=20_000)
    status: ProductStatus = ProductStatus.DRAFT
    # Each an address (https://...) or an uploaded image, ``media:<id>`` (see orion.catalog.images).
    images: Annotated[tuple[str, ...], AfterValidator(_valid_images)] = Field(
        default=(), max_length=MAX_IMAGES
    )
    # Alternative text of an image (by its entry in ``images``) for shoppers who cannot see it.
    image_alts: dict[str, Annotated[str, Field(max_length=MAX_IMAGE_ALT)]] = Field(
        default_factory=dict, max_length=MAX_IMAGES
    )
    categories: tuple[Slug, ...] = Field(default=(), max_length=MAX_CATEGORIES)
    translations: dict[Language, Translation] = Field(default_factory=dict)
    brand: str | None = Field(default=None, max_length=120)
    gtin: Gtin = None
    external_id: str | None = Field(default=None, min_length=1, max_length=200)
    featured: bool = False
    # The VAT rate class its prices (VAT included) are sold at: see orion.orders.pricing.
    tax_class: TaxClass = TaxClass.STANDARD
    variants: tuple[Variant, ...] = Field(min_length=1, max_length=MAX_VARIANTS)

    @model_validator(mode="after")
    def _consistent(self) -> ProductInput:
        skus = [v.sku for v in self.variants]
        if len(set(skus)) != len(skus):
            raise ValueError("variant SKUs must be unique within a product")
        if len({v.currency for v in self.variants}) > 1:
            raise ValueError("all variants of a product must share one currency")
        if len(set(self.categories)) != len(self.categories):
            raise ValueError("categories must not repeat")
        return self


class Product(ProductInput):
    """A product as stored: an id, a handle, timestamps, and its variants.

    ``media``: for each uploaded image its ``images`` name (by media id), what a page needs to draw it
    (size, variant widths), copied from the media record when the image was added to the product.

    ``image_sources``: for an image an import named by address and Orion fetched into the store's
    media, the address it came from (by media id): a re-import naming the same address keeps the
    image. ``image_failures``: addresses an import named whose image could not be fetched, with the
    reason; pages draw a placeholder instead (see :attr:`shown_images`).

    ``source`` (a product from a feed): the feed's last values of the fields a store can override, by
    field name (``title``, ``price`` by SKU, ``title.fr`` ...); ``overrides``: the fields the store
    changed since, which a re-import leaves alone (see products.overrides). Empty for other products."""

    id: str
    handle: Handle
    created_at: datetime
    updated_at: datetime
    media: dict[str, MediaImage] = Field(default_factory=dict)
    image_sources: dict[str, str] = Field(default_factory=dict)
    image_failures: dict[str, str] = Field(default_factory=dict)
    source: dict[str, Any] = Field(default_factory=dict)
    overrides: tuple[str, ...] = ()
    # The saved import source (orion.imports.sources) that last published it; None for other products.
    source_id: str | None = None

    @property
    def shown_images(self) -> tuple[str, ...]:
        """The images pages draw: all but addresses whose fetch failed."""
        return tuple(image for image in self.images if image not in self.image_failures)

    def title_in(self, lang: str) -> str:
        translated = self.translations.get(lang)
        return translated.title if translated and translated.title else self.title

    def description_in(self, lang: str) -> str:
        translated = self.translations.get(lang)
        return translated.description if translated and translated.description else self.description

    @property
    def min_price(self) -> int:
        return min(v.price for v in self.variants)

    @property
    def currency(self) -> str:
        return self.variants[0].currency

    @property
    def in_stock(self) -> bool:
        return any(v.in_stock for v in self.variants)

    @property
    def orderable(self) -> bool:
        return any(v.orderable for v in self.variants)

    def variant(self, sku: str) -> Variant | None:
        return next((v for v in self.variants if v.sku == sku), None)

    def summary(self) -> ProductSummary:
        cheapest = min(self.variants, key=lambda v: v.price)
        return ProductSummary(
            id=self.id,
            handle=self.handle,
            title=self.title,
            titles={lang: t.title for lang, t in self.translations.items() if t.title},
            status=self.status,
            price=cheapest.price,
            compare_at_price=cheapest.compare_at_price,
            currency=cheapest.currency,
            has_price_range=len({v.price for v in self.variants}) > 1,
            image=shown[0] if (shown := self.shown_images) else None,
            image_media=self.media.get(media_id_of(shown[0]) or "") if shown else None,
            brand=self.brand,
            created_at=self.created_at,
            tax_class=self.tax_class,
        )


class FeedProduct(BaseModel):
    """What a feed's run needs to know of the store's product with one of its external ids: the product,
    the saved source that last published it (None for others) and the status its feed last gave it
    (``source["status"]``: ``archived`` once a source archived it as gone from its feed)."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    source_id: str | None = None
    feed_status: str | None = None


class ProductSummary(BaseModel):
    """What a listing shows of a product (copied into each listing entry when the product is saved)."""

    model_config = ConfigDict(frozen=True)

    id: str
    handle: str
    title: str
    titles: dict[str, str] = Field(default_factory=dict)
    status: ProductStatus
    price: int
    compare_at_price: int | None = None
    currency: str
    has_price_range: bool = False
    # The first of the product's ``images`` (an address or ``media:<id>``), and for an uploaded image
    # what a card needs to draw it.
    image: str | None = None
    image_media: MediaImage | None = None
    brand: str | None = None
    created_at: datetime
    tax_class: TaxClass = TaxClass.STANDARD

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang) or self.title


class ProductList(BaseModel):
    """One page of a listing; ``next_cursor`` goes into ``?after=`` for the next page."""

    items: list[ProductSummary]
    next_cursor: str | None = None


class CategoryInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: Slug
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2_000)
    translations: dict[Language, str] = Field(default_factory=dict)
    position: int = Field(default=0, ge=0, le=9999)


class Category(CategoryInput):
    def name_in(self, lang: str) -> str:
        return self.translations.get(lang) or self.name


class VariantRef(BaseModel):
    """A variant found by SKU, with what a cart line needs to show it."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    handle: str
    title: str
    titles: dict[str, str] = Field(default_factory=dict)
    status: ProductStatus
    image: str | None = None  # an address (an uploaded image's fallback JPEG)
    tax_class: TaxClass = TaxClass.STANDARD
    variant: Variant
