"""One synthesis per test session: the prod environment (domains, WAF, provisioned concurrency) with a
stub dependency layer, so the suite stays offline and fast."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.config import deployment_from_context

TEST_CONTEXT: dict[str, Any] = {"env": "prod", "stubLayer": True, "account": "123456789012"}


@dataclass
class Assembly:
    """The synthesised templates of every stack, by stack name."""

    directory: Path
    templates: dict[str, dict[str, Any]]
    prefix: str

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


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Assembly:
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from infra.app import build_app

    outdir = tmp_path_factory.mktemp("cdk.out")
    cloud_assembly = build_app(TEST_CONTEXT, outdir=str(outdir)).synth()
    templates = {
        stack.stack_name: json.loads(Path(stack.template_full_path).read_text())
        for stack in cloud_assembly.stacks
    }
    return Assembly(directory=outdir, templates=templates, prefix=deployment_from_context(_context()).prefix)


def _context() -> dict[str, Any]:
    from infra.config import cdk_json_context

    return {**cdk_json_context(), **TEST_CONTEXT}
