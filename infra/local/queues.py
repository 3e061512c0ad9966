"""Lambda's SQS event source mappings in the local cloud: a thread per function a wiring queue triggers,
receiving batches from the local SQS (moto) and invoking the function with the event Lambda sends.

As on AWS: a message is hidden for the queue's visibility timeout once received (or for what the
function set with ChangeMessageVisibility: its backoff); the messages the function reports failed
(``batchItemFailures``), or the whole batch when it raises, stay and come back when visible again, with
their receive count grown; those it did not report are deleted. moto moves a message received the
queue's ``max_receives`` times to the dead-letter queue (the redrive policy provision.py sets).
"""

from __future__ import annotations

import hashlib
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

import boto3

from infra import wiring
from infra.local import invoke
from infra.wiring import LOCAL_ACCOUNT, LOCAL_REGION, local_queue_url

Message = dict[str, Any]


def queue_arn(queue: wiring.Queue) -> str:
    return f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{queue.local_name}"


def sqs_event(queue: wiring.Queue, messages: list[Message]) -> dict[str, Any]:
    """The event Lambda sends for received messages (ReceiveMessage's answer, AttributeNames=All)."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn(queue),
                "awsRegion": LOCAL_REGION,
            }
            for message in messages
        ]
    }


def triggered_functions() -> list[wiring.Function]:
    return [fn for fn in wiring.FUNCTIONS if fn.queue_trigger]


class QueuePoller:
    """One function's SQS mapping: receive a batch, invoke, delete what succeeded."""

    def __init__(
        self,
        fn: wiring.Function,
        *,
        run: Callable[[wiring.Function, Any], Any] = invoke.invoke,
        wait_seconds: int = 1,
    ) -> None:
        assert fn.queue_trigger is not None
        self.fn = fn
        self.queue = wiring.queue(fn.queue_trigger)
        self._url = local_queue_url(self.queue)
        self._run = run
        self._wait = wait_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: Any = None

    def poll_once(self) -> int:
        """Receive one batch (waiting up to ``wait_seconds`` for it) and invoke the function on it; how
        many messages it held."""
        if self._client is None:  # once: a client costs milliseconds to make, and this runs every second
            self._client = boto3.client("sqs", region_name=LOCAL_REGION)
        client = self._client
        answer = client.receive_message(
            QueueUrl=self._url,
            MaxNumberOfMessages=self.queue.batch_size,
            WaitTimeSeconds=self._wait,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages: list[Message] = answer.get("Messages", [])
        if not messages:
            return 0
        try:
            result = self._run(self.fn, sqs_event(self.queue, messages))
        except Exception:  # the whole batch comes back after its visibility timeout
            sys.stderr.write(f"{self.fn.name} (queue batch) failed:\n")
            traceback.print_exc()
            return len(messages)
        failures = result.get("batchItemFailures", []) if isinstance(result, dict) else []
        failed = {str(failure.get("itemIdentifier")) for failure in failures}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            client.delete_message_batch(
                QueueUrl=self._url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(done[start : start + 10])
                ],
            )
        return len(messages)

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.poll_once()
                except Exception as exc:  # the local cloud is stopping, or moto hiccuped
                    if self._stop.wait(1.0):
                        return
                    sys.stderr.write(f"{self.fn.name}: polling {self.queue.name} failed: {exc!r}\n")

        self._thread = threading.Thread(target=loop, name=f"queue-{self.fn.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
