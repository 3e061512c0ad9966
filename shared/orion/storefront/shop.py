"""The store's catalogue and CMS pages: what each shows, in the shopper's language, how it is cached.

Request budget (DynamoDB, tenant and navigation cached): home 1 Query (featured), listing 1 Query,
product 2 (handle pointer GetItem + product Query), search <= 2, CMS page 1 BatchGetItem. The
navigation (categories, a store's CMS pages, a platform's marketing pages) is cached per container
for ``tenant_cache_ttl_seconds``, like the tenant itself, so a new category shows within a minute.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from jinja2 import TemplateNotFound
from markupsafe import Markup

from orion import runtime
from orion.cache import MISSING, TtlCache
from orion.catalog import service as catalog
from orion.catalog.models import Category, ProductSort, ProductStatus, ProductSummary
from orion.cms import service as cms
from orion.cms.models import DEFAULT_PAGE_TEMPLATE, PageSource, PlatformPageKind
from orion.cms.models import Page as CmsPage
from orion.errors import NotFound
from orion.rendering.i18n import choose_language, format_money, translator
from orion.rendering.links import under
from orion.rendering.theme_settings import Look
from orion.settings import get_settings
from orion.storefront import seo
from orion.storefront.images import shop_image
from orion.storefront.pages import (
    PRIVATE_NO_STORE,
    Page,
    StorefrontPages,
    storefront_pages,
    theme_context,
)
from orion.tenancy.models import HostKind, ResolvedTenant
from orion.tenant import Tenant

SORT_LABELS = {
    ProductSort.NEWEST: "Newest",
    ProductSort.PRICE_ASC: "Price: low to high",
    ProductSort.PRICE_DESC: "Price: high to low",
    ProductSort.TITLE: "Name",
}
FEATURED_COUNT = 8
# "Related products" on a product page: the newest of its first category, itself left out.
RELATED_COUNT = 4
VARY = {"Vary": "Accept-Language"}
# The sitemap and robots.txt: CloudFront keeps them an hour (the index reads a Query per 1,000 products).
SITEMAP_S_MAXAGE = 3600


@dataclass(frozen=True)
class ShopperRequest:
    """What a page needs from the HTTP request: its query and the browser's language preference."""

    query: Mapping[str, str]
    accept_language: str | None = None
    origin: str | None = None  # scheme://host as the shopper's browser used it (None: not known)

    def get(self, name: str) -> str | None:
        value = self.query.get(name)
        return value.strip() if value else None


