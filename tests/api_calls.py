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
