"""The local gateway selects routes as API Gateway HTTP APIs do."""

from __future__ import annotations

from infra import wiring
from infra.local.routing import RouteTable

CART = wiring.Function(
    name="cart",
    handler="x.handler",
    description="",
    routes=(wiring.Route("GET", "/cart"), wiring.Route("POST", "/cart/items/{sku}")),
    shopper=True,
)
PAGES = wiring.Function(
    name="pages", handler="y.handler", description="", routes=(wiring.Route("GET", "/{proxy+}"),)
)
API = wiring.Function(
    name="api", handler="z.handler", description="", routes=(wiring.Route("ANY", "/api/v1/{proxy+}"),)
)
TABLE = RouteTable((CART, PAGES, API))


def test_literal_routes_beat_greedy_ones() -> None:
    match = TABLE.match("GET", "/cart")
    assert match is not None and match.function.name == "cart"
    assert TABLE.match("GET", "/cartography").function.name == "pages"  # type: ignore[union-attr]


def test_parameters_are_extracted() -> None:
    match = TABLE.match("POST", "/cart/items/SKU-1")
    assert match is not None and match.path_parameters == {"sku": "SKU-1"}


def test_method_must_match_unless_any() -> None:
    assert TABLE.match("POST", "/about") is None
    assert TABLE.match("DELETE", "/api/v1/products/1").function.name == "api"  # type: ignore[union-attr]


def test_shopper_routes_also_answer_in_path_mode() -> None:
    match = TABLE.match("POST", "/stores/wizamart/cart/items/SKU-1")
    assert match is not None and match.function.name == "cart"
    assert match.path_parameters == {"store": "wizamart", "sku": "SKU-1"}
    local = TABLE.match("GET", "/oms/stores/wizamart/cart")
    assert local is not None and local.function.name == "cart"


def test_longer_literal_prefix_wins_between_greedy_routes() -> None:
    assert TABLE.match("GET", "/api/v1/x").function.name == "api"  # type: ignore[union-attr]
