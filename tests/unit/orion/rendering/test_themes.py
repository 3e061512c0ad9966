"""Themes: the override chain, revalidation by ETag, the default fallback, the time and size caps."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from orion.observability import logger, metrics
from orion.rendering.template_store import CachedTemplateSource, TemplateObject
from orion.rendering.themes import ThemeRenderer, theme_chain
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")


class FakeBucket:
    """Template objects in memory, counting fetches and answering If-None-Match like S3."""

    def __init__(self, objects: dict[str, str]) -> None:
        self.objects = dict(objects)
        self.fetches: list[tuple[str, str | None]] = []
        self.not_modified = 0

    def fetch(self, key: str, etag: str | None) -> TemplateObject | bool | None:
        self.fetches.append((key, etag))
        if key not in self.objects:
            return None
        current = '"' + hashlib.md5(self.objects[key].encode()).hexdigest() + '"'
        if etag == current:
            self.not_modified += 1
            return True
        return TemplateObject(self.objects[key], current)

    def has_any(self, prefix: str) -> bool:
        return any(key.startswith(prefix) for key in self.objects)


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


DEFAULT = {
    "default/page.html": "default page for {{ name }}",
    "default/base.html": "<main>{% block body %}{% endblock %}</main>",
    "default/child.html": "{% extends 'base.html' %}{% block body %}child {{ name }}{% endblock %}",
}


def renderer(objects: dict[str, str], clock: Clock | None = None) -> tuple[ThemeRenderer, FakeBucket]:
    bucket = FakeBucket(objects)
    source = CachedTemplateSource(bucket, ttl=30, clock=clock or Clock())
    return ThemeRenderer(source, render_timeout=0.5), bucket


def test_chain_is_store_then_platform_then_default() -> None:
    assert theme_chain(WIZAMART) == ("stores/oms/wizamart/", "platforms/oms/", "default/")
    assert theme_chain(Tenant("oms")) == ("platforms/oms/", "default/")


def test_store_template_overrides_only_that_store() -> None:
    theme, _ = renderer({**DEFAULT, "stores/oms/wizamart/page.html": "wizamart's own page"})
    assert theme.render(WIZAMART, "page.html", {"name": "x"}) == "wizamart's own page"
    assert theme.render(BAKERY, "page.html", {"name": "x"}) == "default page for x"


def test_platform_template_applies_to_its_stores_unless_overridden() -> None:
    theme, _ = renderer(
        {**DEFAULT, "platforms/oms/base.html": "<section>{% block body %}{% endblock %}</section>"}
    )
    assert theme.render(BAKERY, "child.html", {"name": "y"}) == "<section>child y</section>"
    assert theme.render(Tenant("loyalty", "cafe"), "child.html", {"name": "y"}) == "<main>child y</main>"


def test_sources_are_cached_and_revalidated_by_etag_after_the_ttl() -> None:
    clock = Clock()
    theme, bucket = renderer(DEFAULT, clock)
    theme.render(None, "page.html", {"name": "a"})
    fetched = len(bucket.fetches)
    theme.render(None, "page.html", {"name": "b"})
    assert len(bucket.fetches) == fetched  # within the TTL: no request at all

    clock.now = 31
    assert theme.render(None, "page.html", {"name": "c"}) == "default page for c"
    assert bucket.not_modified == 1  # one conditional GET, answered 304

    bucket.objects["default/page.html"] = "changed {{ name }}"
    clock.now = 62
    assert theme.render(None, "page.html", {"name": "d"}) == "changed d"


def test_a_broken_store_template_falls_back_to_the_default_theme() -> None:
    theme, _ = renderer({**DEFAULT, "stores/oms/wizamart/page.html": "{% for x in %}broken"})
    assert theme.render(WIZAMART, "page.html", {"name": "z"}) == "default page for z"


def test_a_broken_store_template_falls_back_to_its_platforms_theme() -> None:
    theme, _ = renderer(
        {
            **DEFAULT,
            "platforms/oms/page.html": "oms page for {{ name }}",
            "stores/oms/wizamart/page.html": "{{ 'x' * 10**9 }}",
        }
    )
    assert theme.render(WIZAMART, "page.html", {"name": "z"}) == "oms page for z"


def test_a_broken_platform_template_falls_back_to_the_default_theme_for_its_stores_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counted: list[str] = []
    monkeypatch.setattr(metrics, "add_metric", lambda name, unit, value: counted.append(name))
    theme, _ = renderer(
        {
            **DEFAULT,
            "platforms/oms/base.html": "{{ 1 / 0 }}",
            "stores/oms/wizamart/child.html": "{% extends 'base.html' %}{% block body %}own{% endblock %}",
        }
    )
    assert theme.render(WIZAMART, "child.html", {"name": "y"}) == "<main>child y</main>"
    assert counted == ["ThemeFallback", "ThemeFallback"]  # the store's theme, then the platform's


def test_a_store_template_failing_at_render_time_falls_back() -> None:
    theme, _ = renderer({**DEFAULT, "stores/oms/wizamart/page.html": "{{ 1 / 0 }}"})
    assert theme.render(WIZAMART, "page.html", {"name": "z"}) == "default page for z"


def test_an_endless_template_is_cut_off_and_falls_back() -> None:
    endless = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    theme, _ = renderer({**DEFAULT, "stores/oms/wizamart/page.html": endless})
    assert theme.render(WIZAMART, "page.html", {"name": "z"}) == "default page for z"


OVERSIZED = {
    "constant": "{{ 'x' * 10**9 }}",
    "variable": "{% set n = 10**8 %}{{ 'x' * n }}",
    "many small chunks": "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
}


@pytest.mark.parametrize("source", OVERSIZED.values(), ids=OVERSIZED.keys())
def test_an_oversized_template_falls_back_logged_with_its_tenant_and_counted(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[dict[str, Any]] = []
    counted: list[str] = []
    monkeypatch.setattr(logger, "warning", lambda message, extra: warnings.append(extra))
    monkeypatch.setattr(metrics, "add_metric", lambda name, unit, value: counted.append(name))
    theme, _ = renderer({**DEFAULT, "stores/oms/wizamart/page.html": source})

    assert theme.render(WIZAMART, "page.html", {"name": "z"}) == "default page for z"
    assert counted == ["ThemeFallback"]
    assert warnings[0]["tenant"] == "oms/wizamart"
    assert "RenderTooLarge" in warnings[0]["error"]


def test_a_store_template_under_the_size_limit_renders() -> None:
    big = "{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}"
    theme, _ = renderer({**DEFAULT, "stores/oms/wizamart/page.html": big})
    assert theme.render(WIZAMART, "page.html", {}) == "x" * 1_000_000


def test_templates_are_sandboxed_and_autoescaped() -> None:
    sneaky = "{{ name.__class__.__mro__ }}|{{ ''.__class__ }}"
    theme, _ = renderer({**DEFAULT, "stores/oms/wizamart/page.html": sneaky})
    assert theme.render(WIZAMART, "page.html", {"name": "z"}) == "default page for z"
    theme, _ = renderer(DEFAULT)
    assert theme.render(None, "page.html", {"name": "<script>"}) == "default page for &lt;script&gt;"


@pytest.mark.parametrize("name", ["../secrets.html", "/etc/passwd", "a/../../b.html", "..\\x.html"])
def test_template_names_cannot_escape_the_theme(name: str) -> None:
    theme, bucket = renderer(DEFAULT)
    with pytest.raises(Exception, match=r"x\.html|secrets|passwd|b\.html"):
        theme.render(None, name, {})
    assert all(".." not in key for key, _ in bucket.fetches)
