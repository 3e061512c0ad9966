"""Two syntheses per test run, both offline with a stub dependency layer: prod (domains, WAF,
provisioned concurrency) and dev (standard distribution, no WAF). While the wiring has no state machine
yet, dev gets a fake one (tests/infra/fake_machine.py) so the wiring-driven imports path is exercised.

A synthesis takes seconds of CPU: under xdist the first worker to need one synthesises it into the
run's shared temporary folder and the others wait for it and read its templates, rather than each
synthesising its own."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra import wiring
from infra.config import cdk_json_context, deployment_from_context
from infra.stacks import nag

WILDCARD_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/oms-wildcard"
ALARM_EMAIL = "ops@oms.lu"
TEST_CONTEXT: dict[str, Any] = {
    "env": "prod",
    "stubLayer": True,
    "account": "123456789012",
    "alarmEmail": ALARM_EMAIL,
    "platformCertificates": {"oms.lu": WILDCARD_CERTIFICATE, "loyalty.lu": WILDCARD_CERTIFICATE},
}
DEV_CONTEXT: dict[str, Any] = {"env": "dev", "stubLayer": True}

FAKE_MACHINE = wiring.StateMachine(
    name="fake-import",
    definition="tests.infra.fake_machine.definition",
    tasks={"Prepare": "storefront"},
    env="ORION_FAKE_IMPORT_STATE_MACHINE_ARN",
)
FAKE_RULE = wiring.EventRule(name="fake-upload", bucket="uploads", prefix="uploads/", target="fake-import")


@dataclass
class Assembly:
    """The synthesised templates of every stack, by stack name."""

    directory: Path
    templates: dict[str, dict[str, Any]]
    prefix: str
    machines: tuple[wiring.StateMachine, ...]
    rules: tuple[wiring.EventRule, ...]
    acknowledged: list[tuple[str, str, str]]  # cdk-nag findings the app accepted, with their reasons
    covered: dict[str, list[str]]  # per acknowledged construct path: the resources it covers

    def template(self, concern: str) -> dict[str, Any]:
        return self.templates[f"{self.prefix}-{concern}"]

    def resources(self, concern: str, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.template(concern)["Resources"].items()
            if resource["Type"] == resource_type
        }

    def all_resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for stack, template in self.templates.items():
            for logical_id, resource in template["Resources"].items():
                if resource["Type"] == resource_type:
                    found[f"{stack}/{logical_id}"] = resource
        return found


SUMMARY = "orion-test-assembly.json"


def synthesise(context: dict[str, Any], outdir: Path) -> None:
    """Synthesise into ``outdir`` and leave a summary there for :func:`read_assembly`."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from infra.app import build_app

    already = len(nag.ACKNOWLEDGED)
    cloud_assembly = build_app(context, outdir=str(outdir)).synth()
    deployment = deployment_from_context({**cdk_json_context(), **context})
    acknowledged = nag.ACKNOWLEDGED[already:]
    summary = {
        "templates": {stack.stack_name: stack.template_file for stack in cloud_assembly.stacks},
        "prefix": deployment.prefix,
        "acknowledged": acknowledged,
        "covered": {path: resources_under(nag.SCOPES[path]) for path, _, _ in acknowledged},
    }
    (outdir / SUMMARY).write_text(json.dumps(summary))


def resources_under(scope: Any) -> list[str]:
    """``<stack>/<logical id>`` of every CloudFormation resource in ``scope`` (itself and below)."""
    from aws_cdk import CfnResource, Stack

    found = []
    for construct in scope.node.find_all():
        if isinstance(construct, CfnResource):
            stack = Stack.of(construct)
            found.append(f"{stack.stack_name}/{stack.resolve(stack.get_logical_id(construct))}")
    return found


def read_assembly(
    outdir: Path, machines: tuple[wiring.StateMachine, ...], rules: tuple[wiring.EventRule, ...]
) -> Assembly:
    summary = json.loads((outdir / SUMMARY).read_text())
    templates = {
        stack: json.loads((outdir / template_file).read_text())
        for stack, template_file in summary["templates"].items()
    }
    acknowledged = [(path, rule, reason) for path, rule, reason in summary["acknowledged"]]
    return Assembly(outdir, templates, summary["prefix"], machines, rules, acknowledged, summary["covered"])


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


def synthesised_once(
    name: str, tmp_path_factory: pytest.TempPathFactory, make: Callable[[Path], None]
) -> Path:
    """The folder of this run's synthesis ``name``, made by ``make`` in whichever process asks first."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's own folder, which holds every worker's basetemp
    outdir = root / f"cdk.out.{name}"
    with _exclusive(root / f"cdk.out.{name}.lock"):
        if not (outdir / SUMMARY).exists():
            outdir.mkdir(exist_ok=True)
            make(outdir)
    return outdir


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Assembly:
    outdir = synthesised_once("prod", tmp_path_factory, lambda out: synthesise(TEST_CONTEXT, out))
    return read_assembly(outdir, wiring.STATE_MACHINES, wiring.EVENT_RULES)


@pytest.fixture(scope="session")
def dev_assembly(tmp_path_factory: pytest.TempPathFactory) -> Assembly:
    if wiring.STATE_MACHINES:
        outdir = synthesised_once("dev", tmp_path_factory, lambda out: synthesise(DEV_CONTEXT, out))
        return read_assembly(outdir, wiring.STATE_MACHINES, wiring.EVENT_RULES)

    def with_a_fake_machine(outdir: Path) -> None:
        # Patched only while synthesising: the rest of the session (and other suites) sees the real wiring.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(wiring, "STATE_MACHINES", (FAKE_MACHINE,))
            patch.setattr(wiring, "EVENT_RULES", (FAKE_RULE,))
            synthesise(DEV_CONTEXT, outdir)

    outdir = synthesised_once("dev", tmp_path_factory, with_a_fake_machine)
    return read_assembly(outdir, (FAKE_MACHINE,), (FAKE_RULE,))


@pytest.fixture(scope="session", params=["prod", "dev"])
def any_assembly(request: pytest.FixtureRequest) -> Assembly:
    """Each environment's assembly in turn (for checks that apply to both)."""
    fixture = "assembly" if request.param == "prod" else "dev_assembly"
    found: Assembly = request.getfixturevalue(fixture)
    return found
