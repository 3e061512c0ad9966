"""Storefront pages: what each page shows, rendered through the tenant's theme."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from orion import runtime
from orion.modules.registry import route_enabled
from orion.rendering.i18n import format_money, translator
from orion.rendering.links import under
from orion.rendering.template_store import CachedTemplateSource
from orion.rendering.themes import ThemeRenderer, theme_objects
from orion.settings import OrionSettings, get_settings
from orion.tenancy.models import ResolvedTenant

PRIVATE_NO_STORE = "private, no-store"


@dataclass(frozen=True)
class Page:
    """A rendered HTML page and how it may be cached."""

    status: int
    html: str
    cache_control: str
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"  # the sitemap and robots.txt are documents too

    @property
    def etag(self) -> str:
        # A content hash, not a secret: BLAKE2b is the fastest of hashlib's digests on a page this size.
        return '"' + hashlib.blake2b(self.html.encode(), digest_size=16).hexdigest() + '"'


def public_cache_control(settings: OrionSettings) -> str:
    """Catalogue and CMS pages: CloudFront keeps them, browsers revalidate."""
    return (
        f"public, max-age=0, s-maxage={settings.page_s_maxage_seconds}, "
        f"stale-while-revalidate={settings.page_stale_while_revalidate_seconds}"
    )


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether a conditional GET's If-None-Match names ``etag`` (weak comparison, RFC 9110)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def store_context(resolved: ResolvedTenant) -> dict[str, Any]:
    """What every page of a tenant may use: store, platform, links under the tenant's base path."""
    base = resolved.base_path

    def url(path: str = "/") -> str:
        return under(base, path)

    store = resolved.store
    lang = store.default_language if store else resolved.platform.default_language
    return {
        **theme_context(resolved, lang),
        "platform": {"code": resolved.platform.code, "name": resolved.platform.name},
        "store": None
        if store is None
        else {
            "code": store.code,
            "name": store.name,
            "currency": store.currency,
            "default_language": store.default_language,
            "languages": list(store.languages),
        },
        "url": url,
        # Pages rendered through orion.storefront.shop keep a chosen ?lang= in these links.
        "link": url,
        "lang_param": None,
        "switch_url": lambda to: f"?lang={to}",
        "path": resolved.path,
        "lang": lang,
        # Whether the platform sells online (its orders module is on): cart links and buy forms.
        "cart_enabled": store is not None and route_enabled("/cart", resolved.platform.enabled_modules),
        # A plain link on every page (nothing personal: catalogue pages stay publicly cacheable).
        "accounts_enabled": store is not None
        and route_enabled("/account", resolved.platform.enabled_modules),
    }


def theme_context(
    resolved: ResolvedTenant, lang: str, site_link: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """The tenant's theme settings for templates: ``theme`` (logo, favicon, home layout, hero and footer
    links in ``lang``; a footer link to a path of the shop goes through ``site_link``, by default under
    the tenant's base path; images stay as written, like product images) and ``theme_css``, the
    ``:root`` rule of its colours and font (every value was checked to stay inside its declaration, so
    it is not escaped)."""
    look = resolved.look
    variables = look.variables(lang)
    to_site = site_link or (lambda path: under(resolved.base_path, path))
    for link in variables["footer_links"]:
        if link["url"].startswith("/"):
            link["url"] = to_site(link["url"])
    return {"theme": variables, "theme_css": Markup(look.css)}  # noqa: S704 - validated values only


class StorefrontPages:
    """The pages every tenant has before any feature adds more: store home, platform home, 404."""

    def __init__(self, renderer: ThemeRenderer, settings: OrionSettings) -> None:
        self.renderer = renderer
        self.settings = settings

    def render(
        self,
        resolved: ResolvedTenant | None,
        template: str,
        context: dict[str, Any],
        *,
        status: int = 200,
        cache_control: str | None = None,
    ) -> Page:
        base = store_context(resolved) if resolved else _no_tenant_context()
        html = self.renderer.render(resolved.tenant if resolved else None, template, {**base, **context})
        return Page(status, html, cache_control or public_cache_control(self.settings))

    def platform_home(self, resolved: ResolvedTenant) -> Page:
        return self.render(resolved, "platform_home.html", {})

    def not_found(
        self,
        resolved: ResolvedTenant | None,
        message: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> Page:
        """The 404 page; ``context`` carries the shopper's language (``lang``, ``t``, ``money``) and
        the layout's links where the caller knows them (else English)."""
        return self.render(
            resolved,
            "404.html",
            {**(context or {}), "message": message},
            status=404,
            cache_control=f"public, max-age=0, s-maxage={min(self.settings.page_s_maxage_seconds, 30)}",
        )

    def error(
        self,
        resolved: ResolvedTenant | None,
        status: int,
        title: str,
        message: str,
        context: dict[str, Any] | None = None,
    ) -> Page:
        return self.render(
            resolved,
            "error.html",
            {**(context or {}), "status": status, "title": title, "message": message},
            status=status,
            cache_control=PRIVATE_NO_STORE,
        )


def _no_tenant_context() -> dict[str, Any]:
    from orion.rendering.theme_settings import DEFAULT_LOOK

    return {
        "theme": DEFAULT_LOOK.variables("en"),
        "theme_css": Markup(DEFAULT_LOOK.css),  # noqa: S704 - the default theme's own values
        "platform": None,
        "store": None,
        "url": lambda path="/": path,
        "link": lambda path="/": path,
        "lang_param": None,
        "switch_url": lambda to: f"?lang={to}",
        "path": "/",
        "lang": "en",
        "cart_enabled": False,
        "accounts_enabled": False,
    }


@runtime.singleton
def storefront_pages() -> StorefrontPages:
    """The container's page renderer, created on first use and kept warm across invocations."""
    settings = get_settings()
    source = CachedTemplateSource(theme_objects(settings), ttl=settings.template_cache_ttl_seconds)
    # Pages that do not pass their own ``t`` and ``money`` (error pages) get English ones.
    defaults = {
        "t": translator("en"),
        "money": lambda amount, currency: format_money(int(amount), str(currency)),
    }
    renderer = ThemeRenderer(source, render_timeout=settings.render_timeout_seconds, globals_=defaults)
    return StorefrontPages(renderer, settings)
