"""Start the local cloud: a moto server in this process, bridged where moto lacks a piece, provisioned
from the wiring table, with the real handlers invoked in-process."""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from infra import wiring
from infra.local import invoke, post_policy
from infra.local.environments import FunctionError
from infra.local.moto_speedups import DYNAMODB_REQUEST_LOCK
from infra.local.provision import provision
from infra.wiring import LOCAL_REGION, local_environment
from orion import runtime


def configure_environment(aws_port: int, *, log_level: str = "WARNING") -> dict[str, str]:
    """Point the AWS SDK and orion at the local moto server (process-wide, before anything reads it)."""
    env = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": "local",
        "AWS_DEFAULT_REGION": LOCAL_REGION,
        "AWS_REGION": LOCAL_REGION,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{aws_port}",
        "MOTO_PORT": str(aws_port),
        "ORION_STAGE": "local",
        "ORION_SECURE_COOKIES": "false",  # plain http://*.localhost: no __Host- cookies
        "ORION_DEV_PATH_MODE": "true",
        "ORION_DOMAIN_VERIFICATION": "trust",  # no public DNS locally
        "ORION_EDGE_TENANTS": "recording",  # no CloudFront locally: distribution tenants are logged
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": log_level,
        "POWERTOOLS_SERVICE_NAME": "orion-local",
        **local_environment(),
    }
    os.environ.update(env)
    runtime.reset()
    return env


def install_bridges() -> None:
    """Patch the gaps of moto that the local cloud needs (see docs/local-cloud.md).

    - Lambda tasks of Step Functions run our handlers in-process instead of in Docker.
    - EventBridge rules with a Step Functions target start an execution, and those with a Lambda
      target invoke it asynchronously (moto raises for both instead).
    - DynamoDB writes are atomic per request (moto loses concurrent ADDs otherwise).
    - Presigned POST uploads are checked against their policy, as S3 does (moto stores any POST).
    """
    from moto.awslambda.models import LambdaFunction
    from moto.events.models import Rule

    by_name = {f"orion-{fn.name}": fn for fn in wiring.FUNCTIONS}
    original_invoke = LambdaFunction._invoke_lambda

    def invoke_in_process(self: Any, event: str | None = None) -> tuple[str, bool, str]:
        fn = by_name.get(self.function_name)
        if fn is None:
            return original_invoke(self, event)
        # moto hands over the parsed payload (a dict), or "{}" when the invocation had no body.
        payload = event if isinstance(event, dict) else json.loads(event or "{}")
        try:
            result = invoke.invoke(fn, payload)
        except Exception as exc:  # reported to Step Functions as a task failure, as Lambda would
            error_type = exc.error_type if isinstance(exc, FunctionError) else type(exc).__name__
            return json.dumps({"errorMessage": str(exc), "errorType": error_type}), True, ""
        return json.dumps(result), False, ""

    original_send = Rule.send_to_targets

    def send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
        state_targets = [t for t in self.targets if ":states:" in t["Arn"]]
        function_targets = [t for t in self.targets if ":lambda:" in t["Arn"]]
        if not state_targets and not function_targets:
            original_send(self, original_event, transform_input)
            return
        if not self.event_pattern.matches_event(original_event):
            return
        import uuid

        import boto3

        event = json.loads(json.dumps(original_event, default=str))
        for target in function_targets:
            fn = by_name.get(target["Arn"].split(":function:", 1)[1].split(":")[0])
            if fn is not None:
                invoke.invoke_async(fn, event)
        if not state_targets:
            return
        sfn = boto3.client("stepfunctions", region_name=LOCAL_REGION)
        for target in state_targets:
            sfn.start_execution(
                stateMachineArn=target["Arn"],
                name=f"s3-{uuid.uuid4()}",
                input=json.dumps(original_event, default=str),
            )

    LambdaFunction._invoke_lambda = invoke_in_process  # type: ignore[method-assign]
    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
    serialise_dynamodb_writes()
    enforce_post_policies()


def local_secret_for(access_key_id: str) -> str | None:
    """The secret of the one access key the local cloud knows: the one its SDK clients sign with."""
    if access_key_id and access_key_id == os.environ.get("AWS_ACCESS_KEY_ID"):
        return os.environ.get("AWS_SECRET_ACCESS_KEY")
    return None


def enforce_post_policies() -> None:
    """Refuse a POST upload to a bucket that S3 would refuse (infra/local/post_policy.py): moto stores
    whatever is posted, so a ticket with its key rewritten, or a 0-byte file, would pass locally."""
    from moto.s3.responses import S3Response

    original = S3Response._bucket_response_post
    if getattr(original, "_enforces_policy", False):
        return

    def checked(self: Any, request: Any, bucket_name: str) -> Any:
        deleting = "delete" in parse_qs(self.parsed_url.query, keep_blank_values=True)  # DeleteObjects
        if request.headers.get("Content-Length") and not deleting:
            body = self.raw_body if isinstance(self.raw_body, bytes) else str(self.raw_body or "").encode()
            refusal = post_policy.check_post(
                dict(self.form_data.items()),
                bucket=bucket_name,
                size=len(body),
                now=datetime.now(UTC),
                secret_for=local_secret_for,
            )
            if refusal is not None:
                return refusal.status, {"Content-Type": "application/xml"}, refusal.xml()
        return original(self, request, bucket_name)

    checked._enforces_policy = True  # type: ignore[attr-defined]
    S3Response._bucket_response_post = checked  # type: ignore[method-assign]


_DYNAMODB_ITEM_REQUESTS = (
    "put_item", "update_item", "delete_item", "get_item", "query", "scan", "batch_get_item",
    "batch_write_item", "transact_write_items", "transact_get_items",
)  # fmt: skip


def serialise_dynamodb_writes() -> None:
    """Make moto's DynamoDB item requests atomic, as DynamoDB's are (idempotent).

    moto applies an ``ADD`` or a condition as read-modify-write in Python without a lock, so concurrent
    requests (the threaded gateway, tests with threads) lose updates that real DynamoDB never loses,
    and a transaction deep-copies tables that another thread is changing. One lock around each item
    request restores the guarantees our counters and conditions rely on (measured: 1000 concurrent
    ADDs gave 943-992 without it, 1000 with it).
    """
    from moto.dynamodb.models import DynamoDBBackend

    for name in _DYNAMODB_ITEM_REQUESTS:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_serialised", False):
            continue

        def locked(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with DYNAMODB_REQUEST_LOCK:
                return __original(*args, **kwargs)

        locked._serialised = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)


DEFAULT_CONCURRENCY = 4


@contextmanager
def local_cloud(
    aws_port: int, *, log_level: str = "WARNING", concurrency: int | None = None
) -> Iterator[None]:
    """A provisioned moto server on ``aws_port`` for the duration of the block, whose functions run in
    up to ``concurrency`` parallel execution environments each (``ORION_LOCAL_CONCURRENCY``, default 4)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request log drowns ours
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=aws_port, verbose=False)
    server.start()
    try:
        configure_environment(aws_port, log_level=log_level)
        install_bridges()
        request = urllib.request.Request(
            f"http://127.0.0.1:{aws_port}/moto-api/config",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - loopback moto server
        provision()
        if concurrency is None:
            concurrency = int(os.environ.get("ORION_LOCAL_CONCURRENCY", DEFAULT_CONCURRENCY))
        invoke.use_environments(concurrency)
        yield
    finally:
        invoke.close_environments()
        server.stop()
