"""The background publish state machine: publish a job's staged products page by page.

```
PublishPages (the task publishes pages while its Lambda has time; the job records each page)
  -> Done? --no--> PublishPages          (the next invocation carries on from the recorded cursor)
        |yes
  -> Published
the task failing after its retries -> MarkPublishFailed (the publish ends FAILED) -> Failed
```

The loop stays short: one task invocation runs pages for up to ~12 of its 15 minutes, so even a
million-row job takes few iterations (a standard execution allows 25,000 history events). A retried
task repeats at most the page it was in (products are matched by external id; unchanged ones are not
written again) and the counts stay exact, because a page's result is recorded together with its
cursor. The task's input is the job the API claimed the publish for, tenant included; the request
itself (ids, overrides) is in the uploads bucket under the job's work prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.workflows.imports import task_retry

PUBLISH = {
    "platform.$": "$.publish.platform",
    "store.$": "$.publish.store",
    "job_id.$": "$.publish.job_id",
    "publish_id.$": "$.publish.publish_id",
}


def publish_definition(task_arns: Mapping[str, str]) -> dict[str, Any]:
    """The ASL of the publish state machine; ``task_arns`` maps each task name to its function ARN."""
    return {
        "Comment": "Background publish of staged import products (see infra/workflows/publish.py)",
        "StartAt": "PublishPages",
        "States": {
            "PublishPages": {
                "Type": "Task",
                "Resource": task_arns["PublishPages"],
                "Parameters": PUBLISH,
                "ResultPath": "$.progress",
                "Retry": task_retry(2),
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "MarkPublishFailed"}
                ],
                "Next": "Done?",
            },
            "Done?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.progress.done", "BooleanEquals": True, "Next": "Published"}],
                "Default": "PublishPages",
            },
            "MarkPublishFailed": {
                "Type": "Task",
                "Resource": task_arns["MarkPublishFailed"],
                "Parameters": {**PUBLISH, "error.$": "$.error"},
                "ResultPath": "$.failure",
                "Retry": task_retry(3),
                "Next": "Failed",
            },
            "Failed": {
                "Type": "Fail",
                "Error": "PublishFailed",
                "Cause": "The publish task failed after its retries",
            },
            "Published": {"Type": "Succeed"},
        },
    }
