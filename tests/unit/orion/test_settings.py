"""Settings are read from the environment once, with the AWS region from the standard variables."""

from __future__ import annotations

import pytest

from orion.settings import MissingSetting, OrionSettings, get_settings, reset_settings


def test_settings_come_from_orion_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORION_TABLE_NAME", "orion-prod")
    monkeypatch.setenv("ORION_TENANT_CACHE_TTL_SECONDS", "15")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    settings = OrionSettings()
    assert settings.table_name == "orion-prod"
    assert settings.tenant_cache_ttl_seconds == 15
    assert settings.aws_region == "eu-central-1"


def test_settings_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reset_settings()
    monkeypatch.setenv("ORION_TABLE_NAME", "first")
    assert get_settings().table_name == "first"
    monkeypatch.setenv("ORION_TABLE_NAME", "second")
    assert get_settings().table_name == "first"
    reset_settings()
    assert get_settings().table_name == "second"


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORION_RENDER_TIMEOUT_SECONDS", "soon")
    with pytest.raises(ValueError, match="render_timeout_seconds"):
        OrionSettings()


def test_a_resource_the_environment_does_not_name_fails_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ORION_TEMPLATES_BUCKET")
    settings = OrionSettings()
    with pytest.raises(MissingSetting, match="ORION_TEMPLATES_BUCKET"):
        _ = settings.templates_bucket
    assert settings.table_name == "orion"  # the others are still there
