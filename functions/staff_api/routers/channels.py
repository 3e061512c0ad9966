"""``/api/v1/channels``: a store's integrations (credentials write-only, shown masked), publishing its
products to them, and the publishing records of each item."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from functions.staff_api.common.access import record_audit, require
from orion.channels import jobs, sync, worker
from orion.channels import service as channels
from orion.channels.models import (
    ChannelConfig,
    ChannelPlatform,
    ConflictChoice,
    Integration,
    IntegrationChanges,
    IntegrationInput,
    ItemKind,
    PlatformType,
    PublishingRules,
    PublishJob,
    PublishRecord,
    PublishRequest,
    RecordStatus,
    SyncStatus,
    UnpublishRequest,
)
from orion.identity.models import StaffAccess

router = APIRouter(prefix="/channels", tags=["channels"])

IntegrationId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="the integration's id")]
JobId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="the publish job's id")]
ItemId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,100}$", description="a product id or a page slug")]
View = Annotated[StaffAccess, Depends(require("channels.view"))]
Manage = Annotated[StaffAccess, Depends(require("channels.manage"))]


class CredentialsOut(BaseModel):
    set: bool = Field(description="whether credentials are stored (they are never shown)")
    hint: str | None = Field(description="the last characters of the main credential: ••••abcd")


class IntegrationOut(BaseModel):
    id: str
    platform: ChannelPlatform
    platform_type: PlatformType
    name: str
    config: ChannelConfig
    credentials: CredentialsOut
    rules: PublishingRules
    is_active: bool
    sync_enabled: bool
    sync_status: SyncStatus
    last_sync_at: datetime | None
    last_error: str | None
    last_pull_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, integration: Integration) -> IntegrationOut:
        return cls.model_validate(integration.public())


class IntegrationList(BaseModel):
    integrations: list[IntegrationOut]


class ConnectionOut(BaseModel):
    ok: bool
    detail: str


class RecordList(BaseModel):
    records: list[PublishRecord]
    next_cursor: str | None = None


class PullOut(BaseModel):
    applied: int = Field(description="items edited at the destination whose edits were brought back")
    conflicts: int = Field(description="fields both sides changed (or Orion owns), kept on the records")
    unchanged: int
    unknown: int = Field(description="items at the destination Orion never published there")
    failed: list[str]


class JobOut(BaseModel):
    job: PublishJob
    records: list[PublishRecord] = Field(description="the records of the products the job looked at")


def _target(integration_id: str) -> str:
    return f"channel:{integration_id}"


@router.get("", summary="The store's integrations (credentials masked)")
def list_integrations(access: View) -> IntegrationList:
    return IntegrationList(
        integrations=[IntegrationOut.of(i) for i in channels.list_integrations(access.tenant)]
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add an integration: WordPress, Shopify or another store of the same merchant (orion_site)",
    responses={422: {"description": "a config or credentials the platform does not take"}},
)
def create_integration(body: IntegrationInput, request: Request, access: Manage) -> IntegrationOut:
    """``config``: ``site_url`` (wordpress, https), ``shop_domain`` and ``api_version`` (shopify),
    ``store`` (orion_site: another store of this store's merchant). ``credentials`` are stored in
    Secrets Manager and never shown again: ``username`` and ``application_password`` (wordpress),
    ``access_token`` (shopify), none for orion_site."""
    integration = channels.create_integration(access.tenant, body)
    record_audit(
        request, access, "channels.create", _target(integration.id), {"platform": integration.platform.value}
    )
    return IntegrationOut.of(integration)


@router.get("/{integration_id}", summary="One integration (credentials masked)")
def get_integration(integration_id: IntegrationId, access: View) -> IntegrationOut:
    return IntegrationOut.of(channels.get_integration(access.tenant, integration_id))


@router.patch("/{integration_id}", summary="Change an integration (credentials sent replace the stored ones)")
def update_integration(
    integration_id: IntegrationId, body: IntegrationChanges, request: Request, access: Manage
) -> IntegrationOut:
    integration = channels.update_integration(access.tenant, integration_id, body)
    changed = sorted(body.model_dump(exclude_none=True))
    record_audit(request, access, "channels.update", _target(integration.id), {"fields": changed})
    return IntegrationOut.of(integration)


@router.delete(
    "/{integration_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an integration, its credentials and its records (published items stay published)",
)
def delete_integration(integration_id: IntegrationId, request: Request, access: Manage) -> Response:
    channels.delete_integration(access.tenant, integration_id)
    record_audit(request, access, "channels.delete", _target(integration_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{integration_id}/test", summary="Test the connection to the destination")
def check_integration(integration_id: IntegrationId, access: Manage) -> ConnectionOut:
    check = channels.check_connection(access.tenant, integration_id)
    return ConnectionOut(ok=check.ok, detail=check.detail)


@router.post(
    "/{integration_id}/publish",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Publish products (ids, or all the rules select); answers the job and the records",
    responses={409: {"description": "a paused integration, or a platform without an adapter yet"}},
)
def publish(integration_id: IntegrationId, body: PublishRequest, request: Request, access: Manage) -> JobOut:
    """Runs within the request up to 200 products: the job comes back ``finished`` with the records.
    Each product ends in its record (``synced`` or ``failed`` with the reason); a product unchanged since
    it was last sent is not sent again; a product asked for that the rules no longer select is taken
    back (``removed``). A publish of all selecting more is run by the channel worker in the background:
    the job comes back ``queued``, without records; ``GET .../jobs/{job_id}`` follows it."""
    job, records = jobs.publish(access.tenant, integration_id, body)
    details: dict[str, Any] = {"job": job.id, "requested": job.requested, "failed": job.failed}
    record_audit(request, access, "channels.publish", _target(integration_id), details)
    return JobOut(job=job, records=records)


@router.post(
    "/{integration_id}/unpublish",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Take products off the destination (archived in an orion_site target store)",
)
def unpublish(
    integration_id: IntegrationId, body: UnpublishRequest, request: Request, access: Manage
) -> JobOut:
    job, records = channels.unpublish(access.tenant, integration_id, body)
    details: dict[str, Any] = {"job": job.id, "requested": job.requested, "failed": job.failed}
    record_audit(request, access, "channels.unpublish", _target(integration_id), details)
    return JobOut(job=job, records=records)


@router.get("/{integration_id}/jobs/{job_id}", summary="A publish job and what it did")
def get_job(integration_id: IntegrationId, job_id: JobId, access: View) -> PublishJob:
    return channels.get_job(access.tenant, integration_id, job_id)


@router.get("/{integration_id}/records", summary="The integration's publishing records, by status, in pages")
def list_records(
    integration_id: IntegrationId,
    access: View,
    status_filter: Annotated[RecordStatus | None, Query(alias="status")] = None,
    after: Annotated[
        str | None, Query(max_length=500, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> RecordList:
    records, cursor = channels.list_records(
        access.tenant, integration_id, status=status_filter, limit=limit, after=after
    )
    return RecordList(records=records, next_cursor=cursor)


class RetryOut(BaseModel):
    queued: bool = Field(description="the record was handed to the channel worker")
    record: PublishRecord = Field(description="the record as it is now (the worker updates it shortly)")


@router.post(
    "/{integration_id}/records/{item_kind}/{item_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Try one record again now (the channel worker sends it, whatever its attempts)",
    responses={404: {"description": "no such record at this integration"}, 409: {"description": "paused"}},
)
def retry_record(
    integration_id: IntegrationId, item_kind: ItemKind, item_id: ItemId, request: Request, access: Manage
) -> RetryOut:
    """Queued for the channel worker rather than run in the request: the worker's backoff and the
    destination's throttling apply as to any change. Follow the record (``GET .../records``)."""
    record = worker.retry_record(access.tenant, integration_id, item_kind, item_id)
    details: dict[str, Any] = {"item_kind": item_kind.value, "item_id": item_id}
    record_audit(request, access, "channels.retry", _target(integration_id), details)
    return RetryOut(queued=True, record=record)


@router.post(
    "/{integration_id}/pull",
    summary="Two-way sync now: bring the destination's edits of the fields it owns back into Orion",
    responses={409: {"description": "two-way sync is off for this integration"}},
)
def pull(integration_id: IntegrationId, request: Request, access: Manage) -> PullOut:
    """What the scheduled pull does (every 15 minutes for integrations with ``sync_enabled``): a field
    both sides changed since the last sync is a conflict on the item's record, never applied."""
    report = sync.pull(access.tenant, integration_id)
    record_audit(request, access, "channels.pull", _target(integration_id), report.public())
    return PullOut.model_validate(report.public())


@router.post(
    "/{integration_id}/records/{item_kind}/{item_id}/conflicts/{field}",
    summary="Settle a two-way sync conflict: keep Orion's value (sent again) or the destination's",
    responses={404: {"description": "no such conflict"}},
)
def resolve_conflict(
    *,
    integration_id: IntegrationId,
    item_kind: ItemKind,
    item_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,100}$")],
    field: Annotated[str, Path(max_length=40)],
    body: ConflictChoice,
    request: Request,
    access: Manage,
) -> PublishRecord:
    record = sync.resolve_conflict(access.tenant, integration_id, (item_kind, item_id), field, body)
    details: dict[str, Any] = {"item": f"{item_kind.value}:{item_id}", "field": field, "keep": body.keep}
    record_audit(request, access, "channels.resolve_conflict", _target(integration_id), details)
    return record
