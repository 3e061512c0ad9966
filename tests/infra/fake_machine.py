"""A tiny state machine for tests: proves the wiring-driven path while wiring.STATE_MACHINES is empty."""

from __future__ import annotations

from typing import Any


def definition(task_arns: dict[str, str]) -> dict[str, Any]:
    return {
        "Comment": "fake import",
        "StartAt": "Prepare",
        "States": {
            "Prepare": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": task_arns["Prepare"], "Payload.$": "$"},
                "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 3}],
                "End": True,
            }
        },
    }
