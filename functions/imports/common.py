"""What the import tasks read: the input each state machine hands its task (infra/workflows), as typed
models, and the task failure a malformed one becomes."""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orion.imports.models import ChunkRef
from orion.imports.storage import UploadLocation, parse_upload_key
from orion.observability import logger
from orion.tenant import CODE_PATTERN, Tenant

Code = Annotated[str, Field(pattern=CODE_PATTERN.pattern)]
Ulid = Annotated[str, Field(pattern=r"^[0-9A-Z]{26}$")]


class TaskInputError(Exception):
    """A task's input is not what its state machine sends. The task fails (Lambda reports the error
    type ``TaskInputError``) rather than guess, so the state's Catch ends the job or publish FAILED."""


class TaskInput(BaseModel):
    """The input of one task; unknown members (a state's other results) are ignored."""

    model_config = ConfigDict(frozen=True)

    def job(self) -> tuple[Tenant, str] | None:
        """The tenant and job the task works on, once the input names one."""
        return None


class Upload(BaseModel):
    """The uploaded object that started the execution (the ``Upload`` state's ``$.upload``)."""

    model_config = ConfigDict(frozen=True)

    bucket: str
    key: str

    @property
    def location(self) -> UploadLocation | None:
        """The job the object belongs to, from its key ``uploads/<p>/<s>/<job>/<file>`` only (None for
        any other key: not an import upload)."""
        return parse_upload_key(self.key)


class CaughtError(BaseModel):
    """What a Catch puts in ``$.error``: ``Error`` and ``Cause`` (the failed Lambda's error as JSON)."""

    model_config = ConfigDict(frozen=True)

    Error: str = ""
    Cause: str = ""

    @property
    def error_type(self) -> str | None:
        """The failed task's error type (from the cause), else the Step Functions error name."""
        try:
            cause = json.loads(self.Cause or "{}")
        except ValueError:
            cause = {}
        found = cause.get("errorType") if isinstance(cause, dict) else None
        return str(found or self.Error or "") or None


class UploadTask(TaskInput):
    """A task of the import machine that knows the job by its upload only."""

    upload: Upload

    def job(self) -> tuple[Tenant, str] | None:
        location = self.upload.location
        return (location.tenant, location.job_id) if location else None


class PrepareTask(UploadTask):
    """``Prepare``: ``{upload, execution}`` (the execution's name claims the job)."""

    execution: str = ""


class ImportFailedTask(UploadTask):
    """``MarkFailed``, the Catch of every other task: ``{upload, error}``."""

    error: CaughtError | None = None


class JobTask(TaskInput):
    """``Finalize``: ``{platform, store, job_id}`` of the job ``Prepare`` claimed."""

    platform: Code
    store: Code
    job_id: Ulid

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.platform, self.store)

    def job(self) -> tuple[Tenant, str] | None:
        return self.tenant, self.job_id


class ChunkTask(JobTask):
    """``ProcessBatch``, one Map item: the job and one entry of its manifest."""

    chunk: ChunkRef


class PublishTask(JobTask):
    """``PublishPages``: the job and the publish the staff API claimed on it."""

    publish_id: Ulid


class PublishFailedTask(PublishTask):
    """``MarkPublishFailed``, the Catch of the publish task: the publish and its ``error``."""

    error: CaughtError | None = None


Task = TypeVar("Task", bound=TaskInput)


def read_input(model: type[Task], event: Any) -> Task:
    """``event`` as ``model``, its job (if named) tagging the invocation's log lines and correlation
    id; a malformed input is logged and raised as :class:`TaskInputError` (a task failure)."""
    try:
        task = model.model_validate(event)
    except ValidationError as exc:
        problems = [
            {"at": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        logger.error("malformed task input", extra={"expected": model.__name__, "problems": problems})
        summary = "; ".join(f"{p['at'] or 'input'}: {p['problem']}" for p in problems)
        raise TaskInputError(f"not a {model.__name__} input: {summary}") from exc
    job = task.job()
    if job is not None:
        tenant, job_id = job
        logger.append_keys(tenant=str(tenant), job_id=job_id)
        logger.set_correlation_id(job_id)
    return task
