"""CMS use cases: resolve a store's page through the tiers, manage store and platform pages.

Resolution (docs/storefront.md, Pages): the store's own page -> the platform's default for stores
-> 404, in one BatchGetItem. Marketing pages belong to the platform's own host and are never served
on a store. Page HTML is sanitised with nh3 when written, so templates can render it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from orion import runtime
from orion.cms.models import (
    RESERVED_SLUGS,
    TIER_PAGE_LIMITS,
    Page,
    PageInput,
    PageSource,
    PageTranslation,
    PlatformPageKind,
    check_page_slug,
)
from orion.cms.repository import PageRepository
from orion.errors import FieldError, Invalid, LimitExceeded, NotFound
from orion.rendering.sanitize import sanitize_html
from orion.tenancy.models import Tier
from orion.tenancy.stores import store_profile
from orion.tenant import Tenant

_NOT_FOUND = "We could not find the page you were looking for."


def resolve_store_page(tenant: Tenant, slug: str) -> Page:
    """The page a store's shoppers see at ``slug``: the store's own, else the platform default."""
    if not _is_slug(slug):
        raise NotFound(_NOT_FOUND)
    own, default = runtime.repository(PageRepository).resolve_store_page(tenant, slug)
    if own is not None and own.published:
        return own
    if default is not None and default.published:
        return default
    raise NotFound(_NOT_FOUND)


def get_marketing_page(platform: str, slug: str) -> Page:
    """A page of the platform's own site (home, pricing, about, ...)."""
    page = (
        runtime.repository(PageRepository).get_platform_page(platform, slug, PlatformPageKind.MARKETING)
        if _is_slug(slug)
        else None
    )
    if page is None or not page.published:
        raise NotFound(_NOT_FOUND)
    return page


def list_store_pages(tenant: Tenant) -> list[Page]:
    """What a store's shoppers can reach: its own pages plus the platform defaults it does not
    override, each with its ``source``; by position, then slug."""
    repository = runtime.repository(PageRepository)
    own = {page.slug: page for page in repository.list_store_pages(tenant)}
    defaults = repository.list_platform_pages(tenant.platform, PlatformPageKind.STORE_DEFAULT)
    pages = list(own.values()) + [page for page in defaults if page.slug not in own]
    return sorted(pages, key=lambda page: (page.position, page.slug))


def put_store_page(tenant: Tenant, slug: str, data: PageInput) -> Page:
    """Create or replace a store's page (an override when the platform has a default of that slug,
    otherwise a custom page), within the store's tier limits."""
    _check_store_slug(slug)
    repository = runtime.repository(PageRepository)
    own, default = repository.resolve_store_page(tenant, slug)
    source = PageSource.STORE_OVERRIDE if default is not None else PageSource.STORE_CUSTOM
    if own is None:
        _check_limits(tenant, repository, adding=source)
    page = _page(slug, data, source)
    repository.put_store_page(tenant, page)
    return page


def create_store_page(tenant: Tenant, slug: str, data: PageInput) -> Page:
    """A new page of the store at ``slug`` (an override when the platform has a default there); a
    slug the store already uses is refused rather than replaced."""
    _check_store_slug(slug)
    own, _ = runtime.repository(PageRepository).resolve_store_page(tenant, slug)
    if own is not None:
        raise Invalid(
            f"The store already has a page at {slug!r}.",
            errors=[FieldError("slug", "the store already has a page at this address")],
        )
    return put_store_page(tenant, slug, data)


def get_store_page(tenant: Tenant, slug: str) -> Page:
    """The store's own page at ``slug`` (published or not), for its staff to edit."""
    own = runtime.repository(PageRepository).resolve_store_page(tenant, slug)[0] if _is_slug(slug) else None
    if own is None:
        raise NotFound("The store has no page of its own at this address.")
    return own


def get_store_default(tenant: Tenant, slug: str) -> Page:
    """The platform's default page for stores at ``slug`` (what a store's override replaces)."""
    page = (
        runtime.repository(PageRepository).get_platform_page(
            tenant.platform, slug, PlatformPageKind.STORE_DEFAULT
        )
        if _is_slug(slug)
        else None
    )
    if page is None:
        raise NotFound("The platform has no default page at this address.")
    return page


def override_default(tenant: Tenant, slug: str) -> Page:
    """Copy the platform's default at ``slug`` into the store, to edit it there (counts toward the
    tier's page allowance like any store page)."""
    default = get_store_default(tenant, slug)
    fields = default.model_dump(include=set(PageInput.model_fields))
    return put_store_page(tenant, slug, PageInput(**fields))


@dataclass(frozen=True)
class PageUsage:
    """How many pages the store owns against its tier's allowance (None: unlimited)."""

    tier: Tier
    total: int
    total_limit: int | None
    custom: int
    custom_limit: int | None


def page_usage(tenant: Tenant) -> PageUsage:
    """The store's page count and its tier's allowance ("3 of 10 pages"): one GetItem, one Query."""
    store = store_profile(tenant)
    if store is None:
        raise NotFound("Unknown store.")
    return usage_of(store.tier, runtime.repository(PageRepository).list_store_pages(tenant))


def usage_of(tier: Tier, own: list[Page]) -> PageUsage:
    """The usage of a store on ``tier`` owning ``own`` (its pages: any list with sources, e.g.
    :func:`list_store_pages`'s, whose platform defaults do not count)."""
    own = [page for page in own if page.source in (PageSource.STORE_OVERRIDE, PageSource.STORE_CUSTOM)]
    total_limit, custom_limit = TIER_PAGE_LIMITS[tier]
    custom = sum(1 for page in own if page.source is PageSource.STORE_CUSTOM)
    return PageUsage(tier, len(own), total_limit, custom, custom_limit)


