"""The ASL document of a wiring-table state machine, from the builder it names: one function for the
CDK stacks and the local cloud, so both start the same workflow."""

from __future__ import annotations

import importlib
from typing import Any

from infra import wiring


def state_machine_definition(machine: wiring.StateMachine, function_arns: dict[str, str]) -> dict[str, Any]:
    """The ASL of a state machine, from the builder the wiring table names."""
    module, attribute = machine.definition.rsplit(".", 1)
    builder = getattr(importlib.import_module(module), attribute)
    task_arns = {task: function_arns[fn] for task, fn in machine.tasks.items()}
    definition: dict[str, Any] = builder(task_arns)
    return definition
