"""What a first deploy needs without code: the default theme inside the function code asset, and the
declared platforms applied by a custom resource."""

from __future__ import annotations

import json
from pathlib import Path

from tests.environment import REPO_ROOT
from tests.infra.conftest import Assembly


def code_assets(assembly: Assembly) -> dict[str, Path]:
    """The folder each Lambda function of the API stack deploys as its code, by logical id (the zip
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
        if isinstance(resource["Properties"]["Code"].get("S3Key"), str)
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