class Navigation:
    """Per-container cache of what every page's header and footer link to."""

    def __init__(self, ttl: float) -> None:
        self._categories: TtlCache[str, list[Category]] = TtlCache(ttl, max_entries=2048)
        self._store_pages: TtlCache[str, list[CmsPage]] = TtlCache(ttl, max_entries=2048)
        self._marketing: TtlCache[str, list[CmsPage]] = TtlCache(ttl, max_entries=64)
        # The newest products of a category (one Query of its listing), for product pages' "related".
        self._related: TtlCache[tuple[str, str], list[ProductSummary]] = TtlCache(ttl, max_entries=4096)
        # The layout's links in one language, built once per tenant and language rather than per page.
        self._layouts: TtlCache[tuple[str, str], tuple[tuple[object, ...], dict[str, Any]]] = TtlCache(
            ttl, max_entries=4096
        )

    def categories(self, resolved: ResolvedTenant) -> list[Category]:
        return _cached(
            self._categories, str(resolved.tenant), lambda: catalog.list_categories(resolved.tenant)
        )

    def store_pages(self, resolved: ResolvedTenant) -> list[CmsPage]:
        return _cached(self._store_pages, str(resolved.tenant), lambda: cms.list_store_pages(resolved.tenant))

    def marketing_pages(self, platform: str) -> list[CmsPage]:
        return _cached(
            self._marketing, platform, lambda: cms.list_platform_pages(platform, PlatformPageKind.MARKETING)
        )

    def newest_in_category(self, resolved: ResolvedTenant, slug: str) -> list[ProductSummary]:
        """The newest active products of a category, enough to show ``RELATED_COUNT`` besides any one
        of them: one Query of the category's listing, then cached like the navigation."""
        return _cached(
            self._related,
            (str(resolved.tenant), slug),
            lambda: catalog.list_products(resolved.tenant, category=slug, limit=RELATED_COUNT + 1).items,
        )

    def layout(self, resolved: ResolvedTenant, lang: str) -> dict[str, Any]:
        """The header and footer links of a tenant's pages in ``lang`` (read-only: pages share it).

        Built once per tenant, language and navigation load rather than per page: an entry is reused
        only while it was built from the navigation lists cached now, so it never outlives them.
        """
        if resolved.host_kind is HostKind.STORE:
            sources: tuple[object, ...] = (self.categories(resolved), self.store_pages(resolved))
        else:
            sources = (self.marketing_pages(resolved.tenant.platform),)
        key = (f"{resolved.tenant}|{resolved.host_kind.value}", lang)
        cached = self._layouts.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], sources, strict=True)):
            return cached[1]
        layout = self._build_layout(resolved, lang)
        self._layouts.put(key, (sources, layout))
        return layout

    def _build_layout(self, resolved: ResolvedTenant, lang: str) -> dict[str, Any]:
        if resolved.host_kind is HostKind.STORE:
            categories = self.categories(resolved)
            return {
                "categories": [{"slug": c.slug, "name": c.name_in(lang)} for c in categories],
                "category_names": {c.slug: c.name_in(lang) for c in categories},
                "footer_pages": [
                    {"slug": p.slug, "title": p.title_in(lang)}
                    for p in self.store_pages(resolved)
                    if p.published
                ],
            }
        return {
            "marketing_pages": [
                {"slug": p.slug, "title": p.title_in(lang)}
                for p in self.marketing_pages(resolved.tenant.platform)
                if p.published and p.slug not in ("home", "platform_homepage")
            ]
        }


T = TypeVar("T")
K = TypeVar("K")


def _cached(store: TtlCache[K, T], key: K, load: Callable[[], T]) -> T:
    found = store.lookup(key)
    if found is not MISSING:
        return found  # type: ignore[return-value]
    value = load()
    store.put(key, value)
    return value


