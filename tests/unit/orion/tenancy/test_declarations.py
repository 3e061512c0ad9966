"""Declared platforms: created when missing, set to the declaration's fields when present, untouched
otherwise, nothing written when nothing changed; an invalid declaration names its setting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from orion import runtime
from orion.errors import Conflict, Invalid
from orion.tenancy.declarations import (
    Outcome,
    apply_declaration,
    apply_declarations,
    parse_declarations,
)
from orion.tenancy.errors import InvalidDeclaration
from orion.tenancy.models import DomainRecord, Platform, Tier
from orion.tenancy.repository import TenancyRepository

OMS = {
    "code": "oms",
    "name": "OMS",
    "domain": "oms.lu",
    "languages": ["fr", "en"],
    "modules": ["orders", "inventory"],
    "defaultTier": "professional",
    "mailFrom": "OMS <no-reply@oms.lu>",
}


class FakeTenancy:
    """Platforms and domain claims in memory, counting writes."""

    def __init__(self) -> None:
        self.platforms: dict[str, Platform] = {}
        self.domains: dict[str, DomainRecord] = {}
        self.writes = 0

    def get_platform(self, code: str) -> Platform | None:
        return self.platforms.get(code)

    def lookup_domains(self, hosts: Sequence[str]) -> dict[str, DomainRecord]:
        return {host: self.domains[host] for host in hosts if host in self.domains}

    def put_platform(self, platform: Platform) -> None:
        self.writes += 1
        self.platforms[platform.code] = platform
        for host in platform.domains:
            self.domains[host] = DomainRecord(host, platform.code)


@pytest.fixture
def tenancy() -> FakeTenancy:
    fake = FakeTenancy()
    runtime.substitute(TenancyRepository, fake)
    return fake


def declare(**changes: Any) -> Any:
    return parse_declarations([{**OMS, **changes}])[0]


def test_an_undeclared_platform_is_created_with_the_declared_fields(tenancy: FakeTenancy) -> None:
    applied = apply_declaration(declare())
    assert applied.outcome is Outcome.CREATED
    platform = tenancy.platforms["oms"]
    assert platform.name == "OMS"
    assert platform.domains == ("oms.lu",)
    assert platform.languages == ("fr", "en")
    assert platform.default_language == "fr"
    assert platform.enabled_modules == frozenset({"orders", "inventory"})
    assert platform.default_tier is Tier.PROFESSIONAL


def test_applying_the_same_declaration_again_writes_nothing(tenancy: FakeTenancy) -> None:
    apply_declaration(declare())
    writes = tenancy.writes
    assert apply_declaration(declare()).outcome is Outcome.UNCHANGED
    assert apply_declarations([OMS, OMS | {"code": "loyalty", "domain": "loyalty.lu"}])[0].outcome is (
        Outcome.UNCHANGED
    )
    assert tenancy.writes == writes + 1  # only loyalty's creation


def test_an_update_sets_the_declared_fields_and_keeps_run_time_edits_of_the_others(
    tenancy: FakeTenancy,
) -> None:
    apply_declaration(declare())
    # at run time, a platform admin adds a domain and picks another theme, and switches a module on
    edited = tenancy.platforms["oms"].model_copy(
        update={
            "domains": ("oms.lu", "shop.oms.lu"),
            "default_theme": "dark",
            "enabled_modules": frozenset({"orders", "inventory", "analytics"}),
        }
    )
    tenancy.put_platform(edited)
    # the next deploy renames it and changes its languages
    applied = apply_declaration(declare(name="OMS Luxembourg", languages=["de", "fr"]))
    assert applied.outcome is Outcome.UPDATED
    assert set(applied.changed) == {"name", "languages", "default_language", "enabled_modules"}
    platform = tenancy.platforms["oms"]
    assert platform.name == "OMS Luxembourg"
    assert platform.languages == ("de", "fr") and platform.default_language == "de"
    assert platform.domains == ("oms.lu", "shop.oms.lu")  # the added domain stays
    assert platform.default_theme == "dark"  # not declared: kept
    assert platform.enabled_modules == frozenset({"orders", "inventory"})  # declared: the declaration


def test_a_declared_domain_moves_to_the_front_without_dropping_the_old_ones(tenancy: FakeTenancy) -> None:
    apply_declaration(declare())
    apply_declaration(declare(domain="oms.example.lu"))
    assert tenancy.platforms["oms"].domains == ("oms.example.lu", "oms.lu")


def test_a_domain_another_platform_serves_is_a_conflict_and_writes_nothing(tenancy: FakeTenancy) -> None:
    tenancy.domains["oms.lu"] = DomainRecord("oms.lu", "loyalty")
    with pytest.raises(Conflict, match=r"oms\.lu already serves loyalty"):
        apply_declaration(declare())
    assert tenancy.writes == 0


def test_platforms_that_are_not_declared_are_left_alone(tenancy: FakeTenancy) -> None:
    tenancy.put_platform(Platform(code="legacy", name="Legacy", domains=("legacy.lu",)))
    apply_declarations([OMS])
    assert tenancy.platforms["legacy"] == Platform(code="legacy", name="Legacy", domains=("legacy.lu",))


@pytest.mark.parametrize(
    ("declarations", "message"),
    [
        ([OMS, OMS | {"domain": "https://oms.lu/"}], "platforms[1].domain: must be a public domain"),
        ([OMS | {"code": "OMS!"}], "platforms[0].code: must be 2-40 characters"),
        ([OMS | {"languages": ["fr", "it"]}], "platforms[0].languages: unsupported it"),
        ([OMS | {"languages": []}], "platforms[0].languages: must name at least one language"),
        ([OMS | {"modules": ["orders", "teleport"]}], "platforms[0].modules: not optional modules: teleport"),
        ([OMS | {"defaultTier": "gold"}], "platforms[0].defaultTier: Input should be 'essential'"),
        ([OMS | {"mailFrom": "nobody"}], "platforms[0].mailFrom: must be an e-mail address"),
        ([{k: v for k, v in OMS.items() if k != "mailFrom"}], "platforms[0].mailFrom: is required"),
        ([OMS | {"colour": "blue"}], "platforms[0].colour: is not a platform setting"),
        ([OMS, OMS | {"domain": "other.lu"}], "platforms[1].code: 'oms' is already declared by platforms[0]"),
        ([OMS, OMS | {"code": "other"}], "platforms[1].domain: 'oms.lu' is already declared by platforms[0]"),
        ({"code": "oms"}, "platforms: must be a list"),
    ],
)
def test_an_invalid_declaration_names_the_setting(declarations: Any, message: str) -> None:
    with pytest.raises(InvalidDeclaration) as raised:
        parse_declarations(declarations)
    assert str(raised.value).startswith(message), str(raised.value)


def test_applying_an_invalid_declaration_is_a_client_error_and_writes_nothing(tenancy: FakeTenancy) -> None:
    with pytest.raises(Invalid, match=r"platforms\[1\]\.domain"):
        apply_declarations([OMS | {"code": "ok"}, OMS | {"domain": "not a domain"}])
    assert tenancy.writes == 0
