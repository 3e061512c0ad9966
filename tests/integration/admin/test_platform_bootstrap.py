"""The platform bootstrap function on moto: the deploy's custom resource applies the declared platforms
(Create, Update) and never deletes anything (Delete); an operator's admin request makes a platform
admin whose one-time sign-in link works once, within its lifetime."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.platform_bootstrap.handler import handler
from infra.wiring import table
from orion import runtime
from orion.errors import Conflict, Invalid
from orion.identity.service import find_user
from orion.outbox.service import list_messages
from orion.tenancy.models import Tier
from orion.tenancy.platforms import get_platform, update_platform
from orion.tenant import Tenant
from tests.events import FakeContext
from tests.staff import call

pytestmark = pytest.mark.usefixtures("aws")
ACME = {
    "code": "acme",
    "name": "Acme",
    "domain": "acme.lu",
    "languages": ["fr", "en"],
    "modules": ["orders", "inventory"],
    "defaultTier": "professional",
    "mailFrom": "Acme <no-reply@acme.lu>",
}
API = "api.acme.lu"


def cloudformation(request: str, platforms: list[dict[str, Any]], physical: str | None = None) -> Any:
    event: dict[str, Any] = {
        "RequestType": request,
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:x", "Platforms": json.dumps(platforms)},
    }
    if physical:
        event["PhysicalResourceId"] = physical
    return handler(event, FakeContext())


def invite(email: str = "founder@acme.lu", platform: str = "acme") -> Any:
    return handler({"action": "admin", "platform": platform, "email": email}, FakeContext())


def link_token(email: str = "founder@acme.lu") -> str:
    mail = next(m for m in list_messages(Tenant("acme")) if m.kind == "sign-in-link" and m.to == email)
    found = re.search(r"https://api\.acme\.lu/api/v1/auth/sign-in-link\?token=(\S+)", mail.text)
    assert found, mail.text
    return found.group(1)


def test_create_applies_the_declarations_and_update_changes_only_declared_fields() -> None:
    created = cloudformation("Create", [ACME])
    assert created["Data"] == {"Created": "acme", "Updated": ""}
    acme = get_platform(Tenant("acme"))
    assert (acme.name, acme.domains, acme.default_tier) == ("Acme", ("acme.lu",), Tier.PROFESSIONAL)
    # a platform admin changes the theme at run time; the next deploy renames the platform
    update_platform(Tenant("acme"), default_theme="midnight")
    updated = cloudformation("Update", [ACME | {"name": "Acme Markets"}], created["PhysicalResourceId"])
    assert updated["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert updated["Data"] == {"Created": "", "Updated": "acme"}
    runtime.reset()
    acme = get_platform(Tenant("acme"))
    assert acme.name == "Acme Markets"
    assert acme.default_theme == "midnight"
    assert cloudformation("Update", [ACME | {"name": "Acme Markets"}])["Data"]["Updated"] == ""


def test_delete_deletes_no_platform_and_no_data() -> None:
    created = cloudformation("Create", [ACME])
    invite()
    deleted = cloudformation("Delete", [ACME], created["PhysicalResourceId"])
    assert deleted == {"PhysicalResourceId": created["PhysicalResourceId"]}
    runtime.reset()
    assert get_platform(Tenant("acme")).name == "Acme"
    assert find_user(Tenant("acme"), "founder@acme.lu").platform_admin


def test_an_invalid_declaration_fails_the_deploy_naming_the_setting_and_writes_nothing() -> None:
    with pytest.raises(Invalid, match=r"platforms\[1\]\.domain"):
        cloudformation("Create", [ACME, ACME | {"code": "other", "domain": "no domain"}])
    names = boto3.client("dynamodb").scan(TableName=table("main").local_name)["Items"]
    assert names == []


def test_a_declared_domain_another_platform_serves_fails_the_deploy() -> None:
    cloudformation("Create", [ACME])
    with pytest.raises(Conflict, match=r"acme\.lu already serves acme"):
        cloudformation("Update", [ACME | {"code": "copycat"}])


def test_the_admin_request_makes_a_platform_admin_and_mails_a_one_time_link() -> None:
    cloudformation("Create", [ACME])
    answer = invite()
    assert answer["created_user"] is True
    assert "token" not in json.dumps(answer) and "http" not in json.dumps(answer)  # only by e-mail
    assert find_user(Tenant("acme"), "founder@acme.lu").platform_admin
    token = link_token()
    # the link's page asks for a password without spending the link
    page = call("GET", "/api/v1/auth/sign-in-link", host=API, query=f"token={token}")
    assert page.status == 200 and b"founder@acme.lu" in page.body
    # too short a password is refused and the link still works
    assert (
        call("POST", "/api/v1/auth/sign-in-link", host=API, body={"token": token, "password": "short"}).status
        == 422
    )
    used = call(
        "POST", "/api/v1/auth/sign-in-link", host=API, body={"token": token, "password": "a-long-secret-1"}
    )
    assert used.status == 200, used.body
    assert used.json()["access_token"]
    admin = call("GET", "/api/v1/admin/platform", host=API, token=used.json()["access_token"])
    assert admin.status == 200 and admin.json()["code"] == "acme"
    again = call(
        "POST", "/api/v1/auth/sign-in-link", host=API, body={"token": token, "password": "another-secret-2"}
    )
    assert again.status == 410
    login = call(
        "POST",
        "/api/v1/auth/login",
        host=API,
        body={"email": "founder@acme.lu", "password": "a-long-secret-1"},
    )
    assert login.status == 200


def test_an_expired_link_is_refused_and_a_tampered_one_does_not_exist() -> None:
    cloudformation("Create", [ACME])
    invite()
    token = link_token()
    link_id = token.split(".")[0]
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
    boto3.client("dynamodb").update_item(
        TableName=table("main").local_name,
        Key={"PK": {"S": f"P#acme#SIGNIN#{link_id}"}, "SK": {"S": "SIGNIN"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"S": past}},
    )
    expired = call(
        "POST", "/api/v1/auth/sign-in-link", host=API, body={"token": token, "password": "a-long-secret-1"}
    )
    assert expired.status == 410
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert (
        call(
            "POST",
            "/api/v1/auth/sign-in-link",
            host=API,
            body={"token": tampered, "password": "a-long-secret-1"},
        ).status
        == 404
    )


def test_asking_again_reuses_the_account_and_sends_a_new_link() -> None:
    cloudformation("Create", [ACME])
    first = invite()
    second = invite()
    assert second["created_user"] is False
    assert second["user_id"] == first["user_id"]
    assert len([m for m in list_messages(Tenant("acme")) if m.kind == "sign-in-link"]) == 2


def test_an_admin_request_for_an_undeclared_platform_or_a_bad_address_is_refused() -> None:
    assert invite(platform="nowhere")["error"]["status"] == 404
    cloudformation("Create", [ACME])
    assert invite(email="not-an-address")["error"]["status"] == 422
    assert (
        handler({"action": "admin", "platform": "Bad Code!", "email": "a@b.lu"}, FakeContext())["error"][
            "status"
        ]
        == 400
    )