class ShopPages:
    """Builds each storefront page from the catalogue and CMS, rendered through the tenant's theme."""

    def __init__(self, pages: StorefrontPages, navigation: Navigation) -> None:
        self.pages = pages
        self.navigation = navigation

    # --- shared ---

    def language(self, resolved: ResolvedTenant, request: ShopperRequest) -> str:
        if resolved.store is None:
            default = resolved.platform.default_language
            return choose_language(("en", "fr", "de"), default, request.get("lang"), request.accept_language)
        store = resolved.store
        return choose_language(
            store.languages, store.default_language, request.get("lang"), request.accept_language
        )

    def context(
        self, resolved: ResolvedTenant, lang: str, request: ShopperRequest | None = None
    ) -> dict[str, Any]:
        """What the default theme's layout uses on every page (navigation, translations, money), and
        links that keep a language the shopper chose with ``?lang=``."""
        layout = self.navigation.layout(resolved, lang)
        base = resolved.base_path
        chosen = lang if request is not None and (request.get("lang") or "").lower() == lang else None
        suffix = f"?lang={chosen}" if chosen else ""
        query = dict(request.query) if request is not None else {}

        def link(path: str = "/") -> str:
            return under(base, path) + suffix

        def switch_url(to: str) -> str:
            return "?" + urlencode({**query, "lang": to})

        def site_link(path: str) -> str:
            # A footer link may carry its own query: the chosen language joins it.
            if not chosen:
                return under(base, path)
            head, mark, fragment = path.partition("#")
            joined = head + ("&" if "?" in head else "?") + f"lang={chosen}"
            return under(base, joined + mark + fragment)

        return {
            **theme_context(resolved, lang, site_link),
            "lang": lang,
            "lang_param": chosen,
            "link": link,
            "switch_url": switch_url,
            "t": translator(lang),
            "money": lambda amount, currency: format_money(int(amount), str(currency), lang),
            **{name: value for name, value in layout.items() if name != "category_names"},
        }

    def not_found(
        self, resolved: ResolvedTenant, request: ShopperRequest, message: str | None = None
    ) -> Page:
        """The 404 page in the shopper's language, with the store's navigation."""
        lang = self.language(resolved, request)
        page = self.pages.not_found(resolved, message, self.context(resolved, lang, request))
        return dataclasses.replace(page, headers={**page.headers, **VARY})

    def error(
        self, resolved: ResolvedTenant, request: ShopperRequest, status: int, title: str, message: str
    ) -> Page:
        """An error page (4xx, 5xx) in the shopper's language, with the store's navigation."""
        lang = self.language(resolved, request)
        page = self.pages.error(resolved, status, title, message, self.context(resolved, lang, request))
        return dataclasses.replace(page, headers={**page.headers, **VARY})

    def private_page(
        self,
        resolved: ResolvedTenant,
        request: ShopperRequest,
        template: str,
        context: dict[str, Any],
        status: int = 200,
    ) -> Page:
        """A page of one shopper (cart, checkout, account) in their language: never stored by a cache."""
        lang = self.language(resolved, request)
        full = {**self.context(resolved, lang, request), **context}
        return self.pages.render(resolved, template, full, status=status, cache_control=PRIVATE_NO_STORE)

    def languages(self, resolved: ResolvedTenant) -> tuple[str, ...]:
        return tuple(resolved.store.languages) if resolved.store else ("en", "fr", "de")

    def site(self, resolved: ResolvedTenant, request: ShopperRequest) -> seo.Site | None:
        """Where the tenant's pages live for this shopper (None: the request named no host)."""
        return seo.Site(request.origin, resolved.base_path) if request.origin else None

    def _links(
        self,
        resolved: ResolvedTenant,
        request: ShopperRequest,
        lang: str,
        path: str | None = None,
        keep: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        site = self.site(resolved, request)
        if site is None:
            return {}
        chosen = lang if (request.get("lang") or "").lower() == lang else None
        return seo.page_links(
            site,
            path or resolved.path,
            query=request.query,
            keep=keep,
            languages=self.languages(resolved),
            chosen_lang=chosen,
        )

    def _page(
        self,
        resolved: ResolvedTenant,
        request: ShopperRequest,
        lang: str,
        template: str,
        context: dict[str, Any],
        *,
        path: str | None = None,
        keep: tuple[str, ...] = (),
        **kw: Any,
    ) -> Page:
        """A public page; one shown (200) names its canonical address and language alternates."""
        links = self._links(resolved, request, lang, path, keep) if kw.get("status", 200) == 200 else {}
        full = {**self.context(resolved, lang, request), **links, **context}
        page = self.pages.render(resolved, template, full, **kw)
        return dataclasses.replace(page, headers={**page.headers, **VARY})

    # --- store pages ---

    def home(self, resolved: ResolvedTenant, request: ShopperRequest) -> Page:
        lang = self.language(resolved, request)
        featured = _summaries(
            catalog.list_products(resolved.tenant, featured=True, limit=FEATURED_COUNT).items,
            lang,
            resolved.tenant,
        )
        t = translator(lang)
        name = resolved.store.name if resolved.store else resolved.platform.name
        lead = t("Welcome to {name}! Have a look around.", name=name)
        if featured:
            lead = f"{lead} {t('Featured products')}"
        description = seo.page_description(lead, [p["title"] for p in featured])
        return self._page(
            resolved, request, lang, "home.html", {"featured": featured, "meta_description": description}
        )

    def listing(self, resolved: ResolvedTenant, request: ShopperRequest, category_slug: str | None) -> Page:
        lang = self.language(resolved, request)
        category: Category | None = None
        if category_slug is not None:
            category = next(
                (c for c in self.navigation.categories(resolved) if c.slug == category_slug), None
            )
            if category is None:
                raise NotFound("We could not find that category.")
        sort = _sort(request.get("sort"))
        after = request.get("after")
        found = catalog.list_products(resolved.tenant, sort=sort, after=after, category=category_slug)
        base = f"/categories/{category_slug}" if category_slug else "/products"
        products = _summaries(found.items, lang, resolved.tenant)
        heading = category.name_in(lang) if category else translator(lang)("All products")
        store_name = resolved.store.name if resolved.store else resolved.platform.name
        lead = (category.description if category else None) or f"{heading} · {store_name}"
        return self._page(
            resolved,
            request,
            lang,
            "listing.html",
            {
                "heading": category.name_in(lang) if category else None,
                "breadcrumbs": [
                    {"name": translator(lang)("Home"), "path": "/"},
                    {
                        "name": category.name_in(lang) if category else translator(lang)("All products"),
                        "path": None,
                    },
                ],
                "category": None
                if category is None
                else {
                    "slug": category.slug,
                    "name": category.name_in(lang),
                    "description": category.description,
                },
                "products": products,
                "meta_description": seo.page_description(lead, [p["title"] for p in products]),
                "sort": sort.value,
                "sorts": [{"value": s.value, "label": label} for s, label in SORT_LABELS.items()],
                "listing_path": base,
                "next_cursor": found.next_cursor,
                "is_first_page": after is None,
            },
            # Each page of a listing is its own page for a crawler: its cursor (and sort) stay.
            keep=("sort", "after"),
        )

    def product(self, resolved: ResolvedTenant, request: ShopperRequest, handle: str) -> Page:
        lang = self.language(resolved, request)
        product = catalog.get_product_by_handle(resolved.tenant, handle)
        if product.status is ProductStatus.DRAFT:
            raise NotFound("We could not find that product.")
        if product.status is ProductStatus.ARCHIVED:
            return self._page(
                resolved,
                request,
                lang,
                "gone.html",
                {
                    "title": product.title_in(lang),
                    "message": translator(lang)("This product is no longer sold."),
                },
                status=410,
            )
        categories: dict[str, str] = self.navigation.layout(resolved, lang)["category_names"]
        variants = [
            {
                "sku": v.sku,
                "label": v.label,
                "price": v.price,
                "compare_at_price": v.compare_at_price,
                "currency": v.currency,
                "stock": v.stock,
                "in_stock": v.in_stock,
                "orderable": v.orderable,  # in stock, or sold on backorder
                "low_stock": 0 < v.stock <= 5,
                "gtin": v.gtin,
            }
            for v in product.variants
        ]
        first_available = next((v["sku"] for v in variants if v["orderable"]), None)
        shown_categories = [{"slug": s, "name": categories[s]} for s in product.categories if s in categories]
        related = (
            [
                item
                for item in self.navigation.newest_in_category(resolved, shown_categories[0]["slug"])
                if item.id != product.id
            ][:RELATED_COUNT]
            if shown_categories
            else []
        )
        path = f"/products/{product.handle}"
        links = self._links(resolved, request, lang, path)
        site = self.site(resolved, request)
        # Uploaded images (media:<id>) as their variants; descriptions follow each image as shown.
        shown = {entry: shop_image(resolved.tenant, entry, product.media) for entry in product.shown_images}
        images = [image for image in shown.values() if image is not None]
        image_alts = {
            image: product.image_alts[entry]
            for entry, image in shown.items()
            if image is not None and entry in product.image_alts
        }
        page_product = {
            "title": product.title_in(lang),
            "brand": product.brand,
            "gtin": product.gtin,
            "images": [str(image) for image in images],
        }
        meta = (
            seo.product_meta(
                site,
                links["canonical_url"],
                page_product,
                variants,
                seo.plain_text(product.description_in(lang)),
            )
            if site is not None
            else {}
        )
        return self._page(
            resolved,
            request,
            lang,
            "product.html",
            {
                "seo_product": meta,
                "product": {
                    "id": product.id,
                    "handle": product.handle,
                    "title": product.title_in(lang),
                    # Sanitised HTML when stored (every write path cleans it with nh3): shown as HTML.
                    "description": Markup(product.description_in(lang)),  # noqa: S704
                    "brand": product.brand,
                    "gtin": product.gtin,
                    "images": images,
                    # The alternative text staff wrote per image (the console's product form).
                    "image_alts": image_alts,
                    "in_stock": product.in_stock,
                    "orderable": product.orderable,
                    "categories": shown_categories,
                },
                # Home > its first category > the product (the breadcrumbs), and more from that category.
                "breadcrumbs": [
                    {"name": translator(lang)("Home"), "path": "/"},
                    *(
                        [
                            {
                                "name": shown_categories[0]["name"],
                                "path": f"/categories/{shown_categories[0]['slug']}",
                            }
                        ]
                        if shown_categories
                        else []
                    ),
                    {"name": product.title_in(lang), "path": None},
                ],
                "related": _summaries(related, lang, resolved.tenant),
                "variants": variants,
                "selected_sku": first_available,
                "max_quantity": 99,
            },
            path=path,
        )

    def search(self, resolved: ResolvedTenant, request: ShopperRequest) -> Page:
        lang = self.language(resolved, request)
        query = (request.get("q") or "")[:100]
        limit = catalog.SEARCH_LIMIT
        results = catalog.search_products(resolved.tenant, query, limit=limit + 1) if query else []
        return self._page(
            resolved,
            request,
            lang,
            "search.html",
            {
                "query": query,
                "products": _summaries(results[:limit], lang, resolved.tenant),
                "searched": bool(query),
                "more": len(results) > limit,  # say so: the search shows the first matches only
            },
            keep=("q",),
        )

    def store_page(self, resolved: ResolvedTenant, request: ShopperRequest, slug: str) -> Page:
        lang = self.language(resolved, request)
        page = cms.resolve_store_page(resolved.tenant, slug)
        context = {"page": _cms(page, lang, resolved)}
        template = page.template or DEFAULT_PAGE_TEMPLATE
        path = f"/pages/{slug}"  # /<slug> shows the same page: one canonical address
        try:
            return self._page(resolved, request, lang, template, context, path=path)
        except TemplateNotFound:
            if template == DEFAULT_PAGE_TEMPLATE:
                raise
            # The page's template left the theme since it was chosen: the page still shows.
            return self._page(resolved, request, lang, DEFAULT_PAGE_TEMPLATE, context, path=path)

    def preview_store_page(self, resolved: ResolvedTenant, page: CmsPage, lang: str | None = None) -> str:
        """``page`` (a draft, not saved) as shoppers would see it, rendered with the store's theme in
        the theme preview's sandbox and limits (:func:`orion.cms.theme.preview`): a template that
        fails is a 422 naming the failure rather than the shoppers' silent fallback."""
        from orion.cms import theme
        from orion.storefront.pages import store_context

        store = resolved.store
        lang = lang or (store.default_language if store else resolved.platform.default_language)
        context = {
            **store_context(resolved),
            **self.context(resolved, lang),
            "page": _cms(page, lang, resolved),
        }
        templates = theme.page_templates(resolved.tenant)
        template = page.template if page.template in templates else DEFAULT_PAGE_TEMPLATE
        return theme.preview(resolved.tenant, template, None, context)

    def preview_look(self, resolved: ResolvedTenant, look: Look, lang: str | None = None) -> str:
        """The home page (a store's, or the platform's own site's) as shoppers would see it with
        ``look`` in effect: theme settings not saved yet, rendered through the tenant's theme exactly
        like the page itself (its templates, navigation and featured products)."""
        resolved = dataclasses.replace(resolved, look=look)
        request = ShopperRequest(query={"lang": lang} if lang else {})
        if resolved.store is not None:
            return self.home(resolved, request).html
        return self.platform_home(resolved, request).html

    def preview_template(self, resolved: ResolvedTenant, name: str, source: str | None) -> str:
        """A theme template (``source`` standing in for the stored one, if given) rendered with the
        store's theme in the theme preview's sandbox and limits, with the layout's context and a sample
        CMS page; a failure is a 422 naming it."""
        from orion.cms import theme
        from orion.storefront.pages import store_context

        store = resolved.store
        lang = store.default_language if store else resolved.platform.default_language
        sample = {
            "slug": "preview",
            "title": "Preview",
            "body_html": "<p>Sample text of a page.</p>",
            "lang": lang,
            "meta_description": "",
            "source": PageSource.STORE_CUSTOM.value,
        }
        context = {**store_context(resolved), **self.context(resolved, lang), "page": sample}
        return theme.preview(resolved.tenant, name, source, context)

    # --- for crawlers ---

    def _document(self, body: str, content_type: str) -> Page:
        cache = f"public, max-age=0, s-maxage={SITEMAP_S_MAXAGE}"
        return Page(200, body, cache, content_type=content_type)

    def _crawled_site(self, resolved: ResolvedTenant, request: ShopperRequest) -> seo.Site:
        site = self.site(resolved, request)
        if site is None:
            raise NotFound()
        return site

    def robots(self, resolved: ResolvedTenant, request: ShopperRequest) -> Page:
        """``/robots.txt``: everything but a shopper's own pages, and (on a store) where the sitemap is."""
        site = self._crawled_site(resolved, request)
        return self._document(seo.robots_txt(site, resolved.host_kind is HostKind.STORE), seo.TEXT)

    def sitemap_index(self, resolved: ResolvedTenant, request: ShopperRequest) -> Page:
        """``/sitemap.xml``: the store's pages, then one sitemap per page of products, each linked by
        the cursor it starts at (one keys-only Query per page of products to find them; each page is
        then one Query). Cached by CloudFront for ``SITEMAP_S_MAXAGE``."""
        site = self._crawled_site(resolved, request)
        cursors = catalog.sitemap_page_cursors(resolved.tenant)
        locations = [site.url("/sitemap-pages.xml")] + [
            site.url("/sitemap-products.xml", [("after", cursor)] if cursor else []) for cursor in cursors
        ]
        return self._document(seo.sitemap_index(locations), seo.XML)

    def sitemap_products(self, resolved: ResolvedTenant, request: ShopperRequest) -> Page:
        """``/sitemap-products.xml[?after=<cursor>]``: up to ``SITEMAP_PAGE_SIZE`` products, one Query."""
        site = self._crawled_site(resolved, request)
        found = catalog.list_sitemap_products(resolved.tenant, after=request.get("after"))
        paths = [f"/products/{item.handle}" for item in found.items]
        return self._document(seo.urlset(site, paths, self.languages(resolved)), seo.XML)

    def sitemap_pages(self, resolved: ResolvedTenant, request: ShopperRequest) -> Page:
        """``/sitemap-pages.xml``: home, all products, each category and published CMS page (from the
        navigation cache: no request beyond it)."""
        site = self._crawled_site(resolved, request)
        paths = ["/", "/products"]
        paths += [f"/categories/{c.slug}" for c in self.navigation.categories(resolved)]
        paths += [f"/pages/{p.slug}" for p in self.navigation.store_pages(resolved) if p.published]
        return self._document(seo.urlset(site, paths, self.languages(resolved)), seo.XML)

    # --- platform site ---

    def platform_home(self, resolved: ResolvedTenant, request: ShopperRequest) -> Page:
        lang = self.language(resolved, request)
        extra = _platform_offer(resolved)
        try:
            page = cms.get_marketing_page(resolved.tenant.platform, "home")
        except NotFound:
            return self._page(resolved, request, lang, "platform_home.html", extra)
        return self._page(
            resolved, request, lang, "platform_home.html", {**extra, "page": _cms(page, lang, resolved)}
        )

    def marketing_page(self, resolved: ResolvedTenant, request: ShopperRequest, slug: str) -> Page:
        lang = self.language(resolved, request)
        page = cms.get_marketing_page(resolved.tenant.platform, slug)
        return self._page(resolved, request, lang, "page.html", {"page": _cms(page, lang, resolved)})

    def cms(self, resolved: ResolvedTenant, request: ShopperRequest, slug: str) -> Page:
        """``/<slug>`` and ``/pages/<slug>``: a store's page on a store host, a marketing page on the
        platform's own host."""
        if resolved.host_kind is HostKind.STORE:
            return self.store_page(resolved, request, slug)
        if resolved.host_kind is HostKind.PLATFORM:
            return self.marketing_page(resolved, request, slug)
        raise NotFound()


def _platform_offer(resolved: ResolvedTenant) -> dict[str, Any]:
    """The platform home's sign-up link, its plans (names and limits from the tier table) and the
    directory of its active stores (links to their subdomains)."""
    from orion.tenancy.stores import list_stores
    from orion.tenancy.tiers import LIMIT_DESCRIPTIONS, PLANS

    platform = resolved.platform
    domain = platform.domains[0] if platform.domains else ""
    plans = [
        {
            "tier": plan.tier.value,
            "name": plan.name,
            "limits": [
                {"limit": limit.value, "what": LIMIT_DESCRIPTIONS[limit], "max": maximum}
                for limit, maximum in plan.limits.items()
            ],
        }
        for plan in PLANS.values()
    ]
    stores = [
        {
            "code": store.code,
            "name": store.name,
            "url": (
                f"{resolved.base_path}/stores/{store.code}/"
                if resolved.base_path
                else f"//{store.code}.{domain}/"
            ),
        }
        for store in list_stores(resolved.tenant)
        if store.is_active
    ]
    return {"signup_url": f"{resolved.base_path}/signup", "plans": plans, "directory": stores}


def _sort(value: str | None) -> ProductSort:
    try:
        return ProductSort(value) if value else ProductSort.NEWEST
    except ValueError:
        return ProductSort.NEWEST


def _card_image(item: ProductSummary, tenant: Tenant) -> str | None:
    if item.image is None:
        return None
    return shop_image(tenant, item.image, {item.image_media.id: item.image_media} if item.image_media else {})


def _summaries(items: list[ProductSummary], lang: str, tenant: Tenant) -> list[dict[str, Any]]:
    return [
        {
            "handle": item.handle,
            "title": item.title_in(lang),
            "price": item.price,
            "compare_at_price": item.compare_at_price,
            "currency": item.currency,
            "has_price_range": item.has_price_range,
            "image": _card_image(item, tenant),
            "brand": item.brand,
        }
        for item in items
    ]


def _cms(page: CmsPage, lang: str, resolved: ResolvedTenant) -> dict[str, Any]:
    written_by_store = page.source in (PageSource.STORE_OVERRIDE, PageSource.STORE_CUSTOM)
    owner_default = (
        resolved.store.default_language
        if written_by_store and resolved.store
        else resolved.platform.default_language
    )
    return {
        "slug": page.slug,
        "title": page.title_in(lang),
        "body_html": page.body_in(lang),
        "lang": page.language_in(lang, owner_default),
        # What staff wrote for search results, else the page's opening text.
        "meta_description": page.meta_description
        or seo.plain_text(page.body_in(lang), seo.META_DESCRIPTION_LENGTH),
        "source": page.source.value,
    }


@runtime.singleton
def shop_pages() -> ShopPages:
    """The container's shop pages (navigation cache kept warm across invocations)."""
    return ShopPages(storefront_pages(), Navigation(get_settings().tenant_cache_ttl_seconds))
