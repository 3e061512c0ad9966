"""The default theme in a real browser (Debian's Chromium through Playwright) against the server `make
run` starts, with the demo store's theme settings: home and product pages at 1280 and 390 px wide in
English, French and German never scroll sideways (screenshots under test-artifacts/), the phone menu
opens and closes without JavaScript (keyboard too), the gallery's thumbnails show their picture, and
axe-core finds nothing serious."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.console_browser import serious_violations
from tests.environment import ARTIFACTS
from tests.local_server import LocalServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
WIZAMART = "wizamart.oms.localhost"
PAGES = {"home": "/", "product": "/products/classic-t-shirt"}
WIDTHS = (1280, 390)
LANGUAGES = ("en", "fr", "de")
# How far the page reaches past the window, and the elements that stick out of it (for the message).
OVERFLOW = """() => {
  const width = document.scrollingElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.gallery-main'))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className);
  return {scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth, wide};
}"""


def shop(server: LocalServer, path: str) -> str:
    return f"http://{WIZAMART}:{server.port}{path}"


# slow (make test-deep, which CI runs): screenshots in three languages at two widths; the phone
# menu and gallery tests below keep the theme in Chromium in make test.
@pytest.mark.slow
def test_home_and_product_fit_1280_and_390_px_in_every_language(
    local_server: LocalServer, browser: Any
) -> None:
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            for lang in LANGUAGES:
                for name, path in PAGES.items():
                    page.goto(shop(local_server, f"{path}?lang={lang}"))
                    assert page.locator("html").get_attribute("lang") == lang
                    found = page.evaluate(OVERFLOW)
                    if found["scroll"] > found["inner"] or found["wide"]:
                        problems.append(f"{name} {lang} {width}px: {found}")
                    page.screenshot(path=ARTIFACTS / f"theme-{name}-{lang}-{width}.png", full_page=True)
                    if lang == "fr":
                        violations = serious_violations(page)
                        if violations:
                            problems.append(f"axe on {name} {width}px: {violations}")
        finally:
            context.close()
    assert problems == []


def test_the_phone_menu_works_without_javascript_and_the_wide_header_needs_none(
    local_server: LocalServer, browser: Any
) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    try:
        page = phone.new_page()
        page.goto(shop(local_server, "/?lang=de"))
        products = page.locator(".main-nav a", has_text="Produkte")
        assert not products.is_visible()  # folded away behind the button
        button = page.locator("details.menu > summary")
        assert button.inner_text().strip() == "Menü"
        button.focus()
        page.keyboard.press("Enter")  # a keyboard opens it, as a click does
        assert products.is_visible() and page.locator("#q").is_visible()
        page.screenshot(path=ARTIFACTS / "theme-menu-open-de-390.png")
        page.keyboard.press("Enter")
        assert not products.is_visible()
        button.click()
        products.click()
        page.wait_for_url("**/products?lang=de")
        assert page.locator("h1").inner_text() == "Alle Produkte"
        assert page.locator(".cart-link").is_visible()  # the cart stays one tap away
    finally:
        phone.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    try:
        page = wide.new_page()
        page.goto(shop(local_server, "/"))
        assert not page.locator("details.menu > summary").is_visible()
        assert page.locator(".main-nav a", has_text="Products").is_visible()
        assert page.locator("#q").is_visible() and page.locator(".account-link").is_visible()
    finally:
        wide.close()


def test_a_thumbnail_shows_its_picture_in_the_gallery(local_server: LocalServer, page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(shop(local_server, "/products/classic-t-shirt"))
    thumbnails = page.locator(".thumbs a")
    assert thumbnails.count() == 3
    strip = page.locator(".gallery-main")
    assert strip.evaluate("e => e.scrollLeft") == 0
    thumbnails.nth(2).click()
    # The strip scrolls (smoothly) until the third picture fills it.
    page.wait_for_function(
        """() => Math.abs(document.querySelector('#picture-3').getBoundingClientRect().left
                 - document.querySelector('.gallery-main').getBoundingClientRect().left) < 2"""
    )
    assert strip.evaluate("e => e.scrollLeft") > 0
    # Breadcrumbs and related products from the same category are on the page too.
    assert page.locator(".breadcrumbs li").all_inner_texts() == ["Home", "Clothing", "Classic T-Shirt"]
    assert 0 < page.locator(".related .card").count() <= 4
