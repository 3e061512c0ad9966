"""Two syntheses per test session, both offline with a stub dependency layer: prod (domains, WAF,
provisioned concurrency) and dev (standard distribution, no WAF). While the wiring has no state machine
yet, dev gets a fake one (tests/infra/fake_machine.py) so the wiring-driven imports path is exercised."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra import wiring
from infra.config import cdk_json_context, deployment_from_context

TEST_CONTEXT: dict[str, Any] = {"env": "prod", "stubLayer": True, "account": "123456789012"}
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


def synthesise(context: dict[str, Any], outdir: Path) -> Assembly:
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from infra.app import build_app

    cloud_assembly = build_app(context, outdir=str(outdir)).synth()
    templates = {
        stack.stack_name: json.loads(Path(stack.template_full_path).read_text())
        for stack in cloud_assembly.stacks
    }
    deployment = deployment_from_context({**cdk_json_context(), **context})
    return Assembly(outdir, templates, deployment.prefix, wiring.STATE_MACHINES, wiring.EVENT_RULES)


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Assembly:
    return synthesise(TEST_CONTEXT, tmp_path_factory.mktemp("cdk.out.prod"))


@pytest.fixture(scope="session")
def dev_assembly(tmp_path_factory: pytest.TempPathFactory) -> Assembly:
    outdir = tmp_path_factory.mktemp("cdk.out.dev")
    if wiring.STATE_MACHINES:
        return synthesise(DEV_CONTEXT, outdir)
    # Patched only while synthesising: the rest of the session (and other suites) sees the real wiring.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wiring, "STATE_MACHINES", (FAKE_MACHINE,))
        patch.setattr(wiring, "EVENT_RULES", (FAKE_RULE,))
        return synthesise(DEV_CONTEXT, outdir)


@pytest.fixture(scope="session", params=["prod", "dev"])
def any_assembly(request: pytest.FixtureRequest) -> Assembly:
    """Each environment's assembly in turn (for checks that apply to both)."""
    fixture = "assembly" if request.param == "prod" else "dev_assembly"
    found: Assembly = request.getfixturevalue(fixture)
    return found
