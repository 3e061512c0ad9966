"""cdk-nag (AwsSolutions) and cfn-lint on the synthesised templates: clean, with every accepted
finding carrying a reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from infra.stacks.nag import ACKNOWLEDGED
from tests.infra.conftest import Assembly


def test_cdk_nag_reports_no_open_finding(any_assembly: Assembly) -> None:
    """Synthesis fails on an open finding; the report it leaves says so too."""
    report_path = any_assembly.directory / "validation-report.json"
    if report_path.exists():
        report = json.loads(report_path.read_text())
        violations = [v for plugin in report["pluginReports"] for v in plugin.get("violations", [])]
        assert violations == []


def test_every_acknowledged_finding_has_a_reason(assembly: Assembly) -> None:
    assert ACKNOWLEDGED, "the app acknowledges nothing: the nag plugin is probably not running"
    for path, rule, reason in ACKNOWLEDGED:
        assert rule.startswith("AwsSolutions-"), (path, rule)
        assert len(reason.split()) >= 5, (path, rule, reason)


def test_cfn_lint_finds_nothing(any_assembly: Assembly) -> None:
    templates = sorted(str(path) for path in Path(any_assembly.directory).glob("*.template.json"))
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    # W3005 (DependsOn already implied) is CDK's own doing; `--` ends the ignore list.
    result = subprocess.run(
        [str(cfn_lint), "--ignore-checks", "W3005", "--", *templates],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
