"""An operator runs a failed or stuck import again (the admin API's and the platform console's re-run).

Apart from orion.imports.service because it also tells a saved source's run that its stuck job ended,
and the sources module builds on the service (one direction only, no import cycle).
"""

from __future__ import annotations

from datetime import UTC, datetime

from orion import runtime
from orion.errors import Conflict
from orion.ids import new_id
from orion.imports.models import ImportJob, ImportStatus
from orion.imports.repository import ImportRepository
from orion.imports.service import RERUN_ENDED, get_import_job, is_stuck, new_job
from orion.imports.sources.service import job_id_finished
from orion.imports.storage import ImportFiles
from orion.observability import logger
from orion.tenant import Tenant


def rerun_import(tenant: Tenant, job_id: str, *, created_by: str | None = None) -> ImportJob:
    """Run a failed or stuck job's file again as a new job of the same store (counted towards the
    tier's imports per day like any import), once: the job records the new job's id (``rerun_as``)
    with a conditional write, so a second click or a retried request is a 409 naming it. A stuck job
    is ended first. 409 for a job that is neither, or whose file was never uploaded (or is gone)."""
    repository = runtime.repository(ImportRepository)
    job = get_import_job(tenant, job_id)
    if job.rerun_as:
        raise Conflict.worded("This import was already run again as import {id}.", id=job.rerun_as)
    if job.status is not ImportStatus.FAILED and not is_stuck(job, datetime.now(UTC)):
        raise Conflict("Only a failed or stuck import can be run again.")
    files = ImportFiles()
    if not files.upload_exists(job.upload_key):
        raise Conflict("This import's file was never uploaded or is gone: the store has to upload it again.")
    new_job_id = new_id()
    if not repository.claim_rerun(tenant, job.id, new_job_id):
        taken = get_import_job(tenant, job.id).rerun_as
        raise Conflict.worded("This import was already run again as import {id}.", id=taken)
    try:
        if not job.status.is_final and repository.finish_job(
            tenant, job.id, ImportStatus.FAILED, RERUN_ENDED
        ):
            job_id_finished(tenant, job.id)  # a saved source's run learns its job ended
        language = job.language or "auto"
        new = new_job(tenant, job.file_name, job.declared_format, language, created_by, job_id=new_job_id)
    except Exception:
        repository.release_rerun(tenant, job.id, new_job_id)  # nothing was started: it may run again
        raise
    files.copy_upload(job.upload_key, new.upload_key)  # S3 announces it: the pipeline starts as on upload
    logger.info("import run again", extra={"job_id": job.id, "new_job_id": new.id, "store": job.store})
    return new
