"""Import rules: request an upload, prepare a file, process a chunk, finalize or fail a job, read results.

The pipeline is idempotent step by step, because Step Functions retries tasks and EventBridge may
deliver an upload event twice: a job is claimed by one execution, chunks and staged rows are written
under deterministic keys, chunk completion is a set, and a final status is never overwritten.
"""

from __future__ import annotations

import csv
import heapq
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import IO, Any

from orion import runtime
from orion.data import keys
from orion.data.batch import BatchWriter, BatchWriteStats
from orion.data.cursors import decode_cursor, encode_cursor
from orion.errors import BadRequest, Conflict, Invalid, NotFound
from orion.ids import new_id
from orion.imports.errors import TooLarge, UnreadableFile
from orion.imports.formats import (
    FileShape,
    ReadOptions,
    inspect_file,
    language_from_file_name,
    read_batches,
)
from orion.imports.models import (
    LANGUAGES,
    ChunkRef,
    ImportCounts,
    ImportFormat,
    ImportJob,
    ImportStatus,
    JobPosition,
    RecordBatch,
    RowError,
    StagedProduct,
    StagedStatus,
)
from orion.imports.report import REPORT_HEADER, error_report_csv
from orion.imports.repository import ImportRepository
from orion.imports.rows import StagedData, stage_batch
from orion.imports.storage import (
    ImportFiles,
    content_type_for,
    parse_upload_key,
    safe_file_name,
    upload_key,
)
from orion.observability import logger
from orion.settings import get_settings
from orion.tenancy import tiers
from orion.tenancy.models import Store
from orion.tenancy.stores import store_profile
from orion.tenant import Tenant

PREPARE_ERRORS = "prepare"
# A staged row's sort key, where a page of staged rows goes on (``ROW#<language>#<external id>``).
_STAGED_ROW_SK = re.compile(re.escape(keys.STAGED_ROW_PREFIX) + "(?s:.*)")


# --- upload -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadTicket:
    """A new PENDING job and the presigned POST the browser (or curl) sends the file with."""

    job: ImportJob
    url: str
    fields: dict[str, str]
    max_bytes: int
    content_type: str


def request_upload(
    tenant: Tenant,
    file_name: str,
    declared_format: ImportFormat = ImportFormat.AUTO,
    language: str | None = None,
    created_by: str | None = None,
) -> UploadTicket:
    """Create a PENDING job and a presigned POST limited to its key, size range and content type.

    Each request counts towards the tier's imports per day (409 naming the limit once used up)."""
    job = new_job(tenant, file_name, declared_format, language, created_by)
    settings = get_settings()
    content_type = content_type_for(job.file_name)
    post = ImportFiles().presigned_upload(
        job.upload_key,
        content_type,
        settings.import_max_upload_bytes,
        settings.import_upload_url_expiry_seconds,
    )
    return UploadTicket(
        job, post["url"], dict(post["fields"]), settings.import_max_upload_bytes, content_type
    )


def new_job(
    tenant: Tenant,
    file_name: str,
    declared_format: ImportFormat,
    language: str | None,
    created_by: str | None,
    *,
    source: tuple[str, str] | None = None,
    reserved: bool = False,
    job_id: str | None = None,
) -> ImportJob:
    """A new PENDING job, counted towards the tier's imports per day (``reserved``: the caller took
    its allowance already); ``job_id``: the id the caller chose for it (a new one otherwise)."""
    store = _store_of(tenant)
    if language is not None and language != "auto" and language not in LANGUAGES:
        raise Invalid(f"language must be one of {', '.join(LANGUAGES)} or auto")
    job_id = job_id or new_id()
    name = safe_file_name(file_name)
    now = datetime.now(UTC)
    job = ImportJob(
        id=job_id,
        platform=tenant.platform,
        store=tenant.require_store(),
        file_name=name,
        declared_format=declared_format,
        language=None if language in (None, "auto") else language,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        upload_key=upload_key(tenant, job_id, name),
        source_id=source[0] if source else None,
        source_run_id=source[1] if source else None,
    )
    # The tier's imports per day: one bounded atomic ADD on today's counter, given back if the job
    # cannot be created, so a refused or failed request never uses up the allowance.
    if not reserved:
        tiers.reserve(tenant, tiers.Limit.IMPORTS_PER_DAY, tier=store.tier)
    try:
        runtime.repository(ImportRepository).create_job(tenant, job)
    except Exception:
        tiers.release(tenant, tiers.Limit.IMPORTS_PER_DAY)
        raise
    return job


