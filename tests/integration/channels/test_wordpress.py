"""A WordPress integration through the staff API and the service, against a WordPress in memory
(tests/fake_wordpress.py; tests/wordpress runs the same against the real one): records per product and
page, an unchanged republish that sends and writes nothing, a refused or unreachable site ending in the
record with its reason and retried by the next publish, and the plain-http site address allowed only for
a trusted host (docs/channels.md, WordPress)."""

from __future__ import annotations

from typing import Any

import pytest

from orion import runtime
from orion.catalog import service as catalog
from orion.catalog.models import ProductInput
from orion.channels import http
from orion.channels.repository import ChannelRepository
from orion.cms import service as cms
from orion.cms.models import PageInput
from orion.tenant import Tenant
from tests.fake_wordpress import PASSWORD, SITE, USERNAME, FakeWordPress, answer
from tests.integration.channels.conftest import WIZAMART, product
from tests.staff import call


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch, demo: list[str]) -> FakeWordPress:
    """The network as the WordPress adapter sees it: this site only."""
    fake = FakeWordPress()
    monkeypatch.setattr(http, "PublicTransport", lambda: fake)
    return fake


def add_blog(owner: str, password: str = PASSWORD, **rules: Any) -> str:
    body: dict[str, Any] = {
        "platform": "wordpress",
        "config": {"site_url": SITE},
        "credentials": {"username": USERNAME, "application_password": password},
    }
    if rules:
        body["rules"] = rules
    response = call("POST", "/api/v1/channels", body=body, token=owner)
    assert response.status == 201, response.body
    return str(response.json()["id"])


def publish(owner: str, integration: str, body: dict[str, Any]) -> dict[str, Any]:
    response = call("POST", f"/api/v1/channels/{integration}/publish", body=body, token=owner)
    assert response.status == 202, response.body
    result: dict[str, Any] = response.json()
    return result


def test_products_and_pages_publish_to_wordpress_with_records(
    owner: str, site: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    lamp = product("Desk lamp", description="<p>Brass</p>")
    cms.put_store_page(WIZAMART, "story", PageInput(title="Our story", body_html="<p>Since 1990.</p>"))
    integration = add_blog(
        owner, products={"selection": "chosen", "product_ids": [lamp]}, pages={"slugs": ["story"]}
    )
    check = call("POST", f"/api/v1/channels/{integration}/test", token=owner).json()
    assert check["ok"] is True and "Shop Editor" in check["detail"]

    # given a product and a page, when published, then WordPress has a post and a page, and records say so
    first = publish(owner, integration, {"all": True})
    assert (first["job"]["created"], first["job"]["failed"]) == (2, 0)
    records = {r["item_id"]: r for r in first["records"]}
    post = site.items["posts"][int(records[lamp]["remote_id"])]
    assert (post["title"]["raw"], post["status"]) == ("Desk lamp", "publish")
    assert "€25.00" in post["content"]["raw"]
    page = site.items["pages"][int(records["story"]["remote_id"])]
    assert (page["slug"], page["content"]["raw"]) == ("story", "<p>Since 1990.</p>")
    assert records["story"]["remote_url"] == page["link"]

    # an unchanged republish sends nothing and writes no record
    site.sent.clear()
    saved: list[str] = []
    original = ChannelRepository.save_record

    def save(self: ChannelRepository, tenant: Tenant, record: Any) -> None:
        saved.append(record.item_id)
        original(self, tenant, record)

    monkeypatch.setattr(ChannelRepository, "save_record", save)
    again = publish(owner, integration, {"all": True})
    assert (again["job"]["unchanged"], site.sent, saved) == (2, [], [])

    # one field changed: one update of the same post
    current = catalog.get_product(WIZAMART, lamp)
    changed = {**current.model_dump(include=set(ProductInput.model_fields)), "title": "Brass lamp"}
    catalog.update_product(WIZAMART, lamp, ProductInput(**changed))
    updated = publish(owner, integration, {"product_ids": [lamp]})
    assert updated["job"]["updated"] == 1
    assert site.calls() == [("POST", f"/wp/v2/posts/{post['id']}")]
    assert post["title"]["raw"] == "Brass lamp"

    # unpublishing trashes them; a post deleted by hand is published anew by the next publish
    gone = call(
        "POST",
        f"/api/v1/channels/{integration}/unpublish",
        body={"page_slugs": ["story"]},
        token=owner,
    ).json()
    assert gone["records"][0]["status"] == "removed" and page["status"] == "trash"
    del site.items["posts"][post["id"]]
    catalog.update_product(WIZAMART, lamp, ProductInput(**{**changed, "title": "Oak lamp"}))
    anew = publish(owner, integration, {"product_ids": [lamp]})
    assert anew["job"]["created"] == 1
    assert anew["records"][0]["remote_id"] != str(post["id"])


def test_a_refused_or_unreachable_wordpress_ends_in_the_record_and_the_next_publish_retries(
    owner: str, site: FakeWordPress
) -> None:
    lamp = product("Lamp")
    integration = add_blog(owner, password="wrong wrong wrong wrong")
    path = f"/api/v1/channels/{integration}"

    refused = publish(owner, integration, {"product_ids": [lamp]})["records"][0]
    assert refused["status"] == "failed" and refused["attempts"] == 1
    assert "application password" in refused["last_error"]
    after = call("GET", path, token=owner).json()
    assert after["sync_status"] == "failed" and "application password" in after["last_error"]
    check = call("POST", f"{path}/test", token=owner).json()
    assert check["ok"] is False and "application password" in check["detail"]

    # the merchant fixes the password; WordPress is then down for a moment, then back
    credentials = {"username": USERNAME, "application_password": PASSWORD}
    assert call("PATCH", path, body={"credentials": credentials}, token=owner).status == 200
    site.answer_next(answer(503, b"<html>Maintenance</html>", content_type="text/html"))
    down = publish(owner, integration, {"product_ids": [lamp]})["records"][0]
    assert (down["status"], down["attempts"]) == ("failed", 2)
    assert "retried" in down["last_error"]
    back = publish(owner, integration, {"product_ids": [lamp]})["records"][0]
    assert (back["status"], back["attempts"], back["last_error"]) == ("synced", 3, None)
    for text in (refused["last_error"], down["last_error"], check["detail"]):
        assert PASSWORD not in text and "wrong wrong" not in text


def test_a_plain_http_site_address_is_allowed_only_for_a_trusted_host(
    owner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body: dict[str, Any] = {
        "platform": "wordpress",
        "credentials": {"username": USERNAME, "application_password": PASSWORD},
    }

    def add(site_url: str) -> int:
        sent = {**body, "config": {"site_url": site_url}}
        return call("POST", "/api/v1/channels", body=sent, token=owner).status

    assert add("http://127.0.0.1:8081") == 422
    monkeypatch.setenv("ORION_CHANNELS_TRUSTED_HOSTS", '["127.0.0.1:8081"]')
    runtime.reset()
    assert add("http://127.0.0.1:8081") == 201
    assert add("http://127.0.0.1:8082") == 422  # another port
    assert add("http://127.0.0.1") == 422  # port 80 is not trusted
    assert add("https://blog.example.com") == 201
