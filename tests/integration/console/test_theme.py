"""Theme /admin/theme: templates by source, edit with a sandboxed preview, a broken template is 422
and nothing is stored, revert to the inherited one."""

from __future__ import annotations

import pytest

from orion.cms import theme
from orion.tenant import Tenant
from tests.console import signed_in
from tests.integration.console._helpers import audit_actions
from tests.staff import BAKERY, WIZAMART, call

pytestmark = pytest.mark.usefixtures("demo")
WIZ = Tenant("oms", "wizamart")


def _own() -> set[str]:
    return {t.name for t in theme.list_templates(WIZ)}


def test_templates_listed_with_their_source() -> None:
    page = signed_in("wizamart-owner").get("/admin/theme")
    assert page.status == 200
    assert "page.html" in page.text and 'data-source="default"' in page.text


def test_broken_template_is_422_and_nothing_is_saved() -> None:
    owner = signed_in("wizamart-owner")
    broken = "{% extends 'base.html' %}{% block content %}{% for x in %}{% endblock %}"
    response = owner.post("/admin/theme/templates/page.html", {"source": broken, "action": "save"})
    assert response.status == 422
    assert "not saved" in response.text and "line 1" in response.text
    assert (
        "{% for x in %}" in response.text.replace("&#39;", "'").replace("&#34;", '"')
        or "for x in" in response.text
    )
    assert "page.html" not in _own()
    oversized = owner.post("/admin/theme/templates/page.html", {"source": "x" * 200_001})
    assert oversized.status == 422 and "page.html" not in _own()


def test_preview_save_and_revert() -> None:
    owner = signed_in("wizamart-owner")
    source = (
        "{% extends 'base.html' %}{% block content %}<h1 class=\"custom\">{{ page.title }}</h1>"
        "<div>{{ page.body_html|safe }}</div>{% endblock %}"
    )
    preview = owner.post("/admin/theme/templates/page.html", {"source": source, "action": "preview"})
    assert preview.status == 200 and "srcdoc=" in preview.text and "custom" in preview.text
    assert "page.html" not in _own()  # a preview stores nothing
    saved = owner.post("/admin/theme/templates/page.html", {"source": source, "action": "save"})
    assert saved.status == 303 and "page.html" in _own()
    assert 'data-source="store"' in owner.get("/admin/theme").text
    assert 'class="custom"' in call("GET", "/about", host=WIZAMART).text
    reverted = owner.post("/admin/theme/revert/page.html")
    assert reverted.status == 303 and "page.html" not in _own()
    assert {"theme.upload", "theme.delete"} <= set(audit_actions())


def test_editor_without_theme_permission_gets_403() -> None:
    editor = signed_in("wizamart-editor")
    assert editor.get("/admin/theme").status == 403
    assert editor.post("/admin/theme/templates/page.html", {"source": "<p>x</p>"}).status == 403
    assert "page.html" not in _own()


def test_stores_do_not_see_each_others_templates() -> None:
    theme.upload_template(WIZ, "page-secret.html", "<p>wizamart only</p>")
    bakery = signed_in("bakery-owner", host=BAKERY)
    assert "page-secret.html" not in bakery.get("/admin/theme").text
    assert bakery.post("/admin/theme/revert/page-secret.html").status == 404
    assert "page-secret.html" in _own()
