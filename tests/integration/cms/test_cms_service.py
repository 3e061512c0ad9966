"""CMS three-tier resolution and tier limits against the table (moto) with the demo tenants."""

from __future__ import annotations

import pytest

from orion.cms import service as cms
from orion.cms.models import PageInput, PageSource, PlatformPageKind
from orion.errors import Invalid, LimitExceeded, NotFound
from orion.tenant import Tenant

WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")


@pytest.fixture
def platform_pages(aws: None) -> None:
    """The demo platforms and stores (tenancy only: the catalogue is not needed here) and a few pages."""
    from infra.local.demo import tenancy

    tenancy.seed(8000)
    cms.put_platform_page("oms", "about", PageInput(title="About (platform)"), PlatformPageKind.STORE_DEFAULT)
    cms.put_platform_page(
        "oms", "shipping", PageInput(title="Shipping (platform)"), PlatformPageKind.STORE_DEFAULT
    )
    cms.put_platform_page("oms", "pricing", PageInput(title="Pricing"), PlatformPageKind.MARKETING)


def test_a_store_override_beats_the_platform_default(platform_pages: None) -> None:
    cms.put_store_page(WIZ, "about", PageInput(title="About Wizamart"))
    assert cms.resolve_store_page(WIZ, "about").title == "About Wizamart"
    assert cms.resolve_store_page(WIZ, "about").source is PageSource.STORE_OVERRIDE
    assert cms.resolve_store_page(BAKERY, "about").title == "About (platform)"


def test_a_page_only_the_platform_defines_is_served(platform_pages: None) -> None:
    page = cms.resolve_store_page(BAKERY, "shipping")
    assert page.source is PageSource.PLATFORM_DEFAULT


def test_a_slug_nobody_defines_is_not_found(platform_pages: None) -> None:
    with pytest.raises(NotFound):
        cms.resolve_store_page(WIZ, "nowhere")
    with pytest.raises(NotFound):
        cms.resolve_store_page(WIZ, "../etc")


def test_marketing_pages_are_not_store_pages(platform_pages: None) -> None:
    assert cms.get_marketing_page("oms", "pricing").title == "Pricing"
    with pytest.raises(NotFound):
        cms.resolve_store_page(WIZ, "pricing")
    with pytest.raises(NotFound):
        cms.get_marketing_page("oms", "shipping")  # a default for stores, not a marketing page


def test_deleting_an_override_brings_the_default_back(platform_pages: None) -> None:
    cms.put_store_page(WIZ, "about", PageInput(title="Mine"))
    cms.delete_store_page(WIZ, "about")
    assert cms.resolve_store_page(WIZ, "about").title == "About (platform)"


def test_page_html_is_sanitised_on_write(platform_pages: None) -> None:
    cms.put_store_page(
        WIZ, "about", PageInput(title="x", body_html='<p onclick="x()">Hi<script>alert(1)</script></p>')
    )
    body = cms.resolve_store_page(WIZ, "about").body_html
    assert "script" not in body
    assert "onclick" not in body
    assert "Hi" in body


def test_tier_limits_on_pages(platform_pages: None) -> None:
    # bakery is on Essential: 3 pages in total, none custom
    with pytest.raises(LimitExceeded):
        cms.put_store_page(BAKERY, "my-story", PageInput(title="custom"))
    cms.put_store_page(BAKERY, "about", PageInput(title="override is fine"))
    # wizamart is on Professional: 5 custom pages
    for index in range(5):
        cms.put_store_page(WIZ, f"custom-{index}", PageInput(title="c"))
    with pytest.raises(LimitExceeded):
        cms.put_store_page(WIZ, "custom-5", PageInput(title="c"))
    cms.put_store_page(WIZ, "custom-0", PageInput(title="replacing an existing page is fine"))


def test_storefront_paths_cannot_be_pages(platform_pages: None) -> None:
    with pytest.raises(Invalid):
        cms.put_store_page(WIZ, "cart", PageInput(title="x"))


def test_listing_a_stores_pages_shows_sources(platform_pages: None) -> None:
    cms.put_store_page(WIZ, "about", PageInput(title="Mine"))
    sources = {page.slug: page.source for page in cms.list_store_pages(WIZ)}
    assert sources == {"about": PageSource.STORE_OVERRIDE, "shipping": PageSource.PLATFORM_DEFAULT}
