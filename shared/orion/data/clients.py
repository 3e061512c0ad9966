"""AWS clients, created lazily on first use and reused across invocations."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from orion.settings import get_settings

_RETRIES = Config(retries={"max_attempts": 5, "mode": "adaptive"}, connect_timeout=2, read_timeout=10)


@cache
def aws_client(service: str) -> Any:
    """A boto3 client for ``service`` in the configured region (and local endpoint, if any)."""
    settings = get_settings()
    return boto3.client(
        service,  # type: ignore[call-overload]
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        config=_RETRIES,
    )


def reset_clients() -> None:
    """Drop cached clients (after the environment or endpoint changed, e.g. in tests)."""
    aws_client.cache_clear()
