"""The import state machine definition: one document for AWS and moto, with no way to stay RUNNING."""

from __future__ import annotations

from typing import Any

from infra import wiring
from infra.workflows.imports import import_definition
from infra.workflows.publish import publish_definition

ARNS = {
    task: f"arn:aws:lambda:eu-west-1:123456789012:function:{task}"
    for task in ("Prepare", "ProcessBatch", "Finalize", "MarkFailed")
}


def task_states(states: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for name, state in states.items():
        if state["Type"] == "Task":
            found[name] = state
        if state["Type"] == "Map":
            found.update(task_states(state["ItemProcessor"]["States"]))
    return found


def test_the_wiring_names_a_function_for_every_task_of_the_definition() -> None:
    (machine,) = [m for m in wiring.STATE_MACHINES if m.name == "imports"]
    definition = import_definition(dict.fromkeys(machine.tasks, "arn"))
    assert set(task_states(definition["States"])) == set(machine.tasks)
    for function_name in machine.tasks.values():
        assert wiring.function(function_name).handler.startswith("functions.imports.")


def test_every_task_but_the_failure_handler_is_retried_and_caught() -> None:
    definition = import_definition(ARNS)
    states = definition["States"]
    for name in ("Prepare", "Finalize", "Chunks"):
        assert states[name]["Catch"][0]["Next"] == "MarkFailed"
    for name, state in task_states(states).items():
        assert state["Retry"], name
    assert states["MarkFailed"]["Next"] == "Failed"


def test_chunks_are_read_from_the_manifest_by_a_distributed_map_without_an_item_batcher() -> None:
    chunks = import_definition(ARNS)["States"]["Chunks"]
    assert chunks["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert chunks["ItemReader"]["Resource"] == "arn:aws:states:::s3:getObject"
    assert "ItemBatcher" not in chunks
    assert chunks["ResultPath"] is None
    assert 1 <= chunks["MaxConcurrency"] <= 100


def test_uploads_under_the_uploads_prefix_start_the_import() -> None:
    (rule,) = [r for r in wiring.EVENT_RULES if r.target == "imports"]
    assert rule.prefix == "uploads/"
    assert wiring.bucket(rule.bucket).event_bridge


def test_the_publish_machine_loops_until_the_task_says_done_and_never_stays_running() -> None:
    (machine,) = [m for m in wiring.STATE_MACHINES if m.name == "import-publish"]
    states = publish_definition(dict.fromkeys(machine.tasks, "arn"))["States"]

    assert set(task_states(states)) == set(machine.tasks)
    pages = states["PublishPages"]
    assert pages["Retry"] and pages["Catch"][0]["Next"] == "MarkPublishFailed"
    assert pages["Next"] == "Done?"
    choice = states["Done?"]
    assert choice["Choices"] == [{"Variable": "$.progress.done", "BooleanEquals": True, "Next": "Published"}]
    assert choice["Default"] == "PublishPages"
    assert states["MarkPublishFailed"]["Next"] == "Failed"
    for function_name in machine.tasks.values():
        assert wiring.function(function_name).handler.startswith("functions.imports.")
    assert wiring.function("import-publish").timeout_seconds == 900


def test_the_staff_imports_api_may_start_the_publish_machine_only() -> None:
    starters = [fn.name for fn in wiring.FUNCTIONS if "import-publish" in fn.state_machines]
    # the two faces of one publish use case, and a saved source's policy publish (the runner)
    assert starters == ["staff_imports", "console", "import_source_runner"]
    assert wiring.function("staff_imports").buckets["uploads"] is wiring.Access.PUT
    # The publish task reads its request, and asks for the products' images with empty objects.
    assert wiring.function("import-publish").buckets == {
        "uploads": wiring.Access.READ,
        "media": wiring.Access.PUT,
    }
