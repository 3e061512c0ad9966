"""Platforms declared in cdk.json: read into the deployment, their senders feed the mail settings, and
a mistake stops the synth with one message naming the setting."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.config import InvalidEnvironment, cdk_json_context, deployment_from_context

SHOP = {
    "code": "shop",
    "name": "Shop",
    "domain": "shop.example.lu",
    "languages": ["en"],
    "modules": [],
    "defaultTier": "essential",
    "mailFrom": "Shop <hello@mail.shop.example.lu>",
}


def deployment(**overrides: Any) -> Any:
    return deployment_from_context({**cdk_json_context(), "env": "dev", **overrides})


def test_both_environments_declare_their_platforms() -> None:
    assert [p.code for p in deployment().platforms] == ["oms"]
    prod = deployment(env="prod", alarmEmail="ops@oms.lu")  # prod needs an alarm subscriber
    assert [p.code for p in prod.platforms] == ["oms", "loyalty"]


def test_a_declared_sender_becomes_its_domains_sender_and_an_ses_domain() -> None:
    found = deployment(platforms=[SHOP])
    assert found.mail_senders["shop.example.lu"] == "Shop <hello@mail.shop.example.lu>"
    assert "mail.shop.example.lu" in found.mail_domains


def test_mail_senders_named_for_a_domain_win_over_the_declaration() -> None:
    found = deployment(platforms=[SHOP], mailSenders={"shop.example.lu": "ops@shop.example.lu"})
    assert found.mail_senders["shop.example.lu"] == "ops@shop.example.lu"


def test_the_command_line_may_pass_the_declarations_as_json() -> None:
    assert [p.code for p in deployment(platforms=json.dumps([SHOP])).platforms] == ["shop"]


def test_an_invalid_declaration_names_the_environment_and_the_setting() -> None:
    with pytest.raises(InvalidEnvironment) as raised:
        deployment(platforms=[SHOP, SHOP | {"code": "other", "domain": "http://x"}])
    first, *problems = str(raised.value).splitlines()
    assert first.startswith("environment 'dev'")
    assert len(problems) == 1
    assert problems[0].startswith("  - platforms[1].domain: must be a public domain")
