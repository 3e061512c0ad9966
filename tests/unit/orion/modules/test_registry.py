"""Permissions come from the modules that own them, with the role sets of docs/staff-api.md (Roles and
permissions)."""

from __future__ import annotations

import pytest

from orion.modules import Role, all_permissions, discover_modules, module_of_permission, permissions_of_role
from orion.modules.manifest import ModuleManifest, Permission, at_least
from orion.modules.registry import _check_unique

EVERYTHING = frozenset({"orders", "customers", "imports", "analytics", "payments", "media", "channels"})


def test_each_permission_is_declared_by_the_module_that_owns_it() -> None:
    assert module_of_permission("products.edit").code == "catalog"
    assert module_of_permission("orders.edit").code == "orders"
    assert module_of_permission("imports.run").code == "imports"
    assert module_of_permission("team.invite").code == "identity"
    assert module_of_permission("settings.edit").code == "tenancy"
    assert module_of_permission("pages.edit").code == "cms"
    assert module_of_permission("analytics.view").code == "analytics"


def test_discovery_finds_every_feature_manifest() -> None:
    codes = {m.code for m in discover_modules()}
    assert {"catalog", "orders", "cms", "imports", "identity", "tenancy", "analytics", "audit"} <= codes


def test_roles_get_the_documented_permission_sets() -> None:
    owner = permissions_of_role(Role.OWNER, EVERYTHING)
    manager = permissions_of_role(Role.MANAGER, EVERYTHING)
    editor = permissions_of_role(Role.EDITOR, EVERYTHING)
    viewer = permissions_of_role(Role.VIEWER, EVERYTHING)
    assert owner == {p.code for p in all_permissions()}
    assert {"team.invite", "products.create", "orders.edit", "imports.run", "analytics.view"} <= manager
    assert not {"team.manage", "team.remove", "settings.edit", "products.delete"} & manager
    assert editor == {
        "products.view", "products.create", "products.edit", "orders.view", "orders.edit",
        "imports.view", "pages.view", "pages.edit", "customers.view", "media.view", "media.manage",
        "channels.view",
    }  # fmt: skip
    assert viewer == {
        "products.view", "orders.view", "imports.view", "pages.view", "customers.view", "media.view",
        "channels.view",
    }  # fmt: skip
    assert "customers.manage" in manager
    assert "payments.manage" in manager  # connecting the store's Stripe account
    assert "channels.manage" in manager and "channels.manage" not in editor  # credentials, publishing
    assert viewer < editor < manager < owner


def test_a_disabled_optional_module_takes_its_permissions_with_it() -> None:
    without_orders = permissions_of_role(Role.OWNER, frozenset({"imports", "analytics"}))
    assert not any(p.startswith("orders.") for p in without_orders)
    assert "products.view" in without_orders  # core modules cannot be switched off


def test_two_modules_declaring_one_permission_is_refused() -> None:
    one = ModuleManifest("a", "A", permissions=(Permission("x.view", "", at_least(Role.VIEWER)),))
    two = ModuleManifest("b", "B", permissions=(Permission("x.view", "", at_least(Role.VIEWER)),))
    with pytest.raises(ValueError, match=r"x\.view"):
        _check_unique([one, two])


def test_permission_codes_have_the_area_action_shape() -> None:
    with pytest.raises(ValueError, match=r"area\.action"):
        Permission("Products-Edit", "", at_least(Role.OWNER))
