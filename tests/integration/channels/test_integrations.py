"""Integrations through the staff API: credentials write-only and masked, config checked per platform
(422), permissions by role, and one store never seeing another's integrations."""

from __future__ import annotations

import logging

import pytest

from orion.audit.service import list_entries
from orion.channels.repository import ChannelCredentials
from orion.modules.manifest import Role
from orion.tenant import Tenant
from tests.integration.channels.conftest import SECRET, WIZAMART, token_for
from tests.staff import BAKERY, call, token_of

WORDPRESS = {
    "platform": "wordpress",
    "name": "Blog",
    "config": {"site_url": "https://blog.wizamart.lu"},
    "credentials": {"username": "shop", "application_password": SECRET},
    "rules": {
        "products": {"selection": "categories", "categories": ["lamps"]},
        "field_ownership": {"title": "remote"},
    },
}


def test_credentials_are_stored_but_never_shown_nor_logged(
    owner: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every logger at the level functions log at (INFO; botocore's DEBUG wire logging prints the request
    # body of any secret, and is never switched on in a deployed function). Powertools writes to stdout.
    caplog.set_level(logging.INFO)
    created = call("POST", "/api/v1/channels", body=WORDPRESS, token=owner)
    assert created.status == 201, created.body
    integration = created.json()
    assert integration["platform_type"] == "cms"
    assert integration["credentials"] == {"set": True, "hint": "••••mnop"}
    assert integration["sync_status"] == "pending"
    assert integration["rules"]["field_ownership"] == {"title": "remote"}
    path = f"/api/v1/channels/{integration['id']}"

    shown = [
        created,
        call("GET", "/api/v1/channels", token=owner),
        call("GET", path, token=owner),
        call("PATCH", path, body={"name": "Journal", "is_active": False}, token=owner),
    ]
    assert [r.status for r in shown] == [201, 200, 200, 200]
    assert shown[3].json()["name"] == "Journal" and shown[3].json()["credentials"]["set"]
    stored = ChannelCredentials().get(WIZAMART, integration["id"])
    assert stored == {"username": "shop", "application_password": SECRET}

    replaced = call(
        "PATCH",
        path,
        body={"credentials": {"username": "shop", "application_password": "zzzz yyyy xxxx wwww"}},
        token=owner,
    )
    assert replaced.json()["credentials"]["hint"] == "••••wwww"
    for response in [*shown, replaced]:
        assert SECRET not in response.text and "zzzz yyyy" not in response.text
    captured = capsys.readouterr()
    for text in (caplog.text, captured.out, captured.err):
        assert SECRET not in text and "zzzz yyyy" not in text

    assert call("DELETE", path, token=owner).status == 204
    assert call("GET", path, token=owner).status == 404
    assert ChannelCredentials().get(WIZAMART, integration["id"]) is None
    audited = [e for e in list_entries(WIZAMART, limit=50)[0] if e.target == f"channel:{integration['id']}"]
    actions = sorted(e.action for e in audited)
    assert actions == ["channels.create", "channels.delete", "channels.update", "channels.update"]
    assert all(SECRET not in str(e.details) for e in audited)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "myspace"}, None),
        ({**WORDPRESS, "config": {"site_url": "http://blog.wizamart.lu"}}, "config.site_url"),
        # addresses the destination client would never reach: caught when saved, not at publish
        ({**WORDPRESS, "config": {"site_url": "https://blog.wizamart.lu:8443"}}, "config.site_url"),
        ({**WORDPRESS, "config": {"site_url": "https://127.0.0.1"}}, "config.site_url"),
        ({**WORDPRESS, "config": {"site_url": "https://[fd00::1]"}}, "config.site_url"),
        ({**WORDPRESS, "config": {"site_url": "https://blog.internal"}}, "config.site_url"),
        ({**WORDPRESS, "credentials": {"username": "shop"}}, "credentials.application_password"),
        (
            {
                "platform": "shopify",
                "config": {"shop_domain": "wizamart.com"},
                "credentials": {"access_token": "t"},
            },
            "config.shop_domain",
        ),
        ({"platform": "orion_site", "config": {"store": "bakery"}}, "config.store"),  # another merchant's
        ({"platform": "orion_site", "config": {"store": "wizamart"}}, "config.store"),  # itself
        ({"platform": "orion_site", "config": {"store": "nowhere"}}, "config.store"),
        ({**WORDPRESS, "rules": {"field_ownership": {"stock": "remote"}}}, None),
    ],
)
def test_a_config_the_platform_cannot_take_is_a_422_naming_the_field(
    owner: str, body: dict[str, object], field: str | None
) -> None:
    response = call("POST", "/api/v1/channels", body=body, token=owner)
    assert response.status == 422, response.body
    assert response.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert field in [error["field"] for error in response.json()["errors"]]
    assert call("GET", "/api/v1/channels", token=owner).json()["integrations"] == []


def test_viewers_see_integrations_editors_cannot_manage_them_managers_can(owner: str) -> None:
    viewer, editor, manager = token_for(Role.VIEWER), token_of("wizamart-editor"), token_for(Role.MANAGER)
    assert call("POST", "/api/v1/channels", body=WORDPRESS, token=editor).status == 403
    assert call("POST", "/api/v1/channels", body=WORDPRESS, token=viewer).status == 403
    created = call("POST", "/api/v1/channels", body=WORDPRESS, token=manager)
    assert created.status == 201
    path = f"/api/v1/channels/{created.json()['id']}"
    for token in (viewer, editor):
        assert call("GET", "/api/v1/channels", token=token).status == 200
        assert call("GET", path, token=token).status == 200
        assert call("GET", f"{path}/records", token=token).status == 200
        assert call("PATCH", path, body={"name": "x"}, token=token).status == 403
        assert call("DELETE", path, token=token).status == 403
        assert call("POST", f"{path}/publish", body={"all": True}, token=token).status == 403


def test_a_store_never_sees_another_stores_integrations(owner: str) -> None:
    created = call("POST", "/api/v1/channels", body=WORDPRESS, token=owner).json()
    bakery = token_of("bakery-owner", host=BAKERY)
    assert call("GET", "/api/v1/channels", host=BAKERY, token=bakery).json()["integrations"] == []
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"name": "mine"}),
        ("DELETE", "", None),
        ("GET", "/records", None),
        ("POST", "/test", None),
        ("POST", "/publish", {"all": True}),
    ]:
        response = call(
            method, f"/api/v1/channels/{created['id']}{suffix}", host=BAKERY, token=bakery, body=body
        )
        assert response.status == 404, (method, suffix, response.body)
    assert call("GET", f"/api/v1/channels/{created['id']}", token=owner).json()["name"] == "Blog"
    assert Tenant("oms", "bakery") != WIZAMART
