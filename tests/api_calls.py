"""Intercept the AWS API calls botocore clients make (every client, for the duration of a block)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import botocore.client

# (client, operation name, API parameters, the call as botocore would make it) -> the parsed answer
Interceptor = Callable[[Any, str, dict[str, Any], Callable[[], Any]], Any]


@contextmanager
def intercepting_api_calls(intercept: Interceptor) -> Iterator[None]:
    client_class: Any = botocore.client.BaseClient
    original = client_class._make_api_call

    def intercepted(self: Any, operation_name: str, api_params: Any) -> Any:
        return intercept(self, operation_name, api_params, lambda: original(self, operation_name, api_params))

    client_class._make_api_call = intercepted
    try:
        yield
    finally:
        client_class._make_api_call = original


def service_of(client: Any) -> str:
    return str(client.meta.service_model.service_name)


@contextmanager
def dynamodb_stops_at_limit() -> Iterator[None]:
    """Query as DynamoDB answers it: a Query that stops at its Limit names a LastEvaluatedKey even when
    no item follows (moto names one only when more items exist, which hides an empty last page)."""

    def faithful(client: Any, operation: str, params: dict[str, Any], call: Callable[[], Any]) -> Any:
        answer = call()
        if (
            operation == "Query"
            and params.get("Limit")
            and len(answer.get("Items", [])) == params["Limit"]
            and "LastEvaluatedKey" not in answer
        ):
            last = answer["Items"][-1]
            index = params.get("IndexName")
            names = ["PK", "SK", *((f"{index}PK", f"{index}SK") if index else ())]
            answer["LastEvaluatedKey"] = {name: last[name] for name in names}
        return answer

    with intercepting_api_calls(faithful):
        yield
