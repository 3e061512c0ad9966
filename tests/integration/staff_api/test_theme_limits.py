"""Theme templates past the sandbox's size limits: an upload is refused with a 422 that says why and
nothing is stored; a preview answers 422 instead of building the page."""

from __future__ import annotations

import pytest

from tests.staff import call, token_of

OVERSIZED = {
    "constant": ("{{ 'x' * 10**9 }}", "1,000,000,000 characters, larger than 2 MB"),
    "variable": ("{% set n = 10**8 %}{{ 'x' * n }}", "100,000,000 characters, larger than 2 MB"),
    "many small chunks": (
        "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
        "the template's output exceeds 2 MB",
    ),
    "in a block of the layout": (
        '{% extends "base.html" %}{% block content %}<h1>{{ product.title }}</h1>'
        "{{ 'x' * 10**9 }}{% endblock %}",
        "larger than 2 MB",
    ),
}


@pytest.mark.parametrize(("source", "reason"), OVERSIZED.values(), ids=OVERSIZED.keys())
def test_an_oversized_template_is_refused_and_not_stored(demo: list[str], source: str, reason: str) -> None:
    owner = token_of("wizamart-owner")
    refused = call("PUT", "/api/v1/theme/templates/product.html", body={"source": source}, token=owner)
    assert refused.status == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert reason in problem["detail"]
    assert problem["errors"][0]["field"] == "source"
    assert reason in problem["errors"][0]["message"]
    assert call("GET", "/api/v1/theme/templates", token=owner).json()["items"] == []


@pytest.mark.parametrize(("source", "reason"), OVERSIZED.values(), ids=OVERSIZED.keys())
def test_previewing_an_oversized_template_answers_422(demo: list[str], source: str, reason: str) -> None:
    owner = token_of("wizamart-owner")
    body = {"name": "product.html", "source": source, "context": {"product": {"title": "Skillet"}}}
    response = call("POST", "/api/v1/theme/preview", body=body, token=owner)
    assert response.status == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "RenderTooLarge" in response.json()["detail"]
    assert reason in response.json()["detail"]


def test_a_template_that_needs_a_pages_context_still_uploads(demo: list[str]) -> None:
    """The trial render has no product: only the size limits refuse an upload, not what is missing."""
    owner = token_of("wizamart-owner")
    source = (
        '{% extends "base.html" %}{% block content %}<h1>{{ product.title|upper }}</h1>'
        "<p>{{ money(variants[0].price, variants[0].currency) }}</p>{% endblock %}"
    )
    stored = call("PUT", "/api/v1/theme/templates/product.html", body={"source": source}, token=owner)
    assert stored.status == 200
    assert [t["name"] for t in call("GET", "/api/v1/theme/templates", token=owner).json()["items"]] == [
        "product.html"
    ]


def test_a_preview_of_a_draft_is_cut_off_by_the_time_limit(demo: list[str]) -> None:
    """The draft renders under the store's key, which the render's time limit watches."""
    owner = token_of("wizamart-owner")
    endless = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    response = call("POST", "/api/v1/theme/preview", body={"source": endless}, token=owner)
    assert response.status == 422
    assert "RenderTimeout" in response.json()["detail"]
