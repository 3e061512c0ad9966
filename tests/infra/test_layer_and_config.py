"""The dependency layer build and the per-environment settings from cdk.json context."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from infra.config import (
    REPO_ROOT,
    InvalidEnvironment,
    cdk_json_context,
    deployment_from_context,
    is_protected,
)
from tests.infra.conftest import ALARM_EMAIL

PROD = {**cdk_json_context(), "env": "prod", "alarmEmail": ALARM_EMAIL}


def test_environments_come_from_cdk_json_and_command_line_overrides_win() -> None:
    context = {**PROD, "platformCertificates": '{"OMS.lu": "arn:cert"}'}

    prod = deployment_from_context(context)
    dev = deployment_from_context(cdk_json_context())

    assert prod.prefix == "orion-prod"
    assert prod.platform_certificates == {"oms.lu": "arn:cert"}
    assert prod.platform_domains == ("oms.lu", "loyalty.lu")
    assert prod.retain_data is True
    assert prod.alarm_email == ALARM_EMAIL
    assert dev.name == "dev"
    assert dev.retain_data is False
    assert dev.platform_domains == ()


def test_command_line_values_arrive_as_text_and_are_read_as_their_settings() -> None:
    deployment = deployment_from_context(
        {
            **PROD,
            "logRetentionDays": "30",
            "retainData": "true",
            "platformDomains": "oms.lu, loyalty.lu",
            "reservedConcurrency": '{"checkout": 50}',
        }
    )

    assert deployment.log_retention_days == 30
    assert deployment.retain_data is True
    assert deployment.platform_domains == ("oms.lu", "loyalty.lu")
    assert deployment.reserved_concurrency == {"checkout": 50}


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(InvalidEnvironment, match="unknown environment 'staging'"):
        deployment_from_context({**cdk_json_context(), "env": "staging"})


def with_environment(name: str, **block: Any) -> dict[str, Any]:
    """cdk.json's context with environment ``name`` replaced by ``block`` (as an operator wrote it)."""
    context = cdk_json_context()
    return {**context, "env": name, "environments": {**context["environments"], name: block}}


@pytest.mark.parametrize(
    ("context", "setting", "says"),
    [
        pytest.param(
            {**cdk_json_context(), "env": "prod"},
            "alarmEmail",
            "required",
            id="prod without alarm subscriber",
        ),
        pytest.param(
            with_environment("staging", mailFrom="no-reply@oms.lu", retainData=True),
            "alarmEmail",
            "keeps data",
            id="data kept without alarm subscriber",
        ),
        pytest.param(
            with_environment("dev", retainData=False), "mailFrom", "no e-mail sender", id="no sender"
        ),
        pytest.param(
            with_environment("dev", mailFrom="Orion <no-reply@shop.localhost>", retainData=False),
            "mailFrom",
            "not an address on a public domain",
            id="made-up sender",
        ),
        pytest.param(
            with_environment("dev", mailFrom="no-reply@oms.lu", retainData=False, logRetention=14),
            "logRetention",
            "unknown setting",
            id="unknown key",
        ),
        pytest.param(
            with_environment(
                "dev", mailFrom="no-reply@oms.lu", retainData=False, logRetentionDays="two weeks"
            ),
            "logRetentionDays",
            "valid integer",
            id="wrong type",
        ),
        pytest.param(
            with_environment("dev", mailFrom="no-reply@oms.lu", retainData=False, waf="on"),
            "waf",
            "'off', 'create' or a web ACL ARN",
            id="waf spelt wrong",
        ),
        pytest.param(
            with_environment(
                "dev", mailFrom="no-reply@oms.lu", retainData=False, reservedConcurrency={"shopfront": 5}
            ),
            "reservedConcurrency",
            "no function is called shopfront",
            id="unknown function",
        ),
        pytest.param(
            with_environment(
                "dev", mailFrom="no-reply@oms.lu", retainData=False, platformCertificates={"oms.lu": "arn:c"}
            ),
            "platformCertificates",
            "oms.lu is not in platformDomains",
            id="certificate for an undeclared domain",
        ),
        pytest.param(
            {**PROD, "alarmEmail": "the ops team"}, "alarmEmail", "not an e-mail address", id="alarm not mail"
        ),
    ],
)
def test_a_misconfigured_environment_is_refused_naming_the_setting(
    context: dict[str, Any], setting: str, says: str
) -> None:
    with pytest.raises(InvalidEnvironment) as refused:
        deployment_from_context(context)

    problems = [line for line in str(refused.value).splitlines() if line.startswith("  - ")]
    assert len(problems) == 1, str(refused.value)
    assert problems[0].startswith(f"  - {setting}: "), problems[0]
    assert says in problems[0]


def test_the_platforms_declared_per_environment_are_checked_and_send_from_their_own_sender() -> None:
    platform = {"code": "oms", "name": "OMS", "domain": "oms.lu", "languages": ["fr", "en"]}

    with pytest.raises(InvalidEnvironment, match=r"(?m)^  - platforms\[0\]\.mailFrom: is required$"):
        deployment_from_context({**PROD, "platforms": [platform]})

    deployment = deployment_from_context(
        {**PROD, "platforms": [{**platform, "mailFrom": "OMS <shop@oms.lu>"}]}
    )
    assert [(p.code, p.domain, p.languages) for p in deployment.platforms] == [
        ("oms", "oms.lu", ("fr", "en"))
    ]
    assert deployment.mail_senders["oms.lu"] == "OMS <shop@oms.lu>"


def test_the_app_command_refuses_a_misconfigured_environment_with_one_message_and_no_traceback() -> None:
    """What an operator sees from ``make diff ENV=prod`` before setting alarmEmail: one message naming
    the setting, a non-zero exit, and no synthesis (the CDK is not even loaded)."""
    app = json.loads((REPO_ROOT / "cdk.json").read_text())["app"]
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps({"env": "prod"}), "CDK_OUTDIR": "/nonexistent"}

    result = subprocess.run(
        app, shell=True, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: environment 'prod'")
    assert "alarmEmail: required" in result.stderr
    assert "Traceback" not in result.stderr


def test_make_destroy_refuses_prod_unless_forced() -> None:
    assert is_protected("prod")
    assert is_protected("prod", with_environment("prod", retainData=False))
    assert is_protected("staging", with_environment("staging", mailFrom="no-reply@oms.lu"))
    assert not is_protected("dev")

    result = subprocess.run(
        ["make", "--no-print-directory", "-o", "venv", "destroy", "ENV=prod"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "refusing to destroy prod" in result.stderr
    assert "FORCE=yes" in result.stderr
    assert "aws-cdk" not in result.stdout + result.stderr  # the CLI never ran


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
