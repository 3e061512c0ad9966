"""Theme settings through the staff API and the admin API: a store sets its look without code, inherits
its platform's defaults field by field, previews before saving, and bad values are 422s naming the
field; stores and platforms never see each other's."""

from __future__ import annotations

from typing import Any

import pytest

from orion.tenant import Tenant
from tests.integration.admin.test_admin_api import admin, admin_token
from tests.staff import BAKERY, CAFE, OMS_API, WIZAMART, ApiResponse, call, token_of

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _wizamart_without_a_look(demo: list[str]) -> None:
    """The demo gives wizamart a look of its own (infra/local/demo/theme.py): these tests start without."""
    from orion.tenancy.theme_settings import reset_store_theme

    reset_store_theme(Tenant("oms", "wizamart"))


SHIPPING = {"label": "Shipping", "url": "/pages/shipping", "labels": {"fr": "Livraison", "de": "Versand"}}


def theme(method: str, body: Any = None, *, host: str = WIZAMART, who: str = "wizamart-owner") -> ApiResponse:
    return call(method, "/api/v1/theme/settings", host=host, body=body, token=token_of(who, host))


def shop(path: str = "/", host: str = WIZAMART, query: str = "") -> str:
    page = call("GET", path, host=host, query=query)
    assert page.status == 200, page.text[:300]
    return page.text


def test_a_store_sets_its_look_and_the_shop_shows_it() -> None:
    before = theme("GET").json()
    assert before["settings"]["colors"] is None and before["settings"]["home_layout"] is None
    assert before["effective"]["colors"]["accent"] == "#2b5fd9"  # the default theme's
    assert "system" in before["fonts"]

    body = {
        "colors": {"accent": "#AA3300", "background": "#FFF8F0"},
        "font": '"Iowan Old Style", Georgia, serif',
        "home_layout": "list",
        "logo": "https://cdn.example.com/wizamart/logo.svg",
        "favicon": "/media/oms/wizamart/favicon.png",
        "footer_links": [SHIPPING, {"label": "Instagram", "url": "https://instagram.com/wizamart"}],
    }
    saved = theme("PUT", body)
    assert saved.status == 200, saved.text
    out = saved.json()
    assert out["settings"]["colors"]["accent"] == "#AA3300"
    assert out["effective"]["colors"]["text"] == "#1d2330"  # not set: inherited
    assert "--accent:#AA3300" in out["effective"]["css"]
    assert theme("GET").json()["settings"] == out["settings"]

    home = call("GET", "/", host=WIZAMART)
    assert home.headers["cache-control"].startswith("public")  # still one page for every shopper
    assert "--accent:#AA3300;" in home.text  # verbatim, as the store wrote it
    assert '--font:"Iowan Old Style", Georgia, serif' in home.text
    assert 'class="rows"' in home.text and 'class="grid"' not in home.text  # the list layout
    assert 'src="https://cdn.example.com/wizamart/logo.svg"' in home.text
    assert '<link rel="icon" href="/media/oms/wizamart/favicon.png">' in home.text
    assert '<a href="/pages/shipping">Shipping</a>' in home.text
    assert '<a href="/pages/shipping?lang=fr">Livraison</a>' in shop(query="lang=fr")
    assert '<a href="https://instagram.com/wizamart">Instagram</a>' in shop(query="lang=de")
    audit = call("GET", "/api/v1/audit", token=token_of("wizamart-owner")).json()["entries"]
    assert "theme.settings" in [entry["action"] for entry in audit]


BAD = [
    ({"colors": {"accent": "red"}}, "body.colors.accent"),
    ({"colors": {"accent": "#12345"}}, "body.colors.accent"),
    ({"colors": {"text": "#1234567"}}, "body.colors.text"),
    ({"colors": {"glow": "#123456"}}, "body.colors.glow"),
    ({"font": "Arial;} body{display:none"}, "body.font"),
    ({"font": "x</style><script>alert(1)</script>"}, "body.font"),
    ({"font": 12}, "body.font"),
    ({"home_layout": "carousel"}, "body.home_layout"),
    ({"logo": "javascript:alert(1)"}, "body.logo"),
    ({"logo": "http://cdn.example.com/logo.png"}, "body.logo"),
    ({"favicon": "/media/../secrets"}, "body.favicon"),
    ({"favicon": 'https://x.example/" onload="x'}, "body.favicon"),
    ({"hero": {"text": "no heading"}}, "body.hero.heading"),
    ({"hero": {"heading": "Hi", "image": "data:image/png;base64,AAAA"}}, "body.hero.image"),
    (
        {"hero": {"heading": "Hi", "translations": {"es": {"heading": "Hola"}}}},
        "body.hero.translations.es.[key]",
    ),
    ({"footer_links": [{"label": "x", "url": "javascript:alert(1)"}]}, "body.footer_links.0.url"),
    ({"footer_links": [{"label": "x", "url": "//evil.example/"}]}, "body.footer_links.0.url"),
    ({"footer_links": [{"label": "", "url": "/about"}]}, "body.footer_links.0.label"),
    ({"footer_links": [{"label": f"L{n}", "url": "/about"} for n in range(9)]}, "body.footer_links"),
    ({"layout": "grid"}, "body.layout"),
]