def start_fetched_import(
    tenant: Tenant,
    file_name: str,
    content: bytes,
    *,
    declared_format: ImportFormat,
    language: str,
    source: tuple[str, str],
    reserved: bool = False,
) -> ImportJob:
    """A job of a saved source's run (``source``: its id and the run's), started exactly as an upload
    starts one: the bytes are written under the job's upload key and S3 announces them. Counted
    towards the tier's imports per day (``reserved``: the caller took it already, released here if
    the job cannot be created)."""
    job = new_job(tenant, file_name, declared_format, language, None, source=source, reserved=reserved)
    ImportFiles().put_upload(job.upload_key, content, content_type_for(job.file_name))
    return job


def upload_ticket(tenant: Tenant, job_id: str, *, redirect: str | None = None) -> UploadTicket:
    """A fresh presigned POST for a job still waiting for its file (nothing is created or counted:
    the job and its day's allowance were taken by :func:`request_upload`). With ``redirect``, S3
    sends the browser there after the upload. 409 once the job has its file."""
    job = get_import_job(tenant, job_id)
    if job.status is not ImportStatus.PENDING:
        raise Conflict("This import already has its file; start a new import to upload another.")
    settings = get_settings()
    content_type = content_type_for(job.file_name)
    post = ImportFiles().presigned_upload(
        job.upload_key,
        content_type,
        settings.import_max_upload_bytes,
        settings.import_upload_url_expiry_seconds,
        redirect=redirect,
    )
    return UploadTicket(
        job, post["url"], dict(post["fields"]), settings.import_max_upload_bytes, content_type
    )


# --- prepare ----------------------------------------------------------------------------------------


class PrepareOutcome(StrEnum):
    STARTED = "STARTED"  # chunks written: process them, then finalize
    FINISHED = "FINISHED"  # the job already has its final status (a rejected file, nothing to process)
    IGNORED = "IGNORED"  # not a job upload, or a duplicate event for a job another execution owns


@dataclass(frozen=True)
class PrepareResult:
    outcome: PrepareOutcome
    chunks: int = 0
    manifest_key: str | None = None


def prepare_import(tenant: Tenant, job_id: str, object_key: str, execution: str) -> PrepareResult:
    """Claim the job, detect the file's shape, write normalised chunks and a manifest.

    An object whose key is not exactly the one the job's ticket was signed for (another store's or
    another job's, or another file name) is refused (IGNORED) and the job left PENDING. A file that
    cannot be imported at all ends the job FAILED here, with a message for the merchant.
    """
    repository = runtime.repository(ImportRepository)
    job = repository.get_job(tenant, job_id)
    if job is None or not upload_belongs_to(job, tenant, object_key):
        # Another store's job, another job, or another file under this job's prefix: never claimed, so
        # the job stays PENDING for the file its own ticket uploads.
        logger.warning(
            "upload refused: its key is not the job's", extra={"key": object_key, "job_id": job_id}
        )
        return PrepareResult(PrepareOutcome.IGNORED)
    if not repository.claim_job(tenant, job_id, execution):
        logger.info("job already claimed or finished", extra={"job_id": job_id})
        return PrepareResult(PrepareOutcome.IGNORED)
    store = _store_of(tenant)
    files = ImportFiles()
    settings = get_settings()
    try:
        with files.download_upload(object_key, settings.import_max_upload_bytes) as upload:
            return _prepare_file(tenant, job, store=store, upload=upload, files=files, repository=repository)
    except (UnreadableFile, TooLarge) as exc:
        repository.finish_job(tenant, job_id, ImportStatus.FAILED, str(exc), counts=ImportCounts())
        return PrepareResult(PrepareOutcome.FINISHED)


def upload_belongs_to(job: ImportJob, tenant: Tenant, object_key: str) -> bool:
    """Whether ``object_key`` is exactly the key ``job``'s upload ticket was signed for: the tenant's
    platform and store, the job's id and its file name (``uploads/<platform>/<store>/<job>/<file>``)."""
    location = parse_upload_key(object_key)
    return (
        location is not None
        and location.tenant == tenant
        and location.job_id == job.id
        and (job.platform, job.store) == (tenant.platform, tenant.store)
        and object_key == job.upload_key == upload_key(tenant, job.id, job.file_name)
    )


