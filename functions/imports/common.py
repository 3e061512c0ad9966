"""What the import tasks share: reading the job's tenant from the state machine's input."""

from __future__ import annotations

import json
from typing import Any

from orion.imports.storage import UploadLocation, parse_upload_key
from orion.observability import logger
from orion.tenancy.models import Tenant


def job_of(event: dict[str, Any]) -> tuple[Tenant, str]:
    """The tenant and job a task works on, from ``{"platform", "store", "job_id"}``."""
    tenant = Tenant(str(event["platform"]), str(event["store"]))
    job_id = str(event["job_id"])
    logger.append_keys(tenant=str(tenant), job_id=job_id)
    logger.set_correlation_id(job_id)
    return tenant, job_id


def upload_of(event: dict[str, Any]) -> UploadLocation | None:
    """The job an uploaded object belongs to, from its key ``uploads/<p>/<s>/<job>/<file>`` only."""
    location = parse_upload_key(str(event.get("upload", {}).get("key", "")))
    if location is not None:
        logger.append_keys(tenant=str(location.tenant), job_id=location.job_id)
        logger.set_correlation_id(location.job_id)
    return location


def error_type_of(error: Any) -> str | None:
    """The error type of a Step Functions Catch (``{"Error", "Cause"}``, the cause a JSON document)."""
    if not isinstance(error, dict):
        return None
    try:
        cause = json.loads(error.get("Cause") or "{}")
    except ValueError:
        cause = {}
    return str(cause.get("errorType") or error.get("Error") or "") or None
