"""The origin gate of every API Gateway function: a deployed API answers only requests that came
through CloudFront (and its WAF), recognised by a valid ``X-Origin-Verify``; any other is refused 403."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orion import runtime
from orion.observability import logger, metrics
from orion.settings import get_settings
from orion.tenancy.errors import OriginSecretUnavailable
from orion.tenancy.origin_verify import OriginVerifyValues

NOT_THROUGH_CLOUDFRONT = "This API is served through its public host names only."


def origin_verify_accepts(value: str) -> bool:
    """Whether ``value`` is a version of the origin secret CloudFront may be sending: the current, the
    pending (a rotation under way) or the previous one (edges not yet switched), read and cached per
    container by :class:`OriginVerifyValues`. False (logged) when the secret cannot be read: the edge
    then ignores ``X-Forwarded-Host`` and the gate refuses the request (failing closed)."""
    try:
        name = get_settings().origin_verify_secret_name
        return runtime.repository(OriginVerifyValues).accepts(name, value)
    except OriginSecretUnavailable:
        logger.warning("origin-verify secret unavailable")
        return False


def came_through_cloudfront(headers: Mapping[str, Any] | None) -> bool:
    """Whether the request carries one of the origin secret's accepted versions."""
    verify = next((str(v) for k, v in (headers or {}).items() if str(k).lower() == "x-origin-verify"), "")
    return bool(verify) and origin_verify_accepts(verify)


def refused(event: Mapping[str, Any]) -> bool:
    """Whether the gate refuses the request: it is on (deployed functions with routes) and the request
    carries no accepted version of the origin secret. Logged and counted (``OriginRefused``)."""
    if not get_settings().require_origin_verify or came_through_cloudfront(event.get("headers")):
        return False
    logger.info("request refused: not through CloudFront")
    metrics.add_metric(name="OriginRefused", unit="Count", value=1)
    return True
