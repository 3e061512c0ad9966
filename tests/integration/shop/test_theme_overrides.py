"""Theme overrides through the storefront handler: a store's templates in the bucket win for that
store only; a broken or runaway store template falls back to the default theme, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from functions.storefront.handler import handler
from orion import runtime
from tests.integration.shop.conftest import BAKERY, call

pytestmark = pytest.mark.usefixtures("seeded")
BUCKET = "orion-templates"
STORE_PRODUCT = "stores/oms/wizamart/product.html"


@pytest.fixture
def store_template(seeded: None) -> Iterator[None]:
    yield
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=STORE_PRODUCT)
    runtime.reset()


def upload(source: str) -> None:
    boto3.client("s3").put_object(Bucket=BUCKET, Key=STORE_PRODUCT, Body=source.encode())
    runtime.reset()  # a new container; a warm one sees it after the template cache TTL


@pytest.mark.usefixtures("store_template")
def test_a_store_product_template_changes_only_that_stores_product_pages() -> None:
    upload(
        '{% extends "base.html" %}{% block content %}'
        '<h1 class="custom">Wizamart special: {{ product.title }}</h1>{% endblock %}'
    )
    mine = call(handler, "GET", "/products/cast-iron-skillet")
    assert "Wizamart special: Cast Iron Skillet" in mine.body
    other = call(handler, "GET", "/products/baguette-tradition", host=BAKERY)
    assert other.status == 200
    assert "special" not in other.body
    assert 'action="/cart/items"' in other.body
    home = call(handler, "GET", "/")
    assert "Featured products" in home.body  # the store's other pages keep the default theme


@pytest.mark.usefixtures("store_template")
def test_a_broken_store_template_falls_back_to_the_default() -> None:
    upload("{% extends 'base.html' %}{% block content %}{{ product.title | no_such_filter }}{% endblock %}")
    page = call(handler, "GET", "/products/cast-iron-skillet")
    assert page.status == 200
    assert 'action="/cart/items"' in page.body


@pytest.mark.usefixtures("store_template")
def test_an_endless_store_template_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORION_RENDER_TIMEOUT_SECONDS", "0.3")
    upload("{% for i in range(99999) %}{% for j in range(99999) %}{{ j }}{% endfor %}{% endfor %}")
    page = call(handler, "GET", "/products/cast-iron-skillet")
    assert page.status == 200
    assert 'action="/cart/items"' in page.body


OVERSIZED = {
    "constant": "{{ 'x' * 10**9 }}",
    "variable": "{% set n = 10**8 %}{{ 'x' * n }}",
    "many small chunks": "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
}


@pytest.mark.usefixtures("store_template")
@pytest.mark.parametrize("source", OVERSIZED.values(), ids=OVERSIZED.keys())
def test_an_oversized_store_template_falls_back_to_a_page_of_normal_size(source: str) -> None:
    """Stored before uploads were size-checked: the shopper still gets the default product page."""
    upload(source)
    page = call(handler, "GET", "/products/cast-iron-skillet")
    assert page.status == 200
    assert 'action="/cart/items"' in page.body
    assert "xxxxxxxxxx" not in page.body
    assert len(page.body.encode()) < 200_000


@pytest.mark.usefixtures("seeded")
def test_the_default_theme_renders_the_same_in_the_tenant_sandbox() -> None:
    """A store with any template of its own renders every page in the capped sandbox: the default
    theme's pages must come out byte for byte as they do without it."""
    pages = [
        ("/", {}),
        ("/products", {"sort": "price-asc"}),
        ("/categories/kitchen", {}),
        ("/products/classic-t-shirt", {}),
        ("/products/cast-iron-skillet", {"lang": "fr"}),
        ("/products/vintage-radio", {}),
        ("/search", {"q": "bodum"}),
        ("/about", {}),
        ("/no-such-page", {}),
    ]
    unsandboxed = [call(handler, "GET", path, query=query) for path, query in pages]
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key="stores/oms/wizamart/unused.html", Body=b"unused")
    runtime.reset()
    try:
        sandboxed = [call(handler, "GET", path, query=query) for path, query in pages]
    finally:
        s3.delete_object(Bucket=BUCKET, Key="stores/oms/wizamart/unused.html")
        runtime.reset()
    for (path, _), before, after in zip(pages, unsandboxed, sandboxed, strict=True):
        assert (after.status, after.body) == (before.status, before.body), path
