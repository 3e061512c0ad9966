"""Which modules run on a platform, which routes they own, and what menu a member sees there."""

from __future__ import annotations

import pytest

from orion.modules import registry
from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, ScheduledTask, at_least
from orion.modules.registry import (
    menu_for,
    missing_dependencies,
    module_serving,
    optional_module_codes,
    route_enabled,
    running_modules,
)

FAKES = (
    ModuleManifest(
        "catalog",
        "Catalogue",
        permissions=(Permission("products.view", "", at_least(Role.VIEWER)),),
        menu=(MenuEntry("Products", "/products", "products.view"),),
    ),
    ModuleManifest(
        "orders",
        "Orders",
        optional=True,
        permissions=(Permission("orders.view", "", at_least(Role.VIEWER)),),
        menu=(MenuEntry("Orders", "/orders", "orders.view"),),
        routes=("/checkout", "/api/v1/orders"),
    ),
    ModuleManifest(
        "analytics",
        "Analytics",
        optional=True,
        dependencies=("orders",),
        permissions=(Permission("analytics.view", "", at_least(Role.MANAGER)),),
        menu=(MenuEntry("Analytics", "/analytics", "analytics.view"),),
        routes=("/api/v1/analytics", "/api/v1/orders/analytics"),
    ),
)


@pytest.fixture
def fake_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "discover_modules", lambda: FAKES)


def codes(enabled: set[str]) -> set[str]:
    return {m.code for m in running_modules(frozenset(enabled))}


def test_core_modules_always_run_and_optional_ones_only_when_switched_on(fake_modules: None) -> None:
    assert codes(set()) == {"catalog"}
    assert codes({"orders"}) == {"catalog", "orders"}


def test_a_module_whose_dependency_is_off_does_not_run(fake_modules: None) -> None:
    assert codes({"analytics"}) == {"catalog"}
    assert codes({"analytics", "orders"}) == {"catalog", "orders", "analytics"}
    assert missing_dependencies(frozenset({"analytics"})) == {"analytics": ["orders"]}
    assert missing_dependencies(frozenset({"analytics", "orders"})) == {}


def test_routes_belong_to_the_module_with_the_longest_prefix(fake_modules: None) -> None:
    assert module_serving("/checkout") is FAKES[1]
    assert module_serving("/checkout/confirm") is FAKES[1]
    assert module_serving("/checkoutx") is None
    assert module_serving("/api/v1/orders/analytics/today") is FAKES[2]
    assert module_serving("/about") is None


def test_a_switched_off_modules_routes_are_not_served(fake_modules: None) -> None:
    assert not route_enabled("/checkout", frozenset())
    assert route_enabled("/checkout", frozenset({"orders"}))
    assert route_enabled("/about", frozenset())  # nobody's route: up to the function
    assert not route_enabled("/api/v1/analytics", frozenset({"analytics"}))  # its dependency is off


def test_the_menu_holds_running_modules_entries_the_member_may_open(fake_modules: None) -> None:
    everything = frozenset({"orders", "analytics"})
    viewer = frozenset({"products.view", "orders.view"})
    manager = viewer | {"analytics.view"}
    assert [e.path for _, e in menu_for(everything, viewer)] == ["/products", "/orders"]
    assert [e.path for _, e in menu_for(everything, manager)] == ["/products", "/orders", "/analytics"]
    assert [e.path for _, e in menu_for(frozenset(), manager)] == ["/products"]


def test_the_real_modules_classify_as_the_design_says() -> None:
    assert optional_module_codes() == {
        "orders", "customers", "inventory", "imports", "analytics", "messaging", "payments", "billing",
        "channels", "media",
    }  # fmt: skip
    core = {m.code for m in running_modules(frozenset())}
    assert {"tenancy", "identity", "cms", "catalog"} <= core
    assert module_serving("/checkout") is not None
    assert module_serving("/checkout").code == "orders"  # type: ignore[union-attr]


def test_manifests_refuse_malformed_routes_and_tasks() -> None:
    with pytest.raises(ValueError, match="route prefix"):
        ModuleManifest("x", "X", routes=("checkout",))
    with pytest.raises(ValueError, match="run must look like"):
        ScheduledTask("x.y", "not a path", "rate(5 minutes)", "")
    with pytest.raises(ValueError, match="schedule"):
        ScheduledTask("x.y", "orion.x.tasks:run", "every 5 minutes", "")