def _prepare_file(
    tenant: Tenant,
    job: ImportJob,
    *,
    store: Store,
    upload: IO[bytes],
    files: ImportFiles,
    repository: ImportRepository,
) -> PrepareResult:
    settings = get_settings()
    shape = inspect_file(upload, job.declared_format)
    language = job.language or language_from_file_name(job.file_name) or _default_language(store)
    size = settings.import_chunk_records
    options = ReadOptions(language, settings.import_max_cell_chars, batch_records=size)

    # Pass 1: where each (id, language) last occurs, so the last duplicate wins whatever the chunk order.
    last_row: dict[tuple[str, str], int] = {}
    for batch, _ in _batches(upload, shape, options):
        last_row.update(zip(zip(batch.external_ids, batch.languages, strict=True), batch.rows, strict=True))

    # Pass 2: normalised chunks, row errors and duplicate notices.
    errors: list[RowError] = []
    chunks: list[ChunkRef] = []
    pending: RecordBatch | None = None
    rows = rejected = duplicates = 0
    for read, unreadable in _batches(upload, shape, options):
        rows += len(read) + len(unreadable)
        rejected += len(unreadable)
        batch, notices = _last_of_each_id(read, last_row)
        duplicates += len(notices)
        errors.extend(sorted([*unreadable, *notices], key=_row_of) if notices else unreadable)
        if pending is None:
            pending = batch
        else:
            pending.extend(batch)
        while len(pending) >= size:
            chunk, pending = pending.split(size)
            chunks.append(files.write_chunk(tenant, job.id, len(chunks) + 1, chunk))
    if pending:
        chunks.append(files.write_chunk(tenant, job.id, len(chunks) + 1, pending))

    files.write_errors(tenant, job.id, PREPARE_ERRORS, errors)
    repository.record_prepared(
        tenant,
        job.id,
        detected_format=shape.format,
        language=language,
        rows=rows,
        prepare_rejected=rejected,
        duplicates=duplicates,
        chunks_total=len(chunks),
    )
    logger.info(
        "file prepared",
        extra={"format": shape.format.value, "encoding": shape.encoding, "rows": rows, "chunks": len(chunks)},
    )
    if not chunks:
        finalize_import(tenant, job.id)
        return PrepareResult(PrepareOutcome.FINISHED)
    manifest_key = files.write_manifest(tenant, job.id, chunks)
    return PrepareResult(PrepareOutcome.STARTED, chunks=len(chunks), manifest_key=manifest_key)


def _batches(
    upload: IO[bytes], shape: FileShape, options: ReadOptions
) -> Iterator[tuple[RecordBatch, list[RowError]]]:
    upload.seek(0)
    text = io.TextIOWrapper(upload, encoding=shape.encoding, newline="")
    try:
        yield from read_batches(text, shape, options)
    finally:
        text.detach()


def _last_of_each_id(
    batch: RecordBatch, last_row: dict[tuple[str, str], int]
) -> tuple[RecordBatch, list[RowError]]:
    """The records of a batch that are the last of their (id, language) in the file, and a notice
    for each of the others."""
    winners = [last_row[key] for key in zip(batch.external_ids, batch.languages, strict=True)]
    if winners == batch.rows:
        return batch, []
    keep, notices = [], []
    for index, (row, winner) in enumerate(zip(batch.rows, winners, strict=True)):
        if row == winner:
            keep.append(index)
            continue
        notices.append(
            RowError(
                row=row,
                column="id",
                value=batch.external_ids[index],
                message=f"Duplicate id: row {winner} has the same id and language and replaces this row.",
            )
        )
    return batch.take(keep), notices


def _row_of(error: RowError) -> int:
    return error.row


def _default_language(store: Store) -> str:
    return store.default_language if store.default_language in LANGUAGES else "en"


# --- process a chunk --------------------------------------------------------------------------------


@dataclass
class ChunkResult:
    index: int
    accepted: int = 0
    rejected: int = 0
    writes: BatchWriteStats = field(default_factory=BatchWriteStats)


