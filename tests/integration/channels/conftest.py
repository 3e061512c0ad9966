"""Channels fixtures: the demo data, a second store of Wizamart's merchant to publish into, tokens by
role, products of wizamart, and the local Shopify."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from orion import runtime
from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.channels.shopify import ShopEndpoint
from orion.ids import new_id
from orion.modules.manifest import Role
from orion.settings import reset_settings
from orion.tenancy import stores
from orion.tenant import Tenant
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


@pytest.fixture
def shopify(demo: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[ShopifyStandin]:
    """The local Shopify (tests/shopify_standin.py), reachable by the adapter as its shop's domain."""
    standin = ShopifyStandin().start()
    monkeypatch.setenv("ORION_CHANNELS_TRUSTED_HOSTS", json.dumps([standin.host]))
    reset_settings()
    runtime.substitute(ShopEndpoint, standin.endpoint())
    yield standin
    standin.stop()
