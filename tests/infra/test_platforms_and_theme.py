"""What a first deploy needs without code: the default theme inside the function code asset, and the
declared platforms applied by a custom resource."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from infra.config import cdk_json_context
from orion.tenancy.declarations import PlatformDeclaration
from tests.environment import REPO_ROOT
from tests.infra.conftest import Assembly


def code_assets(assembly: Assembly) -> dict[str, Path]:
    """The folder each wiring function of the API stack deploys as its code, by logical id (the zip
    its S3Key names, as the stack's asset manifest builds it)."""
    manifest = json.loads((assembly.directory / f"{assembly.prefix}-api.assets.json").read_text())
    folders = {
        destination["objectKey"]: assembly.directory / asset["source"]["path"]
        for asset in manifest["files"].values()
        for destination in asset["destinations"].values()
    }
    functions = assembly.resources("api", "AWS::Lambda::Function")
    return {
        logical_id: folders[resource["Properties"]["Code"]["S3Key"]]
        for logical_id, resource in functions.items()
        # the wiring's functions (Function-<name>), not the CDK Provider framework's own
        if logical_id.startswith("Function") and isinstance(resource["Properties"]["Code"].get("S3Key"), str)
    }


def test_every_function_code_asset_carries_the_whole_default_theme(any_assembly: Assembly) -> None:
    packaged = sorted(p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "templates").rglob("*.*"))
    assets = code_assets(any_assembly)
    assert any(logical_id.startswith("Functionstorefront") for logical_id in assets)
    for logical_id, folder in assets.items():
        shipped = sorted(p.relative_to(folder).as_posix() for p in (folder / "templates").rglob("*.*"))
        assert shipped == packaged, logical_id
        assert (folder / "templates" / "default" / "home.html").read_bytes() == (
            REPO_ROOT / "templates" / "default" / "home.html"
        ).read_bytes()
        assert (folder / "functions" / "storefront" / "handler.py").is_file()
        # The console's own templates, assets and translations ship with it (not tenant-overridable).
        console = folder / "functions" / "console"
        for part in (
            "templates/base.html",
            "templates/login.html",
            "static/console.css",
            "messages/fr/core.json",
        ):
            assert (console / part).is_file(), part


def test_the_declared_platforms_are_a_custom_resource_of_the_platform_bootstrap_function(
    any_assembly: Assembly,
) -> None:
    environment = "prod" if any_assembly.prefix.endswith("prod") else "dev"
    declared = cdk_json_context()["environments"][environment]["platforms"]
    resources = any_assembly.resources("api", "Custom::OrionDeclaredPlatforms")
    assert len(resources) == 1
    (resource,) = resources.values()
    properties = resource["Properties"]
    assert json.loads(properties["Platforms"]) == [
        PlatformDeclaration.model_validate(p).model_dump(mode="json", by_alias=True) for p in declared
    ]
    assert [p["code"] for p in json.loads(properties["Platforms"])] == [p["code"] for p in declared]
    # the service token is the Provider framework, which invokes platform_bootstrap's live alias
    framework_id = properties["ServiceToken"]["Fn::GetAtt"][0]
    framework = any_assembly.template("api")["Resources"][framework_id]
    target = framework["Properties"]["Environment"]["Variables"]["USER_ON_EVENT_FUNCTION_ARN"]
    assert json.dumps(target).count("Aliasplatformbootstrap") == 1
    # the CloudFormation resource is retained by nothing: its Delete reaches the handler, which
    # deletes no data (tests/integration/admin/test_platform_bootstrap.py)
    assert resource.get("DeletionPolicy", "Delete") == "Delete"


def test_each_declared_sender_is_its_domains_sender_with_an_ses_identity(any_assembly: Assembly) -> None:
    environment = "prod" if any_assembly.prefix.endswith("prod") else "dev"
    declared = cdk_json_context()["environments"][environment]["platforms"]
    identities = {
        r["Properties"]["EmailIdentity"]
        for r in any_assembly.resources("mail", "AWS::SES::EmailIdentity").values()
    }
    functions = any_assembly.resources("api", "AWS::Lambda::Function")
    sender = next(f for logical_id, f in functions.items() if logical_id.startswith("Functionoutboxsender"))
    senders = json.loads(sender["Properties"]["Environment"]["Variables"]["ORION_MAIL_SENDERS"])
    for platform in declared:
        assert senders[platform["domain"]] == platform["mailFrom"]
        assert platform["mailFrom"].rsplit("@", 1)[1].rstrip(">") in identities


def test_the_synth_stops_with_that_one_message(tmp_path: Any) -> None:
    shop = {"code": "shop", "name": "Shop", "domain": "shop.example.lu", "mailFrom": "nobody"}
    context = {"platforms": [shop], "stubLayer": True}
    result = subprocess.run(
        [sys.executable, "-m", "infra.app"],
        check=False,
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "CDK_CONTEXT_JSON": json.dumps(context),
            "CDK_OUTDIR": str(tmp_path),
            "PYTHONPATH": f"{REPO_ROOT / 'shared'}:{REPO_ROOT}",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "platforms[0].mailFrom: must be an e-mail address" in result.stderr