def test_values_outside_the_allowed_set_are_422s_naming_the_field_and_nothing_changes() -> None:
    owner = token_of("wizamart-owner")
    for body, field in BAD:
        for path in ("/api/v1/theme/settings", "/api/v1/theme/settings/preview"):
            refused = call("PUT" if path.endswith("settings") else "POST", path, body=body, token=owner)
            assert refused.status == 422, (body, refused.status, refused.text[:300])
            assert refused.headers["content-type"] == "application/problem+json"
            assert field in [e["field"] for e in refused.json()["errors"]], (body, refused.json())
    assert call("PUT", "/api/v1/theme/settings", body=[1], token=owner).status == 422
    assert theme("GET").json()["settings"]["colors"] is None
    assert "--accent:#2b5fd9" in shop()


def test_stores_inherit_the_platforms_defaults_field_by_field_and_can_reset() -> None:
    defaults = {
        "colors": {"accent": "#006400", "text": "#111111"},
        "font": "humanist",
        "footer_links": [{"label": "Help", "url": "https://help.oms.lu/"}],
    }
    saved = admin("PUT", "/theme/settings", defaults)
    assert saved.status == 200, saved.text
    assert saved.json()["effective"]["font_stack"].startswith("Seravek")
    assert admin("GET", "/theme/settings").json()["settings"]["colors"]["accent"] == "#006400"
    assert theme("PUT", {"colors": {"accent": "#AA3300"}, "footer_links": []}).status == 200

    view = theme("GET").json()
    assert view["inherited"]["colors"]["text"] == "#111111"
    assert view["effective"]["colors"] | {} == {**view["effective"]["colors"], "accent": "#AA3300"}
    assert view["effective"]["colors"]["text"] == "#111111"  # the platform's
    assert view["effective"]["font"] == "humanist" and view["effective"]["footer_links"] == []
    wizamart = shop()
    assert "--accent:#AA3300;--accent-text:#ffffff;--text:#111111" in wizamart
    assert "help.oms.lu" not in wizamart  # the store chose no footer links
    bakery = shop(host=BAKERY)  # sets nothing: everything from the platform
    assert "--accent:#006400" in bakery and 'href="https://help.oms.lu/">Help</a>' in bakery
    assert "--accent:#2b5fd9" in shop(host=CAFE)  # another platform: the default theme

    reset = theme("DELETE")
    assert reset.status == 200 and reset.json()["settings"]["colors"] is None
    assert "--accent:#006400" in shop()
    assert admin("DELETE", "/theme/settings").json()["effective"]["colors"]["accent"] == "#2b5fd9"
    assert "--accent:#2b5fd9" in shop(host=BAKERY)


def test_preview_renders_the_draft_and_saves_nothing() -> None:
    owner = token_of("wizamart-owner")
    draft = {
        "colors": {"accent": "#123ABC"},
        "home_layout": "hero",
        "hero": {
            "heading": "Everything for your home",
            "text": "Chosen in Luxembourg.",
            "translations": {"fr": {"heading": "Tout pour la maison", "text": "Choisi au Luxembourg."}},
        },
    }
    preview = call("POST", "/api/v1/theme/settings/preview", body=draft, token=owner)
    assert preview.status == 200 and preview.headers["content-type"].startswith("text/html")
    assert preview.headers["cache-control"] == "no-store"
    assert "--accent:#123ABC" in preview.text and "Everything for your home" in preview.text
    assert "Featured products" in preview.text  # the real home page, with its products
    french = call("POST", "/api/v1/theme/settings/preview", body=draft, token=owner, query="lang=fr")
    assert "Tout pour la maison" in french.text and 'lang="fr"' in french.text
    assert theme("GET").json()["settings"]["hero"] is None
    assert "#123ABC" not in shop() and "Everything for your home" not in shop()
    platform = call(
        "POST", "/api/v1/admin/theme/settings/preview", host=OMS_API, body=draft, token=admin_token()
    )
    assert platform.status == 200 and "--accent:#123ABC" in platform.text
    assert admin("GET", "/theme/settings").json()["settings"]["colors"] is None


def test_only_the_stores_own_staff_with_theme_edit_and_only_its_platforms_admins() -> None:
    assert theme("PUT", {"colors": {"accent": "#AA3300"}}).status == 200
    bakery = theme("GET", host=BAKERY, who="bakery-owner").json()
    assert bakery["settings"]["colors"] is None and bakery["effective"]["colors"]["accent"] == "#2b5fd9"
    assert "#AA3300" not in shop(host=BAKERY)
    # wizamart's owner token is not a member of bakery; an editor may not change the theme.
    wizamart_token = token_of("wizamart-owner")
    assert call("PUT", "/api/v1/theme/settings", host=BAKERY, body={}, token=wizamart_token).status in (
        401,
        403,
    )
    assert theme("PUT", {}, who="wizamart-editor").status == 403
    assert call("GET", "/api/v1/theme/settings").status == 401
    # A store's staff cannot reach the platform's defaults; another platform's admin neither.
    assert call(
        "PUT", "/api/v1/admin/theme/settings", host=OMS_API, body={}, token=wizamart_token
    ).status in (
        401,
        403,
    )
    loyalty = call("PUT", "/api/v1/admin/theme/settings", host=OMS_API, body={}, token=admin_token("loyalty"))
    assert loyalty.status in (401, 403)
    assert theme("GET").json()["settings"]["colors"]["accent"] == "#AA3300"
