"""``/api/v1/imports``: upload a catalogue file, follow the job, review staged products, publish them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from functions.common.imported_images import image_fetches
from functions.staff_api.common.access import record_audit, require
from functions.staff_api.common.app import API_PREFIX
from orion.identity.models import StaffAccess
from orion.imports import service as imports
from orion.imports.models import (
    ImportCounts,
    ImportFormat,
    ImportJob,
    ImportStatus,
    PublishState,
    PublishStatus,
    StagedProduct,
    StagedStatus,
)
from orion.imports.publish import PublishRequest, PublishResult, request_publish

router = APIRouter(prefix="/imports", tags=["imports"])

JobId = Annotated[str, Path(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="the import job id")]
View = Annotated[StaffAccess, Depends(require("imports.view"))]
Run = Annotated[StaffAccess, Depends(require("imports.run"))]


class UploadRequest(BaseModel):
    file_name: str = Field(min_length=1, max_length=200, examples=["letzshop_fr.tsv"])
    format: ImportFormat = ImportFormat.AUTO
    language: str = Field(default="auto", pattern=r"^(fr|de|en|auto)$")


class ProgressOut(BaseModel):
    chunks_total: int
    chunks_done: int
    percent: int


class PublishFailureOut(BaseModel):
    external_id: str
    message: str


class PublishStateOut(BaseModel):
    """The latest publish of the job: running, or how it ended. ``requested`` counts the products asked
    for (for ``all``, the staged rows until the publish ends, then the products)."""

    id: str
    status: PublishStatus
    background: bool
    requested: int
    published: int
    failed: int
    failures: list[PublishFailureOut] = Field(description="the first failures (at most 50)")
    message: str | None
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, state: PublishState) -> PublishStateOut:
        seen = state.seen_at(datetime.now(UTC))
        return cls(
            **seen.model_dump(exclude={"failures", "cursor", "lease_seconds"}),
            failures=[PublishFailureOut(**note.model_dump()) for note in seen.failures],
        )


class JobOut(BaseModel):
    id: str
    file_name: str
    status: ImportStatus
    message: str | None
    format: ImportFormat | None
    language: str | None
    counts: ImportCounts
    progress: ProgressOut
    created_at: datetime
    finished_at: datetime | None
    error_report_url: str | None = None
    publish: PublishStateOut | None = None

    @classmethod
    def of(cls, job: ImportJob, report_url: str | None = None) -> JobOut:
        return cls(
            id=job.id,
            file_name=job.file_name,
            status=job.status,
            message=job.message,
            format=job.detected_format
            or (None if job.declared_format is ImportFormat.AUTO else job.declared_format),
            language=job.language,
            counts=job.counts,
            progress=ProgressOut(
                chunks_total=job.progress.chunks_total,
                chunks_done=job.progress.chunks_done,
                percent=100 if job.status.is_final else job.progress.percent,
            ),
            created_at=job.created_at,
            finished_at=job.finished_at,
            error_report_url=report_url,
            publish=PublishStateOut.of(job.publish) if job.publish else None,
        )


class UploadOut(BaseModel):
    """POST the file as multipart/form-data to ``url`` with every field of ``fields`` and then ``file``."""

    url: str
    fields: dict[str, str]
    max_bytes: int
    content_type: str


class UploadTicketOut(BaseModel):
    job: JobOut
    upload: UploadOut


class JobList(BaseModel):
    jobs: list[JobOut]


class StagedList(BaseModel):
    products: list[StagedProduct]
    next_cursor: str | None = None


class PublishOut(BaseModel):
    created: list[str]
    updated: list[str]
    failed: list[PublishFailureOut]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Start an import: a job and an upload form")
def start_import(body: UploadRequest, request: Request, access: Run) -> UploadTicketOut:
    """Creates a PENDING job and a presigned POST for its file (size-limited, one key, one content type).
    The import starts by itself when the file arrives; follow it with ``GET /imports/{id}``."""
    ticket = imports.request_upload(
        access.tenant, body.file_name, body.format, body.language, created_by=access.user_id
    )
    record_audit(request, access, "imports.start", f"import:{ticket.job.id}", {"file": ticket.job.file_name})
    return UploadTicketOut(
        job=JobOut.of(ticket.job),
        upload=UploadOut(
            url=ticket.url, fields=ticket.fields, max_bytes=ticket.max_bytes, content_type=ticket.content_type
        ),
    )


@router.get("", summary="The store's import jobs, newest first")
def list_imports(access: View, limit: Annotated[int, Query(ge=1, le=100)] = 50) -> JobList:
    return JobList(jobs=[JobOut.of(job) for job in imports.list_import_jobs(access.tenant, limit)])


@router.get("/{job_id}", summary="One import job: status, progress, counts and its error report")
def get_import(job_id: JobId, access: View) -> JobOut:
    job = imports.get_import_job(access.tenant, job_id)
    return JobOut.of(job, imports.error_report_url(access.tenant, job))


@router.get("/{job_id}/products", summary="The products staged by an import")
def list_staged(
    job_id: JobId,
    access: View,
    status_filter: Annotated[StagedStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> StagedList:
    """One page (``limit``) of staged rows; pass ``next_cursor`` back as ``cursor`` for the next."""
    rows, next_cursor = imports.staged_products_page(
        access.tenant, job_id, status=status_filter, limit=limit, cursor=cursor
    )
    return StagedList(products=rows, next_cursor=next_cursor)


@router.post(
    "/{job_id}/publish",
    summary="Publish staged products into the catalogue",
    responses={
        status.HTTP_202_ACCEPTED: {
            "model": PublishStateOut,
            "description": "A large selection, publishing in the background: follow GET /imports/{id}",
        },
        status.HTTP_409_CONFLICT: {
            "description": "The import is not completed, or a publish of it is running"
        },
    },
)
def publish(
    job_id: JobId, body: PublishRequest, request: Request, response: Response, access: Run
) -> PublishOut | PublishStateOut:
    """Selected ``external_ids`` (or ``all``), with per-product ``overrides`` of price (minor units),
    description and status. Products are matched by external id: publishing again updates them, and
    each language staged under the same id becomes a translation of the same product.

    Up to ``ORION_IMPORT_PUBLISH_SYNC_MAX_PRODUCTS`` products (200) are published before the answer
    (200, with what was created, updated or failed); a larger selection answers 202 with the publish's
    state and runs in the background, its progress in ``GET /imports/{id}`` (``publish``). One publish
    of an import runs at a time (409 while one does)."""
    outcome = request_publish(access.tenant, job_id, body, on_published=image_fetches(access.tenant))
    if isinstance(outcome, PublishResult):
        details: dict[str, object] = {
            "created": len(outcome.created),
            "updated": len(outcome.updated),
            "failed": len(outcome.failed),
        }
    else:
        details = {"background": True, "requested": outcome.requested, "publish": outcome.id}
    record_audit(request, access, "imports.publish", f"import:{job_id}", details)
    if isinstance(outcome, PublishState):
        response.status_code = status.HTTP_202_ACCEPTED
        response.headers["Location"] = f"{API_PREFIX}/imports/{job_id}"
        return PublishStateOut.of(outcome)
    return PublishOut(
        created=outcome.created,
        updated=outcome.updated,
        failed=[PublishFailureOut(external_id=f.external_id, message=f.message) for f in outcome.failed],
    )
