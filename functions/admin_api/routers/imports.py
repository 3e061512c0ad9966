"""``/api/v1/admin/imports``: catalogue imports across the platform's stores, stuck ones flagged, and
running a failed or stuck one again (audit-logged in the store's log).

Bounded reads, never a Scan: without ``store`` the listing is the platform's unfinished jobs (one Query
on the sparse open-jobs index, at most ``limit``); with ``store`` it is that store's latest jobs (one
Query on its listing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel

from functions.admin_api.access import Admin, audit_admin
from functions.admin_api.params import Id, StoreCode
from orion.errors import NotFound
from orion.imports import service as imports
from orion.imports.models import ImportCounts, ImportJob
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


@router.get("/imports", summary="Unfinished imports of every store, or one store's latest imports")
def list_imports(
    admin: Admin,
    store: Annotated[str | None, Query(pattern=CODE_PATTERN.pattern)] = None,
    stuck_after_minutes: Annotated[int, Query(ge=1, le=10080)] = imports.STUCK_AFTER_MINUTES,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> list[ImportJobOut]:
    now = datetime.now(UTC)
    if store is None:
        jobs = imports.open_imports(admin.tenant.platform, limit)
    else:
        jobs = imports.list_import_jobs(Tenant(admin.tenant.platform, store), limit)
    return [ImportJobOut.of(job, now, stuck_after_minutes) for job in jobs]


@router.post(
    "/imports/{store}/{job_id}/rerun",
    status_code=status.HTTP_201_CREATED,
    summary="Run a failed or stuck import's file again as a new job of the store (409 otherwise)",
)
def rerun_import(request: Request, admin: Admin, store: StoreCode, job_id: Id) -> ImportJobOut:
    tenant = _store(admin, store)
    job = imports.rerun_import(tenant, job_id, created_by=f"admin:{admin.user.id}")
    audit_admin(
        request, admin, "import.rerun", f"import:{job_id}", store=store, details={"new_job_id": job.id}
    )
    return ImportJobOut.of(job, datetime.now(UTC), imports.STUCK_AFTER_MINUTES)
