"""``/api/v1/admin/imports``: catalogue imports across the platform's stores, stuck ones flagged, and
running a failed or stuck one again (audit-logged in the store's log).

Bounded reads, never a Scan: the platform's unfinished jobs (the sparse open-jobs index) and, per final
status, one Query on the platform's index of jobs that ended so, or on the store's listing with
``store`` (docs/imports.md, Import jobs across stores)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel

from functions.admin_api.access import Admin, audit_admin
from functions.admin_api.params import Id, StoreCode
from orion.errors import NotFound
from orion.imports import rerun
from orion.imports import service as imports
from orion.imports.models import ImportCounts, ImportJob, ImportStatus
from orion.tenancy.stores import store_profile
from orion.tenant import CODE_PATTERN, Tenant

router = APIRouter(prefix="/admin", tags=["admin"])


class ImportJobOut(BaseModel):
    id: str
    store: str
    file_name: str
    status: str
    message: str | None
    counts: ImportCounts
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    stuck: bool
    rerun_as: str | None = None  # the job a re-run of this one started

    @classmethod
    def of(cls, job: ImportJob, now: datetime, stuck_after: int) -> ImportJobOut:
        return cls(
            **job.model_dump(
                include={
                    "id",
                    "store",
                    "file_name",
                    "message",
                    "counts",
                    "created_at",
                    "updated_at",
                    "finished_at",
                    "rerun_as",
                }
            ),
            status=job.status.value,
            stuck=imports.is_stuck(job, now, stuck_after),
        )


def _store(admin: Admin, code: str) -> Tenant:
    tenant = Tenant(admin.tenant.platform, code)
    if store_profile(tenant) is None:
        raise NotFound("No such store on this platform.")
    return tenant


class ImportJobsOut(BaseModel):
    jobs: list[ImportJobOut]
    next_cursor: str | None


@router.get(
    "/imports",
    summary="Import jobs of the platform's stores: stuck first, then unfinished, failed, completed",
)
def list_imports(
    admin: Admin,
    *,
    status: ImportStatus | None = None,
    store: Annotated[str | None, Query(pattern=CODE_PATTERN.pattern)] = None,
    older_than_hours: Annotated[int | None, Query(ge=0, le=24 * 366)] = None,
    stuck_after_minutes: Annotated[int, Query(ge=1, le=10080)] = imports.STUCK_AFTER_MINUTES,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> ImportJobsOut:
    if store is not None:
        _store(admin, store)
    now = datetime.now(UTC)
    page = imports.platform_import_jobs(
        admin.tenant,
        now=now,
        status=status,
        store=store,
        older_than_hours=older_than_hours,
        stuck_after_minutes=stuck_after_minutes,
        limit=limit,
        cursor=cursor,
    )
    return ImportJobsOut(
        jobs=[ImportJobOut.of(row.job, now, stuck_after_minutes) for row in page.jobs],
        next_cursor=page.next_cursor,
    )


@router.post(
    "/imports/{store}/{job_id}/rerun",
    status_code=status.HTTP_201_CREATED,
    summary="Run a failed or stuck import's file again as a new job of the store (409 otherwise)",
)
def rerun_import(request: Request, admin: Admin, store: StoreCode, job_id: Id) -> ImportJobOut:
    tenant = _store(admin, store)
    job = rerun.rerun_import(tenant, job_id, created_by=f"admin:{admin.user.id}")
    audit_admin(
        request, admin, "import.rerun", f"import:{job_id}", store=store, details={"new_job_id": job.id}
    )
    return ImportJobOut.of(job, datetime.now(UTC), imports.STUCK_AFTER_MINUTES)
