"""The one decorator stack every Lambda handler wears: Powertools logging context (cleared at each
invocation), X-Ray tracing and EMF metrics, in that order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools.logging import correlation_paths

from orion.observability import logger, metrics, tracer

# Where an API Gateway HTTP API event carries its request id (the correlation id of its log lines).
HTTP_API = correlation_paths.API_GATEWAY_HTTP

Handler = Callable[..., dict[str, Any]]
# What the Lambda runtime calls: any event (the handler reads it through its resolver or input model)
# and the runtime's context object (tests pass a stand-in).
LambdaEntry = Callable[[Any, Any], dict[str, Any]]


def lambda_entry(*, correlation_id_path: str | None = None) -> Callable[[Handler], LambdaEntry]:
    """Wrap a handler in the logger's Lambda context, the tracer's handler segment and the metrics
    flush. ``clear_state`` starts each invocation with none of the keys the last one appended (a warm
    function must not log one request's tenant on the next); ``correlation_id_path`` names where the
    event carries a correlation id (``HTTP_API`` for API Gateway; tasks set their job's themselves)."""

    def wear(handler: Handler) -> LambdaEntry:
        flushed = metrics.log_metrics(handler)
        traced = tracer.capture_lambda_handler(flushed)
        logged = logger.inject_lambda_context(
            traced, correlation_id_path=correlation_id_path, clear_state=True
        )
        return cast(LambdaEntry, logged)

    return wear
