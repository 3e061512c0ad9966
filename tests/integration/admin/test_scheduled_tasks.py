"""Scheduled tasks run per platform where their module runs; domain verification as the example."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.scheduler.handler import handler
from orion.modules.tasks import run_task
from orion.settings import reset_settings
from orion.tenancy import tasks
from orion.tenancy.directory import tenant_directory
from orion.tenancy.domains import add_domain
from orion.tenancy.platforms import list_platforms
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant
from tests.events import FakeContext

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_pending_domain_is_verified_once_its_txt_record_is_there(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORION_DOMAIN_VERIFICATION", "dns")
    reset_settings()
    bakery = Tenant("oms", "bakery")
    claimed = add_domain(bakery, "shop.bakery.lu")
    add_domain(bakery, "other.bakery.lu")
    assert tenant_directory().resolve("shop.bakery.lu", "/") is None  # unverified: not served

    records = {
        "_orion-verification.shop.bakery.lu": [str(claimed.verification_token)],
        "_orion-verification.other.bakery.lu": ["something else"],
    }

    def lookup(name: str) -> list[str]:
        return records.get(name, [])

    assert tasks.verify_domains(Tenant("oms"), NOW, lookup) == 1

    assert tenant_directory().resolve("shop.bakery.lu", "/") is not None
    pending = [d.host for d in TenancyRepository().list_pending_domains("oms")]
    assert pending == ["other.bakery.lu"]
    assert tasks.verify_domains(Tenant("oms"), NOW, lookup) == 0  # idempotent


def test_the_runner_visits_every_platform_and_reports_per_platform(demo: list[str]) -> None:
    run = run_task("tenancy.verify_domains", list_platforms, NOW)
    assert set(run.handled) == {"oms", "loyalty"}  # tenancy is core: it runs everywhere
    assert run.failed == {}


def test_the_lambda_names_unknown_tasks_instead_of_failing(demo: list[str]) -> None:
    assert "error" in handler({"task": "nope.nothing"}, FakeContext())
    assert "error" in handler({}, FakeContext())
    done = handler({"task": "tenancy.verify_domains"}, FakeContext())
    assert done["failed"] == {}