def draft_store_page(tenant: Tenant, slug: str, data: PageInput) -> Page:
    """The page ``data`` would make at ``slug``, sanitised as saving would, without saving it (a
    preview)."""
    _check_store_slug(slug)
    _, default = runtime.repository(PageRepository).resolve_store_page(tenant, slug)
    return _page(slug, data, PageSource.STORE_OVERRIDE if default is not None else PageSource.STORE_CUSTOM)


def delete_store_page(tenant: Tenant, slug: str) -> None:
    """Delete a store's page; an override's platform default shows again."""
    if not _is_slug(slug) or not runtime.repository(PageRepository).delete_store_page(tenant, slug):
        raise NotFound(_NOT_FOUND)


def put_platform_page(platform: str, slug: str, data: PageInput, kind: PlatformPageKind) -> Page:
    """Create or replace a platform default for stores, or a marketing page."""
    _check_slug(slug)
    source = PageSource.MARKETING if kind is PlatformPageKind.MARKETING else PageSource.PLATFORM_DEFAULT
    page = _page(slug, data, source)
    runtime.repository(PageRepository).put_platform_page(platform, page, kind)
    return page


def delete_platform_page(platform: str, slug: str, kind: PlatformPageKind) -> None:
    if not _is_slug(slug) or not runtime.repository(PageRepository).delete_platform_page(
        platform, slug, kind
    ):
        raise NotFound(_NOT_FOUND)


def list_platform_pages(platform: str, kind: PlatformPageKind) -> list[Page]:
    pages = runtime.repository(PageRepository).list_platform_pages(platform, kind)
    return sorted(pages, key=lambda page: (page.position, page.slug))


def _page(slug: str, data: PageInput, source: PageSource) -> Page:
    translations = {
        lang: PageTranslation(
            title=t.title, body_html=sanitize_html(t.body_html) if t.body_html is not None else None
        )
        for lang, t in data.translations.items()
    }
    fields = {**data.model_dump(), "body_html": sanitize_html(data.body_html), "translations": translations}
    return Page(**fields, slug=slug, source=source, updated_at=datetime.now(UTC))


def _check_limits(tenant: Tenant, repository: PageRepository, *, adding: PageSource) -> None:
    store = store_profile(tenant)
    if store is None:
        raise NotFound("Unknown store.")
    usage = usage_of(store.tier, repository.list_store_pages(tenant))
    total_limit, custom_limit, custom = usage.total_limit, usage.custom_limit, usage.custom
    if total_limit is not None and usage.total + 1 > total_limit:
        raise LimitExceeded(
            f"The {store.tier.value} plan allows {total_limit} pages; delete one or upgrade.",
            extra={"limit": "pages_total", "max": total_limit},
        )
    if adding is PageSource.STORE_CUSTOM and custom_limit is not None and custom + 1 > custom_limit:
        raise LimitExceeded(
            f"The {store.tier.value} plan allows {custom_limit} custom pages; override a default page "
            "or upgrade.",
            extra={"limit": "pages_custom", "max": custom_limit},
        )


def _is_slug(slug: str) -> bool:
    try:
        check_page_slug(slug)
    except ValueError:
        return False
    return True


def _check_slug(slug: str) -> None:
    if not _is_slug(slug):
        raise Invalid(errors=[FieldError("slug", "must be 1-100 characters of a-z, 0-9 and '-'")])


def _check_store_slug(slug: str) -> None:
    _check_slug(slug)
    if slug in RESERVED_SLUGS:
        raise Invalid(errors=[FieldError("slug", f"{slug!r} is a storefront path and cannot be a page")])


# --- platform pages (the platform console and the admin API) -------------------------------------------


def get_platform_page(platform: str, slug: str, kind: PlatformPageKind) -> Page:
    """A marketing page or a default for stores (published or not), for platform admins to edit."""
    page = (
        runtime.repository(PageRepository).get_platform_page(platform, slug, kind) if _is_slug(slug) else None
    )
    if page is None:
        raise NotFound("The platform has no such page.")
    return page


def create_platform_page(platform: str, slug: str, data: PageInput, kind: PlatformPageKind) -> Page:
    """A new marketing page or default for stores at ``slug``; a slug the platform already uses for
    that kind is refused rather than replaced."""
    _check_platform_slug(slug, kind)
    if runtime.repository(PageRepository).get_platform_page(platform, slug, kind) is not None:
        raise Invalid(
            f"The platform already has a page at {slug!r}.",
            errors=[FieldError("slug", "the platform already has a page at this address")],
        )
    return put_platform_page(platform, slug, data, kind)


def update_platform_page(platform: str, slug: str, data: PageInput, kind: PlatformPageKind) -> Page:
    """Replace an existing platform page (404 when there is none to replace)."""
    get_platform_page(platform, slug, kind)
    return put_platform_page(platform, slug, data, kind)


def draft_platform_page(slug: str, data: PageInput, kind: PlatformPageKind) -> Page:
    """The page ``data`` would make, sanitised as saving would, without saving it (a preview)."""
    _check_platform_slug(slug, kind)
    source = PageSource.MARKETING if kind is PlatformPageKind.MARKETING else PageSource.PLATFORM_DEFAULT
    return _page(slug, data, source)


def _check_platform_slug(slug: str, kind: PlatformPageKind) -> None:
    """A store default takes a store path, so the storefront's own paths are refused for it."""
    if kind is PlatformPageKind.STORE_DEFAULT:
        _check_store_slug(slug)
    else:
        _check_slug(slug)