def process_chunk(
    tenant: Tenant, job_id: str, chunk: ChunkRef, writer: BatchWriter | None = None
) -> ChunkResult:
    """Validate a chunk's records and stage the valid ones; safe to run again after a failure."""
    store = _store_of(tenant)
    files = ImportFiles()
    repository = runtime.repository(ImportRepository)
    records = files.read_chunk(tenant, job_id, chunk)
    products, errors, rejected = validate_records(records, job_id, store.currency)
    writer = writer or BatchWriter(get_settings().table_name)
    stats = repository.put_staged(tenant, products, writer)
    if errors:
        files.write_errors(tenant, job_id, f"chunk-{chunk.index:06d}", errors)
    repository.record_chunk(tenant, job_id, chunk.index, len(products), rejected)
    return ChunkResult(chunk.index, len(products), rejected, stats)


def validate_records(
    records: RecordBatch, job_id: str, currency: str
) -> tuple[list[StagedData], list[RowError], int]:
    """The row pipeline of process_batch: staged rows, their errors, and how many records failed."""
    staged = stage_batch(records, job_id, currency)
    errors = [error for _, found in sorted(staged.errors.items()) for error in found]
    return staged.products, errors, len(staged.errors)


# --- finalize and fail ------------------------------------------------------------------------------


def finalize_import(tenant: Tenant, job_id: str) -> ImportJob:
    """Total the chunks, write the error report and set the final status.

    A chunk without a result means its task failed for good (on AWS the Map fails; moto only counts
    it), so missing chunks fail the job rather than reporting a short total as success.
    """
    repository = runtime.repository(ImportRepository)
    job = repository.get_job(tenant, job_id)
    if job is None:
        raise NotFound.worded("import job {id} does not exist", id=job_id)
    if job.status.is_final:
        return job
    files = ImportFiles()
    results = repository.chunk_results(tenant, job_id)
    expected = job.progress.chunks_total
    done = {index for index, _, _ in results}
    missing = expected - len(done)
    if missing > 0:
        message = (
            f"{missing} of {expected} parts of the file could not be processed. "
            "Nothing was published; please upload the file again."
        )
        repository.finish_job(tenant, job_id, ImportStatus.FAILED, message)
        return _reload(repository, tenant, job_id)
    accepted = sum(a for _, a, _ in results)
    rejected = repository.prepare_rejected(tenant, job_id) + sum(r for _, _, r in results)
    counts = ImportCounts(
        rows=job.counts.rows, accepted=accepted, rejected=rejected, duplicates=job.counts.duplicates
    )
    if accepted + rejected + counts.duplicates != counts.rows:
        logger.error("import totals do not add up", extra={"counts": counts.model_dump()})
        repository.finish_job(
            tenant,
            job_id,
            ImportStatus.FAILED,
            "The import totals do not add up; please upload the file again.",
        )
        return _reload(repository, tenant, job_id)
    report = None
    if rejected or counts.duplicates:
        streams = [files.read_errors(tenant, job_id, PREPARE_ERRORS)]
        streams += [
            files.read_errors(tenant, job_id, f"chunk-{index:06d}") for index, _, r in sorted(results) if r
        ]
        merged = heapq.merge(*streams, key=lambda error: error.row)
        report = files.put_report(tenant, job_id, error_report_csv(merged))
    status, message = _outcome(counts)
    repository.finish_job(tenant, job_id, status, message, counts=counts, report_key=report)
    return _reload(repository, tenant, job_id)


def _outcome(counts: ImportCounts) -> tuple[ImportStatus, str]:
    if counts.rows == 0:
        return ImportStatus.FAILED, "The file has a header but no product rows."
    if counts.accepted == 0:
        return ImportStatus.FAILED, f"None of the {counts.rows} rows could be imported; see the error report."
    summary = f"{counts.accepted} of {counts.rows} rows ready to publish"
    if counts.rejected or counts.duplicates:
        extra = []
        if counts.rejected:
            extra.append(f"{counts.rejected} rejected")
        if counts.duplicates:
            extra.append(f"{counts.duplicates} duplicate ids replaced by a later row")
        return ImportStatus.COMPLETED_WITH_ERRORS, f"{summary}; {', '.join(extra)} (see the error report)."
    return ImportStatus.COMPLETED, f"{summary}."


def fail_import(tenant: Tenant, job_id: str, error_type: str | None = None) -> bool:
    """End a job FAILED after a task failed for good; a job that already finished keeps its status."""
    message = (
        "The import stopped because of an internal error. "
        "Nothing was published; please upload the file again."
    )
    logger.error("import failed", extra={"job_id": job_id, "error_type": error_type})
    return runtime.repository(ImportRepository).finish_job(tenant, job_id, ImportStatus.FAILED, message)


