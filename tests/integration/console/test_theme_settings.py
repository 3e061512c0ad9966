"""Theme settings in the consoles: a store's "Look and colours" page (preview in a sandboxed frame, save,
errors beside their fields, reset to the platform's defaults) and the platform console's store look
defaults, with the staff API's rules and audit records."""

from __future__ import annotations

from html import unescape

import pytest

from orion.tenancy import theme_settings
from orion.tenant import Tenant
from tests.console import signed_in
from tests.integration.console._helpers import audit_actions
from tests.integration.console.test_platform_config import admin, platform_actions
from tests.staff import BAKERY, WIZAMART, call

pytestmark = pytest.mark.usefixtures("demo")
WIZ = Tenant("oms", "wizamart")


@pytest.fixture(autouse=True)
def _wizamart_without_a_look(demo: list[str]) -> None:
    """The demo gives wizamart a look of its own (infra/local/demo/theme.py): these tests start without."""
    from orion.tenancy.theme_settings import reset_store_theme

    reset_store_theme(Tenant("oms", "wizamart"))


FORM = {
    "color_accent": "#AA3300",
    "font": "transitional",
    "home_layout": "hero",
    "hero_heading": "Everything for your home",
    "hero_text": "Chosen in Luxembourg.",
    "hero_heading_fr": "Tout pour la maison",
    "link_label_0": "Shipping",
    "link_url_0": "/pages/shipping",
    "link_label_0_de": "Versand",
}


def test_preview_shows_the_home_page_with_the_form_and_saves_nothing() -> None:
    owner = signed_in("wizamart-owner")
    page = owner.get("/admin/theme/settings")
    assert page.status == 200
    assert 'name="color_accent"' in page.text and 'placeholder="#2b5fd9"' in page.text
    assert 'name="hero_heading_fr"' in page.text and 'name="link_label_0_de"' in page.text  # store languages
    preview = owner.post("/admin/theme/settings", {**FORM, "action": "preview"})
    assert preview.status == 200
    frame = unescape(preview.text.split('srcdoc="', 1)[1].split('"></iframe>', 1)[0])
    assert "--accent:#AA3300" in frame and "Everything for your home" in frame
    assert 'value="#AA3300"' in preview.text  # the form keeps what was typed
    assert theme_settings.store_theme(WIZ).settings.colors is None
    assert "#AA3300" not in call("GET", "/", host=WIZAMART).text


def test_save_reaches_the_shop_and_reset_brings_the_platforms_defaults_back() -> None:
    owner = signed_in("wizamart-owner")
    owner.get("/admin/theme/settings")
    saved = owner.post("/admin/theme/settings", {**FORM, "action": "save"})
    assert saved.status == 303
    stored = theme_settings.store_theme(WIZ).settings
    assert stored.colors and stored.colors.accent == "#AA3300" and stored.font == "transitional"
    assert stored.footer_links and stored.footer_links[0].label_in("de") == "Versand"
    assert stored.hero and stored.hero.text_in("fr").heading == "Tout pour la maison"
    shop = call("GET", "/", host=WIZAMART, query="lang=de").text
    assert "--accent:#AA3300" in shop and '<a href="/pages/shipping?lang=de">Versand</a>' in shop
    page = owner.get("/admin/theme/settings")
    assert 'value="#AA3300"' in page.text and 'value="Tout pour la maison"' in page.text
    assert owner.post("/admin/theme/settings/reset").status == 303
    assert theme_settings.store_theme(WIZ).settings.colors is None
    assert {"theme.settings", "theme.settings.reset"} <= set(audit_actions())


def test_bad_values_are_422_beside_their_fields_and_nothing_is_saved() -> None:
    owner = signed_in("wizamart-owner")
    owner.get("/admin/theme/settings")
    refused = owner.post(
        "/admin/theme/settings",
        {
            "color_accent": "orange",
            "font": "custom",
            "font_custom": "Arial;}",
            "logo": "javascript:alert(1)",
            "link_label_0": "Help",
            "link_url_0": "javascript:alert(1)",
            "action": "save",
        },
    )
    assert refused.status == 422
    for field in ("color_accent", "font_custom", "logo", "link_url_0"):
        assert f'id="e-{field}"' in refused.text, field
    assert "Use a colour like #2b5fd9" in refused.text
    assert theme_settings.store_theme(WIZ).settings.colors is None


def test_an_editor_may_not_and_another_store_sees_nothing() -> None:
    assert signed_in("wizamart-editor").get("/admin/theme/settings").status == 403
    owner = signed_in("wizamart-owner")
    owner.get("/admin/theme/settings")
    owner.post("/admin/theme/settings", {**FORM, "action": "save"})
    bakery = signed_in("bakery-owner", host=BAKERY).get("/admin/theme/settings")
    assert bakery.status == 200 and "#AA3300" not in bakery.text


def test_the_platform_console_sets_the_defaults_stores_inherit() -> None:
    console = admin()
    page = console.get("/admin/theme")
    assert page.status == 200 and 'name="links_inherit"' not in page.text
    preview = console.post("/admin/theme", {"color_accent": "#006400", "action": "preview"})
    assert preview.status == 200 and "--accent:#006400" in unescape(preview.text)
    assert theme_settings.platform_theme(Tenant("oms")).settings.colors is None
    bad = console.post("/admin/theme", {"home_layout": "carousel", "action": "save"})
    assert bad.status == 422 and 'id="e-home_layout"' in bad.text
    assert console.post("/admin/theme", {"color_accent": "#006400", "action": "save"}).status == 303
    assert "--accent:#006400" in call("GET", "/", host=BAKERY).text
    assert "platform.theme" in platform_actions()
    store = signed_in("wizamart-owner").get("/admin/theme/settings")
    assert 'placeholder="#006400"' in store.text  # what the store inherits now
