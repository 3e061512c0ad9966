"""The imports watchdog: a job never stays PENDING or RUNNING for good.

Step Functions ends every job it runs (finalize, or MarkFailed in each task's Catch), but a job whose
file never arrives stays PENDING, and a run that is stopped from outside (an execution aborted or timed
out, a state machine deleted) leaves it RUNNING. Unfinished jobs sit in a sparse per-platform partition
sorted by a deadline: the upload window for PENDING jobs, the last sign of progress plus the stall
timeout for RUNNING ones. This task reads only the jobs past their deadline, re-reads each, and ends
it FAILED with a message for the merchant; a job that progressed meanwhile gets a later deadline. A
run that is still going finds its job FAILED and cannot change it (a final status is never
overwritten).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orion import runtime
from orion.imports.models import ImportJob, ImportStatus
from orion.imports.repository import ImportRepository
from orion.imports.sources.service import fail_stuck_runs, job_finished
from orion.observability import logger
from orion.settings import get_settings
from orion.tenant import Tenant

# Jobs looked at per platform and run; the next run (15 minutes later) takes the rest.
WATCHDOG_BATCH = 200


def _minutes(seconds: int) -> str:
    minutes = max(seconds // 60, 1)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def never_uploaded_message(timeout_seconds: int) -> str:
    return (
        f"No file arrived within {_minutes(timeout_seconds)} of starting this import, so it was closed. "
        "Nothing was imported; start a new import and upload the file right after."
    )


def stalled_message(timeout_seconds: int) -> str:
    return (
        f"The import stopped making progress (nothing happened for {_minutes(timeout_seconds)}) and "
        "was ended. Nothing was published; please upload the file again."
    )


def fail_stuck_jobs(tenant: Tenant, now: datetime) -> int:
    """End the platform's jobs stuck past their deadline as FAILED, and its saved sources' runs left
    open past theirs (orion.imports.sources.service.fail_stuck_runs); how many were ended."""
    settings = get_settings()
    repository = runtime.repository(ImportRepository)
    ended = 0
    for listed in repository.overdue_jobs(tenant.platform, now, WATCHDOG_BATCH):
        store = Tenant(listed.platform, listed.store)
        job = repository.get_job(store, listed.id)  # the index may lag behind the job
        if job is None or job.status.is_final:
            continue
        message = _verdict(
            job, now, settings.import_pending_timeout_seconds, settings.import_stall_timeout_seconds
        )
        if message is None:
            quiet_until = job.updated_at + timedelta(seconds=settings.import_stall_timeout_seconds)
            repository.postpone_deadline(store, job.id, quiet_until)
            continue
        if repository.finish_job(store, job.id, ImportStatus.FAILED, message):
            ended_job = repository.get_job(store, job.id)
            if ended_job is not None:
                job_finished(store, ended_job)  # a saved source's run learns its job ended
            logger.warning(
                "import job ended by the watchdog",
                extra={"job_id": job.id, "store": job.store, "was": job.status.value},
            )
            ended += 1
    return ended + fail_stuck_runs(tenant, now)


def _verdict(job: ImportJob, now: datetime, pending_timeout: int, stall_timeout: int) -> str | None:
    """The message to fail ``job`` with, or None while it is still within its time."""
    if job.status is ImportStatus.PENDING:
        if now - job.created_at >= timedelta(seconds=pending_timeout):
            return never_uploaded_message(pending_timeout)
        return None
    if now - job.updated_at >= timedelta(seconds=stall_timeout):
        return stalled_message(stall_timeout)
    return None