def _reload(repository: ImportRepository, tenant: Tenant, job_id: str) -> ImportJob:
    job = repository.get_job(tenant, job_id)
    assert job is not None
    return job


# --- reading results --------------------------------------------------------------------------------


def get_import_job(tenant: Tenant, job_id: str) -> ImportJob:
    """A job of this store; another store's job is simply not found."""
    job = runtime.repository(ImportRepository).get_job(tenant, job_id)
    if job is None:
        raise NotFound("No such import job.")
    return job


def list_import_jobs(tenant: Tenant, limit: int = 50) -> list[ImportJob]:
    return runtime.repository(ImportRepository).list_jobs(tenant, limit)


def open_import_jobs(tenant: Tenant, limit: int = 100) -> list[ImportJob]:
    """The platform's unfinished import jobs across its stores (one Query; a platform admin's view)."""
    return runtime.repository(ImportRepository).open_jobs(tenant.require_platform_only(), limit)


def error_report_url(tenant: Tenant, job: ImportJob) -> str | None:
    if not job.report_key:
        return None
    return ImportFiles().report_url(job.report_key, get_settings().import_report_url_expiry_seconds)


def report_errors(job: ImportJob, limit: int = 50) -> list[RowError]:
    """The first ``limit`` rows of a job's error report (what the merchant downloads), read from its
    first 256 KiB; [] without a report."""
    if not job.report_key:
        return []
    window = 256 * 1024
    raw = ImportFiles().report_head(job.report_key, window)
    records = list(csv.reader(io.StringIO(raw.decode("utf-8", errors="replace").lstrip("\ufeff"))))
    if len(raw) >= window:
        records = records[:-1]  # the last record may be cut by the byte range
    found: list[RowError] = []
    for cells in records[1:]:
        if len(found) >= limit:
            break
        if len(cells) == len(REPORT_HEADER) and cells[0].isdigit():
            row, column, value, message = cells
            found.append(RowError(row=int(row), column=column, value=value, message=message))
    return found


def staged_products(tenant: Tenant, job_id: str, status: StagedStatus | None = None) -> list[StagedProduct]:
    """Every staged row of a job of this store."""
    get_import_job(tenant, job_id)
    return list(runtime.repository(ImportRepository).staged_rows(tenant, job_id, status=status))


def staged_products_page(
    tenant: Tenant,
    job_id: str,
    *,
    status: StagedStatus | None = None,
    limit: int = 100,
    cursor: str | None = None,
    job: ImportJob | None = None,
) -> tuple[list[StagedProduct], str | None]:
    """A page of a job's staged rows and the cursor of the next page (``None`` at the end). ``job``:
    the job as the caller just read it (saves reading it again)."""
    if job is None or (job.id, job.platform, job.store) != (job_id, tenant.platform, tenant.store):
        get_import_job(tenant, job_id)
    after = None
    if cursor:
        try:
            (after,) = decode_cursor(cursor, _STAGED_ROW_SK)
        except BadRequest as exc:  # the imports API has answered a bad cursor with a 422 from the start
            raise Invalid("The cursor is not valid.") from exc
    rows, next_key = runtime.repository(ImportRepository).staged_page(
        tenant, job_id, status=status, limit=limit, after=after
    )
    return rows, encode_cursor(next_key) if next_key else None


def _store_of(tenant: Tenant) -> Store:
    store = store_profile(tenant)
    if store is None:
        raise NotFound("No such store.")
    return store


# --- operators: every store's imports, stuck ones, running one again ------------------------------------

STUCK_AFTER_MINUTES = 30
RERUN_ENDED = "Ended by a platform operator to run it again."


def is_stuck(job: ImportJob, now: datetime, stuck_after_minutes: int = STUCK_AFTER_MINUTES) -> bool:
    """An unfinished job that has not moved for ``stuck_after_minutes`` (the watchdog ends such jobs
    later, after the platform's stall timeout)."""
    return not job.status.is_final and now - job.updated_at >= timedelta(minutes=stuck_after_minutes)


def open_imports(platform: str, limit: int = 100) -> list[ImportJob]:
    """Every store's unfinished jobs on the platform: one Query on the open-jobs index (bounded by
    ``limit``), oldest deadline first."""
    return runtime.repository(ImportRepository).open_jobs(platform, limit)


