"""The catalogue import state machine, as one ASL document for AWS and the local cloud alike.

```
Upload (Pass: bucket/key from the S3 "Object Created" event)
  -> Prepare (claim the job named by the key, detect the format, write chunks + manifest)
  -> Started? --no--> Done            (ignored event, or the file was rejected: job already final)
        |yes
  -> Chunks: Distributed Map over the manifest (ItemReader: S3 JSON array), ProcessBatch per chunk
  -> Finalize (totals, error report, final status)
any task failing after its retries -> MarkFailed (job FAILED) -> Failed
```

Concurrency: the Map runs ``CHUNK_CONCURRENCY`` child executions at once. Each chunk holds at most
1,000 rows, so a 1M-row file is 1,000 children; 20 at a time keeps staging writes (40 BatchWriteItem
calls per chunk) well below the table's on-demand throughput and the Lambda account concurrency
shared with the APIs. A child retries ``ProcessBatch`` three times with backoff; the Map's
tolerated failure percentage is left at its default, 0 (moto's parser rejects the field even at 0),
so on AWS any chunk failing for good fails the Map, whose Catch marks the job FAILED.
moto ignores tolerated failures (a failed child only shows in the map run's counts), which is why
``Finalize`` also checks that every chunk of the manifest reported a result. Map results are discarded
(``ResultPath: null``): totals come from the table, so the state never outgrows the 256 KB payload.
``ItemBatcher`` is deliberately not used (moto rejects it): one item is already one 1,000-row chunk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CHUNK_CONCURRENCY = 20

TASK_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "States.TaskFailed",
    "States.Timeout",
]


def task_retry(attempts: int, interval: int = 1) -> list[dict[str, Any]]:
    return [
        {
            "ErrorEquals": TASK_ERRORS,
            "IntervalSeconds": interval,
            "MaxAttempts": attempts,
            "BackoffRate": 2.0,
            "JitterStrategy": "FULL",
        }
    ]


CATCH = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "MarkFailed"}]
JOB = {"platform.$": "$.job.platform", "store.$": "$.job.store", "job_id.$": "$.job.job_id"}


def import_definition(task_arns: Mapping[str, str]) -> dict[str, Any]:
    """The ASL of the import state machine; ``task_arns`` maps each task name to its function ARN."""
    return {
        "Comment": "Catalogue import: prepare -> process chunks -> finalize (see infra/workflows/imports.py)",
        "StartAt": "Upload",
        "States": {
            "Upload": {
                "Type": "Pass",
                "Parameters": {
                    "upload": {"bucket.$": "$.detail.bucket.name", "key.$": "$.detail.object.key"}
                },
                "Next": "Prepare",
            },
            "Prepare": {
                "Type": "Task",
                "Resource": task_arns["Prepare"],
                "Parameters": {"upload.$": "$.upload", "execution.$": "$$.Execution.Name"},
                "ResultPath": "$.job",
                "Retry": task_retry(2),
                "Catch": CATCH,
                "Next": "Started?",
            },
            "Started?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.job.outcome", "StringEquals": "STARTED", "Next": "Chunks"}],
                "Default": "Done",
            },
            "Chunks": {
                "Type": "Map",
                "MaxConcurrency": CHUNK_CONCURRENCY,
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket.$": "$.job.manifest.bucket", "Key.$": "$.job.manifest.key"},
                },
                "ItemSelector": {**JOB, "chunk.$": "$$.Map.Item.Value"},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "ProcessBatch",
                    "States": {
                        "ProcessBatch": {
                            "Type": "Task",
                            "Resource": task_arns["ProcessBatch"],
                            "Retry": task_retry(3),
                            "End": True,
                        }
                    },
                },
                "ResultPath": None,
                "Catch": CATCH,
                "Next": "Finalize",
            },
            "Finalize": {
                "Type": "Task",
                "Resource": task_arns["Finalize"],
                "Parameters": JOB,
                "ResultPath": "$.result",
                "Retry": task_retry(3),
                "Catch": CATCH,
                "End": True,
            },
            "MarkFailed": {
                "Type": "Task",
                "Resource": task_arns["MarkFailed"],
                "Parameters": {"upload.$": "$.upload", "error.$": "$.error"},
                "ResultPath": "$.failure",
                "Retry": task_retry(3),
                "Next": "Failed",
            },
            "Failed": {"Type": "Fail", "Error": "ImportFailed", "Cause": "A task failed after its retries"},
            "Done": {"Type": "Succeed"},
        },
    }
