"""cdk-nag (AwsSolutions) and cfn-lint on the synthesised templates: clean, with every accepted
finding carrying a reason, and each check shown to run and to fail on a known finding."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_sqs as sqs

import infra.app
from infra.config import Deployment
from tests.infra.conftest import DEV_CONTEXT, Assembly

CFN_LINT = Path(sys.executable).with_name("cfn-lint")
# A template with one finding cfn-lint always reports: a property of the wrong type (E3012).
PLANTED_TEMPLATE = {
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": "soon"}}}
}


def validation_report(directory: Path) -> dict[str, Any]:
    """The validation report synthesis writes into the cloud assembly (a test fails if there is none)."""
    path = directory / "validation-report.json"
    assert path.is_file(), f"synthesis wrote no validation report in {directory}"
    report: dict[str, Any] = json.loads(path.read_text())
    return report


def test_cdk_nag_reports_no_open_finding(any_assembly: Assembly) -> None:
    """Synthesis fails on an open finding; the report it leaves lists none (and a report that lists
    nothing is what the nag plugin leaves on a clean app: see the next test for one with a finding)."""
    report = validation_report(any_assembly.directory)
    open_findings = [
        (plugin["pluginName"], violation["ruleName"])
        for plugin in report["pluginReports"]
        for violation in plugin.get("violations", [])
    ]
    assert open_findings == []
    assert all(plugin.get("conclusion") == "success" for plugin in report["pluginReports"])


def test_the_apps_nag_checks_fail_synthesis_on_a_known_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app as build_app makes it, with one queue that has neither a dead-letter queue nor an SSL
    policy in place of Orion's stacks: synthesis fails and the report names both rules."""

    def one_bad_queue(app: App, deployment: Deployment) -> None:
        sqs.Queue(Stack(app, f"{deployment.prefix}-planted"), "Planted")

    monkeypatch.setattr(infra.app, "add_stacks", one_bad_queue)
    app = infra.app.build_app(DEV_CONTEXT, outdir=str(tmp_path))
    with pytest.raises(RuntimeError, match=r"ValidationFailed|Validation failed"):
        app.synth()

    report = validation_report(tmp_path)
    findings = {
        (plugin["pluginName"], violation["ruleName"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
    }
    assert {("AwsSolutions", "AwsSolutions-SQS3"), ("AwsSolutions", "AwsSolutions-SQS4")} <= findings


def test_every_acknowledged_finding_has_a_reason(assembly: Assembly) -> None:
    assert assembly.acknowledged, "the app acknowledges nothing: the nag plugin is probably not running"
    for path, rule, reason in assembly.acknowledged:
        assert rule.startswith("AwsSolutions-"), (path, rule)
        assert len(reason.split()) >= 5, (path, rule, reason)


@pytest.mark.slow  # cfn-lint over both environments' templates: `make test-deep` (CI runs it too)
def test_cfn_lint_finds_nothing(any_assembly: Assembly, tmp_path: Path) -> None:
    """cfn-lint reads every stack's template and reports nothing in them; a planted template linted in
    the same run shows that it reads and reports."""
    templates = sorted(str(path) for path in any_assembly.directory.glob("*.template.json"))
    assert {Path(t).name for t in templates} == {f"{stack}.template.json" for stack in any_assembly.templates}
    planted = tmp_path / "planted.template.json"
    planted.write_text(json.dumps(PLANTED_TEMPLATE))
    # W3005 (DependsOn already implied) is CDK's own doing; `--` ends the ignore list. --info logs each
    # template as it is read.
    result = subprocess.run(
        [
            str(CFN_LINT),
            "--info",
            "--format",
            "json",
            "--ignore-checks",
            "W3005",
            "--",
            *templates,
            str(planted),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    scanned = set(re.findall(r"Run scan of template (\S+)", result.stderr))
    assert scanned == {*templates, str(planted)}, result.stderr
    findings = [(Path(m["Filename"]).name, m["Rule"]["Id"]) for m in json.loads(result.stdout)]
    assert findings == [("planted.template.json", "E3012")], result.stdout


# The resource type each acknowledged rule is about: an acknowledgment must cover one of them.
RULE_SUBJECTS = {
    "AwsSolutions-APIG4": "AWS::ApiGatewayV2::Route",
    "AwsSolutions-CFR": "AWS::CloudFront::Distribution",
    "AwsSolutions-IAM4": "AWS::IAM::Role",
    "AwsSolutions-IAM5": "AWS::IAM::Policy",
    "AwsSolutions-L1": "AWS::Lambda::Function",
    "AwsSolutions-S1": "AWS::S3::Bucket",
    "AwsSolutions-SMG4": "AWS::SecretsManager::Secret",
    "AwsSolutions-SNS2": "AWS::SNS::Topic",
    "AwsSolutions-SQS3": "AWS::SQS::Queue",
}
# Actions AWS authorises on no resource but "*" (X-Ray segments, CloudWatch Logs delivery).
WILDCARD_ONLY_ACTIONS = re.compile(
    r"^(xray:(Put|Get)\w+|logs:(\w+LogDelivery|ListLogDeliveries|DescribeLogGroups|DescribeResourcePolicies|PutResourcePolicy))$"
)


def resource(assembly: Assembly, address: str) -> dict[str, Any]:
    stack, logical_id = address.split("/")
    found: dict[str, Any] = assembly.templates[stack]["Resources"][logical_id]
    return found


def as_nag_prints(value: Any) -> str:
    """A policy resource as cdk-nag writes it in a finding id (pseudo parameters as ``<AWS::...>``)."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(as_nag_prints(part) for part in parts)
    if "Ref" in value:
        return f"<{value['Ref']}>"
    return f"<{json.dumps(value, sort_keys=True)}>"


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def test_each_acknowledgment_covers_only_what_its_finding_is_about(any_assembly: Assembly) -> None:
    """No acknowledgment sits on a whole stack or role: it covers at least one resource of the kind its
    rule checks, a wildcard (IAM5) one exactly one policy and a managed-policy (IAM4) one one role."""
    for path, rule, _ in any_assembly.acknowledged:
        # A Lambda version's logical id is renamed after its hash at synthesis: it is not looked up.
        covered = [
            resource(any_assembly, address)
            for address in any_assembly.covered[path]
            if "CurrentVersion" not in address
        ]
        subject = next(kind for prefix, kind in RULE_SUBJECTS.items() if rule.startswith(prefix))
        assert any(r["Type"] == subject for r in covered), (path, rule)
        if rule.startswith("AwsSolutions-IAM"):
            assert [r["Type"] for r in covered] == [subject], (path, rule)


def test_each_wildcard_acknowledgment_names_a_statement_of_the_policy_it_covers(
    any_assembly: Assembly,
) -> None:
    """``IAM5[Resource::*]`` excuses only actions that accept no narrower resource; any other IAM5
    acknowledgment names a resource that a statement of its policy really grants."""
    wildcards = [(p, r) for p, r, _ in any_assembly.acknowledged if r.startswith("AwsSolutions-IAM5[")]
    assert wildcards
    for path, rule in wildcards:
        [address] = any_assembly.covered[path]
        granted = statements(resource(any_assembly, address))
        named = rule.removeprefix("AwsSolutions-IAM5[Resource::").removesuffix("]")
        matching = [
            s
            for s in granted
            if named
            in [
                as_nag_prints(r)
                for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
            ]
        ]
        assert matching, (path, rule)
        if named == "*":
            actions = {
                a for s in matching for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
            }
            assert all(WILDCARD_ONLY_ACTIONS.match(action) for action in actions), (path, sorted(actions))
