"""The dependency layer build and the per-environment settings from cdk.json context."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.config import cdk_json_context, deployment_from_context


def test_environments_come_from_cdk_json_and_command_line_overrides_win() -> None:
    context = {**cdk_json_context(), "env": "prod", "platformCertificates": '{"OMS.lu": "arn:cert"}'}

    prod = deployment_from_context(context)
    dev = deployment_from_context(cdk_json_context())

    assert prod.prefix == "orion-prod"
    assert prod.platform_certificates == {"oms.lu": "arn:cert"}
    assert prod.platform_domains == ("oms.lu", "loyalty.lu")
    assert prod.retain_data is True
    assert dev.name == "dev"
    assert dev.retain_data is False
    assert dev.platform_domains == ()


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown environment 'staging'"):
        deployment_from_context({**cdk_json_context(), "env": "staging"})


@pytest.mark.slow
def test_the_real_layer_holds_arm64_wheels_and_orion_within_the_size_limit(tmp_path: Path) -> None:
    from layers.dependency_layer import MAX_UNZIPPED_BYTES, build_layer, wheels_reachable

    if not wheels_reachable():
        pytest.skip("no wheel source reachable (uv cache or package index)")

    size = build_layer(tmp_path)

    site = tmp_path / "python"
    native = list(site.rglob("*.so"))
    assert 0 < size < MAX_UNZIPPED_BYTES
    assert (site / "orion" / "__init__.py").is_file()
    assert (site / "pydantic_core").is_dir()
    assert native, "no compiled extension: pydantic-core at least ships one"
    assert all("x86_64" not in path.name for path in native)
    assert not [p for p in site.rglob("tests") if p.is_dir() and p.parent != site]