# The admin listing's sections, in order: unfinished jobs (stuck ones first), then the jobs that ended,
# failures first. Each finished section is newest first.
FINISHED_ORDER = (ImportStatus.FAILED, ImportStatus.COMPLETED_WITH_ERRORS, ImportStatus.COMPLETED)
OPEN_SECTION = "OPEN"
# Unfinished jobs read per listing: the watchdog ends them within hours, so the partition stays small.
OPEN_READ_LIMIT = 1000
_SECTION = re.compile("|".join([OPEN_SECTION, *(s.value for s in FINISHED_ORDER)]))
_STUCK_OR_STORE = re.compile(r"[01]|[a-z0-9][a-z0-9-]{0,38}[a-z0-9]")
_SORTABLE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_JOB_ID = re.compile(r"[0-9A-Z]{26}")


@dataclass(frozen=True)
class ListedImport:
    """A job as the platform admin's listing shows it."""

    job: ImportJob
    stuck: bool


@dataclass(frozen=True)
class ImportJobsPage:
    jobs: list[ListedImport]
    next_cursor: str | None


def platform_import_jobs(
    tenant: Tenant,
    *,
    now: datetime,
    status: ImportStatus | None = None,
    store: str | None = None,
    older_than_hours: int | None = None,
    stuck_after_minutes: int = STUCK_AFTER_MINUTES,
    limit: int = 50,
    cursor: str | None = None,
) -> ImportJobsPage:
    """A page of the import jobs of the platform's stores (``tenant``: the platform): unfinished ones
    first, stuck before the rest (longest silent first), then failed, completed with errors and
    completed ones, each newest first; optionally of one ``status``, one ``store``, created at least
    ``older_than_hours`` ago. Bounded reads only: the open-jobs partition (at most
    ``OPEN_READ_LIMIT``), and per final status one Query on the platform's (or the store's) index."""
    platform = tenant.require_platform_only()
    repository = runtime.repository(ImportRepository)
    created_before = now - timedelta(hours=older_than_hours) if older_than_hours is not None else None
    sections = [
        name
        for name in (OPEN_SECTION, *(s.value for s in FINISHED_ORDER))
        if status is None or name == status.value or (name == OPEN_SECTION and not status.is_final)
    ]
    start, position = _import_cursor(cursor, sections)
    found: list[ListedImport] = []
    for name in sections[sections.index(start) :]:
        room = limit - len(found)
        if name == OPEN_SECTION:
            rows = [
                ListedImport(job, is_stuck(job, now, stuck_after_minutes))
                for job in repository.open_jobs_page(platform, OPEN_READ_LIMIT)
                if (status is None or job.status is status)
                and (store is None or job.store == store)
                and (created_before is None or job.created_at < created_before)
            ]
            rows.sort(key=_open_order)
            if position is not None:
                rows = [row for row in rows if _open_order(row) > position]
            found += rows[:room]
            more = len(rows) > room
        else:
            after = JobPosition(*position) if position is not None else None
            jobs = repository.finished_jobs(
                platform,
                ImportStatus(name),
                store=store,
                created_before=created_before,
                limit=room + 1,
                after=after,
            )
            found += [ListedImport(job, False) for job in jobs[:room]]
            more = len(jobs) > room
        position = None
        if len(found) >= limit:
            later = sections.index(name) < len(sections) - 1
            return ImportJobsPage(found, _cursor_after(name, found[-1]) if more or later else None)
    return ImportJobsPage(found, None)


def _open_order(row: ListedImport) -> tuple[str, str, str]:
    return ("0" if row.stuck else "1", keys.sortable_time(row.job.updated_at), row.job.id)


def _cursor_after(section: str, row: ListedImport) -> str:
    if section == OPEN_SECTION:
        flag, updated, job_id = _open_order(row)
        return encode_cursor(section, job_id, flag, updated)
    job = row.job
    return encode_cursor(section, job.id, job.store, keys.sortable_time(job.created_at))


def _import_cursor(cursor: str | None, sections: list[str]) -> tuple[str, Any]:
    """The section a page starts in and the position to go on after (None: its beginning)."""
    if not cursor:
        return sections[0], None
    section, job_id, middle, at = decode_cursor(cursor, _SECTION, _JOB_ID, _STUCK_OR_STORE, _SORTABLE_TIME)
    if section not in sections or (section == OPEN_SECTION) != (middle in ("0", "1")):
        raise BadRequest("The page link is not valid.")
    if section == OPEN_SECTION:
        return section, (middle, at, job_id)
    created_at = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return section, (middle, job_id, created_at)
