"""The default theme ships with the functions: with an empty templates bucket (a fresh deploy) every
page the storefront and checkout render comes out of the packaged theme, and the bucket is read only
for platform and store overrides."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from functions.checkout.handler import handler as checkout
from functions.storefront.handler import handler as storefront
from orion import runtime
from orion.storefront.pages import storefront_pages
from tests.environment import REPO_ROOT
from tests.integration.shop.conftest import PLATFORM, WIZAMART, call, cookie_jar

pytestmark = pytest.mark.usefixtures("seeded")
BUCKET = "orion-templates"
SAME_ORIGIN = {"Origin": f"https://{WIZAMART}"}
PACKAGED = REPO_ROOT / "templates" / "default"


def bucket_keys() -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=BUCKET)
    return [str(obj["Key"]) for obj in listed.get("Contents", [])]


def ok(result_status: int, body: str, expected: int = 200) -> str:
    assert result_status == expected, body[:500]
    assert "<html" in body  # a whole page of the theme, not a bare fallback
    return body


def test_a_fresh_deploy_has_an_empty_templates_bucket_and_renders_every_page() -> None:
    # given: what the local cloud provisions, like a deploy, puts nothing in the templates bucket
    assert bucket_keys() == []
    # when / then: every page of the default theme renders for a store ...
    assert "Featured products" in ok(*_get("/"))
    assert 'href="/products/' in ok(*_get("/products"))
    assert "luxembourg-cookbook" in ok(*_get("/categories/books"))
    assert 'action="/cart/items"' in ok(*_get("/products/classic-t-shirt"))
    assert "cast-iron-skillet" in ok(*_get("/search", {"q": "WZ-001"}))
    assert "About Wizamart" in ok(*_get("/about"))  # a CMS page
    assert ok(*_get("/products/vintage-radio"), expected=410)  # gone.html
    assert ok(*_get("/no-such-page"), expected=404)  # 404.html
    # ... for the platform's own site ...
    platform = call(storefront, "GET", "/", host=PLATFORM)
    assert platform.status == 200 and "<html" in platform.body
    # ... the cart, checkout and order status ...
    jar: dict[str, str] = {}
    added = call(
        checkout, "POST", "/cart/items", form={"sku": "WZ-003", "quantity": "1"}, headers=SAME_ORIGIN
    )
    assert added.status == 303
    jar.update(cookie_jar(added))
    assert "Espresso Cups" in ok(*_checkout("/cart", jar))
    form = ok(*_checkout("/checkout", jar))
    fields = {
        name: re.search(rf'name="{name}" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        for name in ("csrf_token", "checkout_key")
    }
    buyer = {"email": "alice@example.com", "name": "Alice", "address": "1 Rue de la Gare", "country": "LU"}
    placed = call(checkout, "POST", "/checkout", form={**buyer, **fields}, cookies=jar)
    assert placed.status == 303
    url = urlsplit(placed.location)
    order = call(checkout, "GET", url.path, query={k: v[0] for k, v in parse_qs(url.query).items()})
    assert "Espresso Cups" in ok(order.status, order.body)
    # ... and the error page
    error = storefront_pages().error(None, 500, "Something went wrong", "Please try again in a moment.")
    assert error.status == 500 and "Please try again in a moment." in error.html
    # and nothing was written to the bucket on the way
    assert bucket_keys() == []


def test_every_template_of_the_packaged_theme_is_reached_by_a_page() -> None:
    """The theme folder holds only what pages render (plus the partials and layout they include), so a
    template added without a page, or a page without a template, shows up here."""
    pages = {
        "home.html", "listing.html", "product.html", "search.html", "page.html", "gone.html",
        "404.html", "error.html", "platform_home.html", "cart.html", "checkout.html", "order.html",
        "account.html", "account_register.html", "account_login.html", "account_check_email.html",
        "account_addresses.html", "account_address.html", "account_password.html", "account_email.html",
        "account_reset.html", "account_delete.html", "account_deleted.html", "account_verify.html",
        "page-wide.html",  # a CMS page's template choice (tests/integration/console/test_content.py)
    }  # fmt: skip
    shared = {
        "base.html", "_card.html", "_row.html", "_breadcrumbs.html", "_media.html", "_account.html",
        "theme.css",
    }  # fmt: skip
    assert {path.name for path in PACKAGED.iterdir()} == pages | shared


def test_a_default_folder_left_in_the_bucket_is_never_read() -> None:
    # given: an old deploy's copy of the default theme in the bucket
    boto3.client("s3").put_object(
        Bucket=BUCKET, Key="default/home.html", Body=b"<p>stale copy of the default theme</p>"
    )
    runtime.reset()
    # when
    page = call(storefront, "GET", "/")
    # then: the packaged theme, which matches the code that renders it, wins
    assert "stale copy" not in page.body
    assert "Featured products" in page.body


def test_a_platform_override_in_the_bucket_still_wins_over_the_packaged_default() -> None:
    boto3.client("s3").put_object(
        Bucket=BUCKET,
        Key="platforms/oms/home.html",
        Body=b'{% extends "base.html" %}{% block content %}<h1>OMS platform home</h1>{% endblock %}',
    )
    runtime.reset()
    assert "OMS platform home" in call(storefront, "GET", "/").body
    # the platform's other pages keep the packaged default
    assert 'action="/cart/items"' in call(storefront, "GET", "/products/classic-t-shirt").body


def _get(path: str, query: dict[str, str] | None = None) -> tuple[int, str]:
    result = call(storefront, "GET", path, query=query)
    return result.status, result.body


def _checkout(path: str, jar: dict[str, str]) -> tuple[int, str]:
    result = call(checkout, "GET", path, cookies=jar)
    return result.status, result.body
