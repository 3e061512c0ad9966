"""The store dashboard over the staff API: low stock from the counters, the first low variants, the
full list, and the threshold as a store setting."""

from __future__ import annotations

from typing import Any

import pytest

from orion.catalog import service as catalog
from tests.staff import BAKERY, WIZAMART, call, token_of


def settings_body(current: dict[str, Any], **changes: Any) -> dict[str, Any]:
    keep = ("name", "languages", "default_language", "currency", "contact_email")
    return {**{k: current[k] for k in keep}, **changes}


def figure(body: dict[str, Any], key: str) -> int:
    return int(next(m["value"] for m in body["modules"]["catalog"] if m["key"] == key))


def test_the_dashboard_shows_low_stock_and_lists_the_variants(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    body = call("GET", "/api/v1/dashboard", token=owner).json()
    listed = body["low_stock"]
    assert listed["threshold"] == 5
    assert figure(body, "low_stock") >= len(listed["items"]) >= 1
    assert any(row["out_of_stock"] for row in listed["items"])  # the demo t-shirt's sold-out size
    assert any(w["key"] == "low_stock" for w in body["widgets"])

    full = call("GET", "/api/v1/dashboard/low-stock", token=owner, query="limit=100").json()
    assert len(full["items"]) == figure(body, "low_stock")
    assert call("GET", "/api/v1/dashboard/low-stock", token=owner, query="after=forged").status == 400


def test_the_threshold_is_a_store_setting_and_changing_it_recounts(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    current = call("GET", "/api/v1/settings", token=owner).json()
    assert current["low_stock_threshold"] == 5
    before = figure(call("GET", "/api/v1/dashboard", token=owner).json(), "low_stock")

    changed = call(
        "PUT", "/api/v1/settings", token=owner, body=settings_body(current, low_stock_threshold=1000)
    )
    assert changed.status == 200
    assert changed.json()["low_stock_threshold"] == 1000
    after = call("GET", "/api/v1/dashboard", token=owner).json()
    assert figure(after, "low_stock.threshold") == 1000
    assert figure(after, "low_stock") > before  # the demo's variants have fewer than 1000 each

    # leaving it out keeps it; a bad value is a 422 naming the field
    kept = call("PUT", "/api/v1/settings", token=owner, body=settings_body(current))
    assert kept.json()["low_stock_threshold"] == 1000
    bad = call("PUT", "/api/v1/settings", token=owner, body=settings_body(current, low_stock_threshold=-1))
    assert bad.status == 422
    # the other store's threshold and figures did not move
    bakery = call("GET", "/api/v1/settings", host=BAKERY, token=token_of("bakery-owner", host=BAKERY))
    assert bakery.json()["low_stock_threshold"] == 5


def test_an_editor_sees_low_stock_but_cannot_change_the_threshold(demo: list[str]) -> None:
    editor = token_of("wizamart-editor")
    assert "low_stock" in call("GET", "/api/v1/dashboard", token=editor).json()
    assert call("GET", "/api/v1/dashboard/low-stock", token=editor).status == 200
    assert call("GET", "/api/v1/settings", host=WIZAMART, token=editor).status == 403


def test_the_dashboard_shows_its_figures_when_the_low_stock_rows_fail(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("injected: the index is unreachable")

    monkeypatch.setattr(catalog, "list_low_stock", unreachable)
    answer = call("GET", "/api/v1/dashboard", token=token_of("wizamart-owner"))
    assert answer.status == 200
    body = answer.json()
    assert body["low_stock"] is None
    assert "low_stock" in body["unavailable"]
    assert figure(body, "low_stock") >= 1  # the counters still answer
