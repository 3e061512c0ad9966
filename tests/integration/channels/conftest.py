"""Channels fixtures: the demo data, a second store of Wizamart's merchant to publish into, tokens by
role, products of wizamart, integrations, the local Shopify, and a fake destination standing in for
WordPress (the change events' tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from orion import runtime
from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.channels import adapters
from orion.channels.models import ChannelPlatform
from orion.channels.shopify import ShopEndpoint
from orion.ids import new_id
from orion.modules.manifest import Role
from orion.settings import reset_settings
from orion.tenancy import stores
from orion.tenant import Tenant
from tests.integration.channels.pipeline import FakeDestination
from tests.shopify_standin import ShopifyStandin
from tests.staff import call, token_of

WIZAMART = Tenant("oms", "wizamart")
OUTLET = Tenant("oms", "wizamart-outlet")
SECRET = "abcd efgh ijkl mnop"


@pytest.fixture
def owner(demo: list[str]) -> str:
    return token_of("wizamart-owner")


@pytest.fixture
def outlet(demo: list[str]) -> Tenant:
    """Another store of Wizamart's merchant."""
    profile = stores.store_profile(WIZAMART)
    assert profile is not None
    stores.create_store(Tenant("oms"), OUTLET.require_store(), "Wizamart Outlet", profile.merchant_id)
    return OUTLET


@pytest.fixture
def destination(monkeypatch: pytest.MonkeyPatch) -> FakeDestination:
    """A destination in memory standing in for WordPress (its adapter is not built here)."""
    fake = FakeDestination()
    monkeypatch.setitem(adapters.ADAPTER_OVERRIDES, ChannelPlatform.WORDPRESS, fake.adapter)
    return fake


def add_blog_integration(owner: str, **rules: Any) -> str:
    """A WordPress integration of wizamart (published through the fake destination)."""
    body: dict[str, Any] = {
        "platform": "wordpress",
        "config": {"site_url": "https://blog.wizamart.lu"},
        "credentials": {"username": "shop", "application_password": SECRET},
    }
    if rules:
        body["rules"] = {"products": rules}
    response = call("POST", "/api/v1/channels", body=body, token=owner)
    assert response.status == 201, response.body
    return str(response.json()["id"])


def token_for(role: Role) -> str:
    """A new member of wizamart with ``role``, signed in."""
    from orion.identity.service import create_staff_user

    email = f"{role.value}-{new_id()[-6:].lower()}@wizamart.lu"
    create_staff_user(WIZAMART, email, role.value.title(), "a-long-password", role)
    response = call("POST", "/api/v1/auth/login", body={"email": email, "password": "a-long-password"})
    assert response.status == 200, response.body
    return str(response.json()["access_token"])


def product(
    title: str = "Desk lamp",
    *,
    status: ProductStatus = ProductStatus.ACTIVE,
    sku: str | None = None,
    **fields: Any,
) -> str:
    """A new product of wizamart: its id."""
    sku = sku or f"CH-{new_id()[-8:]}"
    data = ProductInput(
        title=title, status=status, variants=(Variant(sku=sku, price=2500, stock=4),), **fields
    )
    return catalog.create_product(WIZAMART, data).id


def add_outlet_integration(owner: str, **rules: Any) -> str:
    body: dict[str, Any] = {"platform": "orion_site", "config": {"store": "wizamart-outlet"}}
    if rules:
        body["rules"] = {"products": rules}
    response = call("POST", "/api/v1/channels", body=body, token=owner)
    assert response.status == 201, response.body
    assert response.json()["platform_type"] == "ecommerce"
    assert response.json()["credentials"] == {"set": False, "hint": None}
    return str(response.json()["id"])


def publish(owner: str, integration: str, body: dict[str, Any]) -> dict[str, Any]:
    response = call("POST", f"/api/v1/channels/{integration}/publish", body=body, token=owner)
    assert response.status == 202, response.body
    result: dict[str, Any] = response.json()
    return result


def copy_in(outlet: Tenant, integration: str, product_id: str) -> Any:
    found = catalog.list_products(outlet, include_unpublished=True, limit=100).items
    external = adapters.external_id(integration, product_id)
    ids = [p.id for p in found if catalog.get_product(outlet, p.id).external_id == external]
    assert len(ids) == 1, ids
    return catalog.get_product(outlet, ids[0])


@pytest.fixture
def shopify(demo: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[ShopifyStandin]:
    """The local Shopify (tests/shopify_standin.py), reachable by the adapter as its shop's domain."""
    standin = ShopifyStandin().start()
    monkeypatch.setenv("ORION_CHANNELS_TRUSTED_HOSTS", json.dumps([standin.host]))
    reset_settings()
    runtime.substitute(ShopEndpoint, standin.endpoint())
    yield standin
    standin.stop()
