"""The table layout of CMS pages: store pages, platform defaults for stores, marketing pages."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from orion.cms.models import Page, PlatformPageKind
from orion.data import keys
from orion.data.table import TableItem, get_or_none
from orion.tenant import Tenant


class PageItem(TableItem, discriminator="Page"):
    slug = UnicodeAttribute()
    data = UnicodeAttribute()  # the Page as JSON


class PageRepository:
    def resolve_store_page(self, tenant: Tenant, slug: str) -> tuple[Page | None, Page | None]:
        """``(store page, platform default)`` for a slug: one BatchGetItem."""
        platform, store = tenant.platform, tenant.require_store()
        own_key = (keys.store_page_pk(platform, store, slug), keys.PAGE_SK)
        default_key = (keys.platform_page_pk(platform, slug), keys.PLATFORM_STORE_DEFAULT_PAGE_SK)
        own: Page | None = None
        default: Page | None = None
        for item in TableItem.batch_get([own_key, default_key]):
            if isinstance(item, PageItem):
                if (item.pk, item.sk) == own_key:
                    own = Page.model_validate_json(item.data)
                else:
                    default = Page.model_validate_json(item.data)
        return own, default

    def get_platform_page(self, platform: str, slug: str, kind: PlatformPageKind) -> Page | None:
        item = get_or_none(PageItem, keys.platform_page_pk(platform, slug), kind.value)
        return Page.model_validate_json(item.data) if item else None

    def list_store_pages(self, tenant: Tenant) -> list[Page]:
        platform, store = tenant.platform, tenant.require_store()
        return [
            Page.model_validate_json(item.data)
            for item in PageItem.gsi1.query(keys.store_pages_gsi1pk(platform, store))
            if isinstance(item, PageItem)
        ]

    def list_platform_pages(self, platform: str, kind: PlatformPageKind) -> list[Page]:
        return [
            Page.model_validate_json(item.data)
            for item in PageItem.gsi1.query(keys.platform_pages_gsi1pk(platform, kind.value))
            if isinstance(item, PageItem)
        ]

    def put_store_page(self, tenant: Tenant, page: Page) -> None:
        platform, store = tenant.platform, tenant.require_store()
        PageItem(
            keys.store_page_pk(platform, store, page.slug),
            keys.PAGE_SK,
            gsi1pk=keys.store_pages_gsi1pk(platform, store),
            gsi1sk=page.slug,
            slug=page.slug,
            data=page.model_dump_json(),
        ).save()

    def delete_store_page(self, tenant: Tenant, slug: str) -> bool:
        platform, store = tenant.platform, tenant.require_store()
        item = get_or_none(PageItem, keys.store_page_pk(platform, store, slug), keys.PAGE_SK)
        if item is None:
            return False
        item.delete()
        return True

    def put_platform_page(self, platform: str, page: Page, kind: PlatformPageKind) -> None:
        PageItem(
            keys.platform_page_pk(platform, page.slug),
            kind.value,
            gsi1pk=keys.platform_pages_gsi1pk(platform, kind.value),
            gsi1sk=page.slug,
            slug=page.slug,
            data=page.model_dump_json(),
        ).save()

    def delete_platform_page(self, platform: str, slug: str, kind: PlatformPageKind) -> bool:
        item = get_or_none(PageItem, keys.platform_page_pk(platform, slug), kind.value)
        if item is None:
            return False
        item.delete()
        return True
