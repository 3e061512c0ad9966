"""CMS page models and the per-tier page limits (docs/platform-admin.md, Tiers)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from orion.catalog.models import HANDLE_PATTERN, Language
from orion.tenancy.models import Tier
from orion.tenancy.tiers import Limit, allowance

# Paths the storefront serves itself: a store page may not take them over.
RESERVED_SLUGS = frozenset(
    {"products", "categories", "search", "cart", "checkout", "orders", "pages", "static", "api", "stores"}
    | {"account", "admin"}  # shopper accounts and the store console
)
# The platform marketing site's pages (docs/storefront.md, Pages).
MARKETING_SLUGS = (
    "home", "platform_homepage", "pricing", "about", "contact", "faq", "terms", "privacy", "features",
    "integrations",
)  # fmt: skip

# (total pages a store may own, of which custom pages), None = unlimited. Overrides of platform
# defaults count toward the total only; pages without a platform default are custom. The numbers live
# with every other tier allowance in orion.tenancy.tiers (one source of truth).
TIER_PAGE_LIMITS: dict[Tier, tuple[int | None, int | None]] = {
    tier: (allowance(tier, Limit.PAGES_TOTAL), allowance(tier, Limit.PAGES_CUSTOM)) for tier in Tier
}


def check_page_slug(value: str) -> str:
    if value not in MARKETING_SLUGS and not HANDLE_PATTERN.fullmatch(value):
        raise ValueError("must be 1-100 characters of a-z, 0-9 and '-'")
    return value


PageSlug = Annotated[str, AfterValidator(check_page_slug)]

# The theme templates a page may be shown with: ``page.html`` (the default) or a variant of it
# (``page-wide.html``, ``page-landing.html``) from the store's theme chain.
DEFAULT_PAGE_TEMPLATE = "page.html"
PAGE_TEMPLATE_PATTERN = r"^page(-[a-z0-9][a-z0-9-]{0,40})?\.html$"


class PageSource(StrEnum):
    """Where a resolved page came from (the three tiers of docs/storefront.md, Pages)."""

    STORE_OVERRIDE = "store_override"  # a store's page replacing a platform default
    STORE_CUSTOM = "store_custom"  # a store's page with no platform default
    PLATFORM_DEFAULT = "platform_default"  # the platform's default for stores
    MARKETING = "marketing"  # a page of the platform's own site


class PlatformPageKind(StrEnum):
    STORE_DEFAULT = "STORE_DEFAULT"
    MARKETING = "MARKETING"


class PageTranslation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    body_html: str | None = Field(default=None, max_length=100_000)


class PageInput(BaseModel):
    """What staff or admins write; ``body_html`` is sanitised (nh3) before it is stored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    body_html: str = Field(default="", max_length=100_000)
    meta_description: str = Field(default="", max_length=300)
    # The language title and body_html are written in; None: the owner's default language (the
    # store's for its pages, the platform's for its defaults and marketing pages).
    language: Language | None = None
    translations: dict[Language, PageTranslation] = Field(default_factory=dict)
    published: bool = True
    show_in_footer: bool = False
    position: int = Field(default=0, ge=0, le=9999)
    # The theme template shoppers see the page with; None: page.html. A template the theme does not
    # have (removed since) shows the page with page.html.
    template: str | None = Field(default=None, pattern=PAGE_TEMPLATE_PATTERN)


class Page(PageInput):
    slug: PageSlug
    source: PageSource
    updated_at: datetime

    def title_in(self, lang: str) -> str:
        translated = self.translations.get(lang)
        return translated.title if translated and translated.title else self.title

    def body_in(self, lang: str) -> str:
        translated = self.translations.get(lang)
        return translated.body_html if translated and translated.body_html else self.body_html

    def language_in(self, lang: str, owner_default: str) -> str:
        """The language the page's body is shown in when ``lang`` is asked for (its translation, or
        the language it was written in)."""
        translated = self.translations.get(lang)
        if translated and translated.body_html:
            return lang
        return self.language or owner_default
