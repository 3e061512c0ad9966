"""``/api/v1/imports/sources``: a store's saved catalogue sources (feed URLs fetched on a schedule),
their runs, and running one now (docs/imports.md, Saved sources)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel

from functions.staff_api.common.access import record_audit, require
from orion.identity.models import StaffAccess
from orion.imports.models import ImportFormat
from orion.imports.sources import service as sources
from orion.imports.sources.models import (
    MissingPolicy,
    PublishPolicy,
    RunStatus,
    RunSummary,
    RunTrigger,
    Source,
    SourceChange,
    SourceInput,
    SourceRun,
    SourceSchedule,
    SourceStatus,
)

router = APIRouter(prefix="/imports/sources", tags=["imports"])

SourceId = Annotated[str, Path(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$", description="the source id")]
View = Annotated[StaffAccess, Depends(require("imports.view"))]
Configure = Annotated[StaffAccess, Depends(require("imports.configure"))]
Run = Annotated[StaffAccess, Depends(require("imports.run"))]


class SourceOut(BaseModel):
    id: str
    name: str
    urls: dict[str, str]
    format: ImportFormat
    schedule: SourceSchedule
    publish: PublishPolicy
    missing: MissingPolicy
    status: SourceStatus
    paused_reason: str | None
    consecutive_failures: int
    next_run_at: datetime | None
    last_checked_at: datetime | None
    last_run: RunSummary | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, source: Source) -> SourceOut:
        return cls(**source.model_dump(include=set(cls.model_fields)))


class RunOut(BaseModel):
    id: str
    trigger: RunTrigger
    status: RunStatus
    message: str | None
    job_ids: dict[str, str]
    archived: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, run: SourceRun) -> RunOut:
        return cls(**run.model_dump(include=set(cls.model_fields)))


class SourceEnvelope(BaseModel):
    source: SourceOut


class SourceList(BaseModel):
    sources: list[SourceOut]


class RunEnvelope(BaseModel):
    run: RunOut


class RunList(BaseModel):
    runs: list[RunOut]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Save a catalogue source")
def create_source(body: SourceInput, request: Request, access: Configure) -> SourceEnvelope:
    source = sources.create_source(access.tenant, body, created_by=access.user_id)
    record_audit(
        request, access, "imports.source_create", f"import_source:{source.id}", {"name": source.name}
    )
    return SourceEnvelope(source=SourceOut.of(source))


@router.get("", summary="The store's saved sources")
def list_sources(access: View) -> SourceList:
    return SourceList(sources=[SourceOut.of(s) for s in sources.list_sources(access.tenant)])


@router.get("/{source_id}", summary="One saved source")
def get_source(source_id: SourceId, access: View) -> SourceEnvelope:
    return SourceEnvelope(source=SourceOut.of(sources.get_source(access.tenant, source_id)))


@router.patch("/{source_id}", summary="Change a source; resume or pause it")
def update_source(
    source_id: SourceId, body: SourceChange, request: Request, access: Configure
) -> SourceEnvelope:
    source = sources.update_source(access.tenant, source_id, body)
    record_audit(
        request,
        access,
        "imports.source_update",
        f"import_source:{source_id}",
        body.model_dump(exclude_unset=True, mode="json"),
    )
    return SourceEnvelope(source=SourceOut.of(source))


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a source")
def delete_source(source_id: SourceId, request: Request, access: Configure) -> Response:
    sources.delete_source(access.tenant, source_id)
    record_audit(request, access, "imports.source_delete", f"import_source:{source_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{source_id}/run", status_code=status.HTTP_202_ACCEPTED, summary="Run a source now (queued)")
def run_source(source_id: SourceId, request: Request, access: Run) -> RunEnvelope:
    run = sources.request_run(access.tenant, source_id)
    record_audit(request, access, "imports.source_run", f"import_source:{source_id}", {"run_id": run.id})
    return RunEnvelope(run=RunOut.of(run))


@router.get("/{source_id}/runs", summary="A source's runs, newest first")
def list_runs(source_id: SourceId, access: View) -> RunList:
    return RunList(runs=[RunOut.of(r) for r in sources.list_runs(access.tenant, source_id)])
