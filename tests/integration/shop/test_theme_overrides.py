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
