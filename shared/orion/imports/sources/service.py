"""Saved sources: a store's feed URLs (one per language), fetched on a schedule or on demand and
imported as ordinary import jobs, then published by the source's policy (docs/imports.md, Saved
sources).

A run goes: queued (the API or the scheduled task) -> the runner takes it once (idempotent per run id)
and fetches every URL with conditional requests -> nothing changed: ``unchanged`` (no job, no S3
object, no staged row, one write of the source's item) -> a changed feed: guards (HTML fails the run;
rows halved or columns changed hold it), one import job per changed language, started as an upload
-> when every job has ended (the Finalize hook queues ``finish``): ``failed`` (a job FAILED), ``held``,
``staged`` (policy none) or ``published`` (new / all), then, under ``missing: archive`` and only for a
complete, unheld run, the source's products its feeds no longer list are archived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from orion import runtime
from orion.catalog.models import Product, ProductStatus
from orion.catalog.service import archive_gone_from_feed, feed_products, get_product_by_external_id
from orion.errors import Conflict, FieldError, Invalid, LimitExceeded, NotFound, OrionError
from orion.ids import new_id
from orion.imports.bulk_stores import check_feed_url
from orion.imports.errors import FeedRefused, FeedUnavailable, UnreadableFile
from orion.imports.models import LANGUAGES, ImportJob, ImportStatus, PublishState, PublishStatus
from orion.imports.publish import ListedPublishRequest, PublishRequest, PublishResult, request_publish
from orion.imports.repository import ImportRepository
from orion.imports.service import start_fetched_import
from orion.imports.sources import guards, messages
from orion.imports.sources.fetch import (
    FeedTransport,
    PublicFeedTransport,
    fetch,
    trusted_local_url,
)
from orion.imports.sources.files import SourceFiles
from orion.imports.sources.models import (
    FAILURES_BEFORE_PAUSE,
    MAX_SOURCES_PER_STORE,
    RUN_DEADLINE,
    MissingPolicy,
    PublishPolicy,
    RunStatus,
    RunTrigger,
    Source,
    SourceChange,
    SourceInput,
    SourceRun,
    SourceSchedule,
    SourceStatus,
    UrlState,
)
from orion.imports.sources.queue import SourceMessage, SourceQueue
from orion.imports.sources.repository import SourceRepository
from orion.imports.storage import ImportFiles, source_prefix
from orion.observability import logger
from orion.outbox.service import enqueue_email
from orion.rendering.phrases import Phrase, english, phrase
from orion.settings import get_settings
from orion.tenancy import tiers
from orion.tenancy.stores import store_profile
from orion.tenant import Tenant

INTERVALS = {SourceSchedule.HOURLY: timedelta(hours=1), SourceSchedule.DAILY: timedelta(hours=24)}
DUE_BATCH = 200  # sources queued per platform and tick; the next tick (5 minutes) takes the rest
# A run claimed this long ago whose worker never started its jobs is taken again (the runner's Lambda
# timeout is far shorter).
STALE_CLAIM = timedelta(minutes=30)
SAVE_ATTEMPTS = 5
OnPublished = Callable[[Tenant, list[Product]], None]

_transport: FeedTransport | None = None


@contextmanager
def use_transport(transport: FeedTransport) -> Iterator[None]:
    """Run with ``transport`` as the network (tests give a fake one)."""
    global _transport
    previous, _transport = _transport, transport
    try:
        yield
    finally:
        _transport = previous


def _network() -> FeedTransport:
    return _transport or PublicFeedTransport()


def _now() -> datetime:
    return datetime.now(UTC)


def _repo() -> SourceRepository:
    return runtime.repository(SourceRepository)


# --- sources -----------------------------------------------------------------------------------------


def _checked_urls(urls: dict[str, str]) -> dict[str, str]:
    errors = []
    for language, url in urls.items():
        if language not in LANGUAGES:
            errors.append(
                FieldError(f"urls.{language}", f"The language must be one of {', '.join(LANGUAGES)}.")
            )
            continue
        if trusted_local_url(url):  # the local cloud's demo feeds (never in a deployment)
            continue
        try:
            if urlsplit(url).scheme != "https":
                raise FeedRefused(phrase(messages.HTTPS_ONLY))
            check_feed_url(url)
        except (FeedRefused, ValueError) as exc:
            errors.append(FieldError(f"urls.{language}", str(exc)))
    if errors:
        raise Invalid(f"{errors[0].field}: {errors[0].message}", errors=errors)
    return {language: urls[language] for language in LANGUAGES if language in urls}


RUNS_PER_DAY = {SourceSchedule.HOURLY: 24, SourceSchedule.DAILY: 1, SourceSchedule.MANUAL: 0}


def _check_plan(tenant: Tenant, schedule: SourceSchedule, languages: int) -> None:
    """422 when the schedule's imports a day (runs a day x languages, each changed feed one import)
    pass the store plan's imports per day."""
    store = store_profile(tenant)
    maximum = tiers.allowance(store.tier, tiers.Limit.IMPORTS_PER_DAY) if store else None
    needed = RUNS_PER_DAY[schedule] * languages
    if maximum is None or needed <= maximum:
        return
    detail = (
        f"{schedule.value} with {languages} language{'s' if languages != 1 else ''} can start {needed} "
        f"imports a day; the {tiers.plan_of(store.tier).name if store else ''} plan allows {maximum}: "
        "choose a slower schedule or fewer languages"
    )
    raise Invalid(f"schedule: {detail}", errors=[FieldError("schedule", detail)])


def _next_run(schedule: SourceSchedule, status: SourceStatus, after: datetime) -> datetime | None:
    if schedule is SourceSchedule.MANUAL or status is SourceStatus.PAUSED:
        return None
    return after


def create_source(tenant: Tenant, data: SourceInput, *, created_by: str | None = None) -> Source:
    """A new source of the store; its first scheduled run is due at once (the next tick). 409 past
    MAX_SOURCES_PER_STORE."""
    urls = _checked_urls(data.urls)
    _check_plan(tenant, data.schedule, len(urls))
    if len(_repo().list_sources(tenant, MAX_SOURCES_PER_STORE + 1)) >= MAX_SOURCES_PER_STORE:
        raise Conflict.worded(
            "A store has at most {n} saved sources; delete one first.", n=MAX_SOURCES_PER_STORE
        )
    now = _now()
    source = Source(
        id=new_id(),
        platform=tenant.platform,
        store=tenant.require_store(),
        name=data.name,
        urls=urls,
        format=data.format,
        schedule=data.schedule,
        publish=data.publish,
        missing=data.missing,
        next_run_at=_next_run(data.schedule, SourceStatus.ACTIVE, now),
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    _repo().save(tenant, source, None)
    return source


def get_source(tenant: Tenant, source_id: str) -> Source:
    found = _repo().get(tenant, source_id)
    if found is None:
        raise NotFound("No such import source.")
    return found[0]


def list_sources(tenant: Tenant) -> list[Source]:
    return _repo().list_sources(tenant)


def _change(tenant: Tenant, source_id: str, edit: Callable[[Source], Source]) -> Source:
    """Apply ``edit`` to the source as it is now (optimistic: read, change, conditional write)."""
    for _ in range(SAVE_ATTEMPTS):
        found = _repo().get(tenant, source_id)
        if found is None:
            raise NotFound("No such import source.")
        source, version = found
        changed = edit(source)
        if _repo().save(tenant, changed, version):
            return changed
    raise Conflict("The source changed meanwhile; try again.")


def update_source(tenant: Tenant, source_id: str, change: SourceChange) -> Source:
    """Change a source's settings; ``status: active`` resumes a paused source (its failures and reason
    cleared), ``paused`` pauses it; ``accept_feeds`` takes the last held run's feeds as the guards'
    new baseline. A changed URL forgets what was known of the old one."""
    urls = _checked_urls(change.urls) if change.urls is not None else None

    def edit(source: Source) -> Source:
        now = _now()
        update: dict[str, object] = {
            name: value
            for name, value in change.model_dump(
                exclude_unset=True, exclude={"urls", "status", "accept_feeds"}
            ).items()
            if value is not None
        }
        state = dict(source.state)
        if urls is not None:
            update["urls"] = urls
            # A changed URL is fetched afresh (validators and hash dropped) but its feed is still held
            # against the language's last good profile, so a mistyped URL cannot archive the catalogue.
            state = {
                lang: s
                if urls.get(lang) == source.urls.get(lang)
                else s.model_copy(update={"etag": None, "last_modified": None, "sha256": None})
                for lang, s in state.items()
                if lang in urls
            }
        if change.accept_feeds:
            state = {
                lang: s.model_copy(update={"profile": s.held_profile, "held_profile": None})
                if s.held_profile
                else s
                for lang, s in state.items()
            }
        update["state"] = state
        status = change.status or source.status
        if change.status is SourceStatus.ACTIVE and source.status is SourceStatus.PAUSED:
            update |= {"paused_reason": None, "paused_reason_parts": (), "consecutive_failures": 0}
        elif change.status is SourceStatus.PAUSED:
            # staff's pause: a later success does not lift it
            update |= _paused_reason((phrase(messages.PAUSED_BY_STAFF),))
        update["status"] = status
        schedule = change.schedule or source.schedule
        if schedule is SourceSchedule.MANUAL or status is SourceStatus.PAUSED:
            update["next_run_at"] = None
        elif source.next_run_at is None or schedule is not source.schedule:
            update["next_run_at"] = now
        update["updated_at"] = now
        return source.model_copy(update=update)

    if change.schedule is not None or urls is not None:
        current = get_source(tenant, source_id)
        _check_plan(tenant, change.schedule or current.schedule, len(urls or current.urls))
    return _change(tenant, source_id, edit)


def delete_source(tenant: Tenant, source_id: str) -> None:
    """Delete a source; its runs' import jobs stay in the history (and its products in the catalogue).
    Its files go too, on a best-effort basis: once the source is gone, S3 failing to delete them is
    logged (with their prefix), never the request's failure; its runs' files expire anyway."""
    if not _repo().delete(tenant, source_id):
        raise NotFound("No such import source.")
    try:
        runtime.repository(SourceFiles).delete_all(tenant, source_id)
    except Exception:
        logger.exception(
            "saved source deleted, its files not",
            extra={"source_id": source_id, "prefix": source_prefix(tenant, source_id)},
        )


def list_runs(tenant: Tenant, source_id: str, limit: int = 50) -> list[SourceRun]:
    get_source(tenant, source_id)
    return _repo().list_runs(tenant, source_id, limit)


# --- queueing runs ---------------------------------------------------------------------------------


def request_run(tenant: Tenant, source_id: str, trigger: RunTrigger = RunTrigger.MANUAL) -> SourceRun:
    """Queue a run of the source (a paused source may be run by hand: if it succeeds, it resumes).
    One run of a source at a time: 409 while another is queued or under way (unless it is past its
    deadline, which the imports watchdog fails)."""
    get_source(tenant, source_id)
    run = SourceRun(id=new_id(), source_id=source_id, trigger=trigger, created_at=_now())
    _repo().create_run(tenant, run)  # first, so a source never names a run that does not exist

    def take(source: Source) -> Source:
        if source.active_run_id and not _repo().run_overdue(tenant, source.id, source.active_run_id, _now()):
            raise Conflict.worded(
                "A run of this source is already queued or under way; wait for it to end (run {id}).",
                id=source.active_run_id,
            )
        return source.model_copy(update={"active_run_id": run.id})

    try:
        _change(tenant, source_id, take)
    except Exception:
        _repo().delete_run(tenant, source_id, run.id)
        raise
    _send_run(tenant, run)
    return run


def _send_run(tenant: Tenant, run: SourceRun) -> None:
    message = SourceMessage(
        type="run",
        platform=tenant.platform,
        store=tenant.require_store(),
        source_id=run.source_id,
        run_id=run.id,
    )
    try:
        runtime.repository(SourceQueue).send(message)
    except Exception:
        _end_run(tenant, _ended(run, RunStatus.FAILED, phrase(messages.NOT_QUEUED)), counted=False)
        raise


def run_due_sources(tenant: Tenant, now: datetime) -> int:
    """The scheduled task ``imports.run_due_sources``: queue a run of each of the platform's active
    scheduled sources whose next run is due, and move its next run on (hourly +1 h, daily +24 h, from
    now); a source whose last run is still under way skips this time. One bounded Query on the
    sparse due index; how many runs were queued."""
    queued = 0
    repository = _repo()
    for listed in repository.due(tenant.platform, now, DUE_BATCH):
        store = Tenant(listed.platform, listed.store)
        found = repository.get(store, listed.id)  # the index may lag behind the source
        if found is None:
            continue
        source, version = found
        interval = INTERVALS.get(source.schedule)
        if (
            interval is None
            or source.status is SourceStatus.PAUSED
            or source.next_run_at is None
            or source.next_run_at > now
        ):
            continue
        busy = source.active_run_id is not None and not repository.run_overdue(
            store, source.id, source.active_run_id, now
        )
        run = SourceRun(id=new_id(), source_id=source.id, trigger=RunTrigger.SCHEDULED, created_at=_now())
        if not busy:
            repository.create_run(store, run)
        moved = source.model_copy(
            update={"next_run_at": now + interval} | ({} if busy else {"active_run_id": run.id})
        )
        if not repository.save(store, moved, version):
            if not busy:
                repository.delete_run(store, source.id, run.id)
            continue  # changed meanwhile (staff, another tick): the next tick looks again
        if busy:
            logger.info("source run skipped: the last one is under way", extra={"source_id": source.id})
            continue
        try:
            _send_run(store, run)
        except Exception:
            logger.exception("source run not queued", extra={"source_id": source.id})
            continue
        queued += 1
    return queued


# --- the run (the runner function) ------------------------------------------------------------------


def _ids_key(source: Source, name: str) -> str:
    return f"{source_prefix(Tenant(source.platform, source.store), source.id)}{name}.txt"


def execute_run(
    tenant: Tenant, source_id: str, run_id: str, *, on_published: OnPublished | None = None
) -> SourceRun | None:
    """Take a queued run once and fetch its feeds; start an import job per changed language (or end it
    unchanged or failed). None for a duplicate message or a run that is gone."""
    repository = _repo()
    run = repository.get_run(tenant, source_id, run_id)
    if run is None or run.status.is_final:
        return None
    found = repository.get(tenant, source_id)
    if found is None:
        ended = _ended(run, RunStatus.FAILED, phrase(messages.DELETED_BEFORE_RUN))
        repository.save_run(tenant, ended)
        return ended
    source = found[0]
    if run.trigger is RunTrigger.SCHEDULED and source.status is SourceStatus.PAUSED:
        return _end_run(
            tenant,
            _ended(run, RunStatus.FAILED, phrase(messages.PAUSED_BEFORE_RUN)),
            counted=False,
        )
    now = _now()
    claimed = run.model_copy(update={"status": RunStatus.RUNNING, "started_at": now})
    if not repository.claim_run(tenant, claimed, stale_before=(now - STALE_CLAIM).isoformat()):
        logger.info("source run already taken", extra={"run_id": run_id})
        return None
    try:
        return _fetch_and_start(tenant, source, claimed, on_published)
    except Exception:
        logger.exception("source run failed", extra={"run_id": run_id, "source_id": source_id})
        latest = repository.get_run(tenant, source_id, run_id) or claimed  # keeps the jobs it started
        return _fail_run(tenant, latest, phrase(messages.INTERNAL_ERROR))


def _fetch_and_start(
    tenant: Tenant, source: Source, run: SourceRun, on_published: OnPublished | None
) -> SourceRun:
    settings = get_settings()
    transport = _network()
    fetched: dict[str, UrlState] = {}
    bodies: dict[str, bytes] = {}
    present: dict[str, frozenset[str]] = {}
    holds: list[Phrase] = []
    unreadable_rows = 0
    refreshed: dict[str, UrlState] = {}
    for language, url in source.urls.items():
        known = source.state.get(language, UrlState())
        try:
            answer = fetch(transport, url, etag=known.etag, last_modified=known.last_modified, sleep=_sleep)
        except (FeedUnavailable, FeedRefused) as exc:
            return _fail_run(tenant, run, phrase(messages.FETCH_FAILED, language=language), *exc.parts)
        if answer.status == 304:
            continue
        digest = guards.sha256(answer.body)
        validators = {
            "etag": answer.headers.get("etag"),
            "last_modified": answer.headers.get("last-modified"),
        }
        if digest == known.sha256:
            if validators != {"etag": known.etag, "last_modified": known.last_modified}:
                refreshed[language] = known.model_copy(update=validators)  # the next request is conditional
            continue
        page = guards.web_page(answer.body, answer.headers.get("content-type"))
        if page:
            return _fail_run(tenant, run, guards.web_page_answered(language, page))
        profile = None
        try:
            read = guards.read_feed(answer.body, source.format, language, settings.import_max_cell_chars)
            profile = read.profile
            present[language] = read.external_ids
            unreadable_rows += read.unreadable_rows
            reason = guards.hold_reason(language, profile, known.profile)
            if reason:
                holds.append(reason)
        except UnreadableFile:
            present[language] = frozenset()  # the import job fails and says why
        fetched[language] = known.model_copy(update={**validators, "sha256": digest, "held_profile": profile})
        bodies[language] = answer.body
    if not bodies:
        return _end_unchanged(tenant, run, refreshed)
    fetched = refreshed | fetched
    files = ImportFiles()
    for language, ids in present.items():
        files.put_source_ids(_ids_key(source, f"runs/{run.id}/{language}"), sorted(ids))
    held = (*holds, phrase(messages.HELD)) if holds else ()
    planned = run.model_copy(
        update={
            "languages": tuple(bodies),
            "fetched": fetched,
            "held": bool(holds),
            **_message(*held),
            "unreadable_rows": unreadable_rows,
        }
    )
    _repo().save_run(tenant, planned)
    started = _start_jobs(tenant, source, planned, bodies)
    if started.status.is_final:
        return started
    logger.info("source run started its imports", extra={"run_id": run.id, "jobs": started.job_ids})
    # The jobs may have ended already (a small file): finish here rather than wait for the hook.
    return finish_run(tenant, source.id, run.id, on_published=on_published) or started


def _start_jobs(tenant: Tenant, source: Source, planned: SourceRun, bodies: dict[str, bytes]) -> SourceRun:
    """One import job per changed language (the run as saved: with its jobs, or ended FAILED)."""
    # Every language's import counts towards the plan's imports per day: all are taken before any
    # job starts, or none (a refusal is the plan's, not the feed's: it does not count towards the pause).
    try:
        tiers.reserve(tenant, tiers.Limit.IMPORTS_PER_DAY, len(bodies))
    except LimitExceeded as exc:
        return _end_run(
            tenant,
            _ended(planned, RunStatus.FAILED, phrase(messages.PLAN_USED_UP), *_error_parts(exc)),
            counted=False,
        )
    job_ids: dict[str, str] = {}
    for index, (language, body) in enumerate(bodies.items()):
        name = urlsplit(source.urls[language]).path.rsplit("/", 1)[-1] or f"feed_{language}.csv"
        try:
            job = start_fetched_import(
                tenant,
                name,
                body,
                declared_format=source.format,
                language=language,
                source=(source.id, planned.id),
                reserved=True,
            )
        except Exception as exc:
            unstarted = len(bodies) - index - 1  # the failed one gave its own back
            if unstarted:
                tiers.release(tenant, tiers.Limit.IMPORTS_PER_DAY, unstarted)
            if not isinstance(exc, OrionError):
                raise
            return _fail_run(
                tenant,
                planned.model_copy(update={"job_ids": job_ids}),
                phrase(messages.IMPORT_NOT_STARTED, language=language),
                *_error_parts(exc),
            )
        job_ids[language] = job.id
        planned = planned.model_copy(update={"job_ids": job_ids})
        _repo().save_run(tenant, planned)
    return planned


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def _message(*parts: Phrase) -> dict[str, object]:
    """A run's ``message`` (English, None without phrases) and ``message_parts``, set together."""
    return {"message": english(parts) if parts else None, "message_parts": parts}


def _paused_reason(parts: tuple[Phrase, ...]) -> dict[str, object]:
    """A source's ``paused_reason`` and ``paused_reason_parts``, set together."""
    return {"paused_reason": english(parts), "paused_reason_parts": parts}


def _parts_of(run: SourceRun) -> tuple[Phrase, ...]:
    """A run's message as phrases (a run saved before phrases were kept: its English as it is)."""
    if run.message_parts:
        return run.message_parts
    return (Phrase(text=run.message),) if run.message else ()


def _error_parts(error: OrionError) -> tuple[Phrase, ...]:
    """Another service's error as phrases: its template and values when it has them, else its English
    kept as it is."""
    if error.template:
        return (phrase(error.template, **error.params),)
    return (Phrase(text=str(error)),)


def _ended(run: SourceRun, status: RunStatus, *parts: Phrase) -> SourceRun:
    return run.model_copy(update={"status": status, **_message(*parts), "finished_at": _now()})


def _end_unchanged(tenant: Tenant, run: SourceRun, state: dict[str, UrlState] | None = None) -> SourceRun:
    ended = _ended(run, RunStatus.UNCHANGED, phrase(messages.UNCHANGED))
    return _end_run(tenant, ended, success=True, state=state)


def _fail_run(tenant: Tenant, run: SourceRun, *parts: Phrase) -> SourceRun:
    return _end_run(tenant, _ended(run, RunStatus.FAILED, *parts), success=False)


def _end_run(
    tenant: Tenant,
    ended: SourceRun,
    *,
    success: bool = False,
    counted: bool = True,
    state: dict[str, UrlState] | None = None,
) -> SourceRun:
    """Save the ended run and the source's bookkeeping (``counted=False``: a run that neither
    succeeded nor failed the feed, e.g. refused by the plan's limit or skipped while paused)."""
    _repo().save_run(tenant, ended)
    _record_outcome(tenant, ended, success=success, counted=counted, state=state)
    return ended


def _record_outcome(
    tenant: Tenant,
    run: SourceRun,
    *,
    success: bool,
    counted: bool = True,
    state: dict[str, UrlState] | None = None,
) -> None:
    """The source's bookkeeping after a run: one conditional write (last run, last checked, the
    active run released, failures, pause after FAILURES_BEFORE_PAUSE failures in a row with one
    e-mail, resume after a success)."""
    paused_now: list[Source] = []

    def edit(source: Source) -> Source:
        paused_now.clear()
        update: dict[str, object] = {"last_run": run.summary(), "last_checked_at": run.finished_at}
        if source.active_run_id == run.id:
            update["active_run_id"] = None
        if state:
            update["state"] = {**source.state, **state}
        if not counted:
            pass
        elif success:
            update["consecutive_failures"] = 0
            if source.status is SourceStatus.PAUSED and source.paused_reason != messages.PAUSED_BY_STAFF:
                update |= {
                    "status": SourceStatus.ACTIVE,
                    "paused_reason": None,
                    "paused_reason_parts": (),
                    "next_run_at": _next_run(
                        source.schedule,
                        SourceStatus.ACTIVE,
                        _now() + INTERVALS.get(source.schedule, timedelta()),
                    ),
                }
        else:
            failures = source.consecutive_failures + 1
            update["consecutive_failures"] = failures
            if failures >= FAILURES_BEFORE_PAUSE and source.status is SourceStatus.ACTIVE:
                last = _parts_of(run)
                update |= {
                    "status": SourceStatus.PAUSED,
                    **_paused_reason((phrase(messages.PAUSED_AFTER_FAILURES, n=failures), *last)),
                    "next_run_at": None,
                }
                paused_now.append(source)
        return source.model_copy(update=update)

    try:
        changed = _change(tenant, run.source_id, edit)
    except NotFound:
        return  # deleted meanwhile
    if paused_now:
        _mail_paused(tenant, changed)


def _mail_paused(tenant: Tenant, source: Source) -> None:
    store = store_profile(tenant)
    if store is None or not store.contact_email:
        logger.warning("paused source: the store has no contact address", extra={"source_id": source.id})
        return
    enqueue_email(
        tenant,
        to=store.contact_email,
        subject=f'{store.name}: the import source "{source.name}" is paused',
        text=(
            f'Hello,\n\nThe saved import source "{source.name}" of {store.name} failed '
            f"{source.consecutive_failures} times in a row and was paused, so it no longer runs on its "
            f"schedule.\n\n{source.paused_reason}\n\nFix the feed (or its URL), then resume the source in "
            "the store console under Imports > Saved sources (/admin/imports/sources/"
            f"{source.id}), or run it by hand there: a successful run resumes it.\n"
        ),
        kind="import_source_paused",
        data={"source_id": source.id},
    )


# --- the end of a run's jobs --------------------------------------------------------------------------


def job_finished(tenant: Tenant, job: ImportJob) -> None:
    """The hook of an import job's end (Finalize, MarkFailed, a file Prepare rejected, the watchdog):
    when every job of the job's source run has ended, ask the runner to finish the run."""
    if job.source_id is None or job.source_run_id is None or not job.status.is_final:
        return
    repository = _repo()
    ended = repository.job_ended(tenant, job.source_id, job.source_run_id, job.id)
    run = repository.get_run(tenant, job.source_id, job.source_run_id)
    if run is None or run.status is not RunStatus.RUNNING or len(ended) < len(run.languages):
        return
    _send_finish(tenant, job.source_id, run.id)


def finish_run(
    tenant: Tenant, source_id: str, run_id: str, *, on_published: OnPublished | None = None
) -> SourceRun | None:
    """Apply the source's policy once every job of the run has ended (once, whoever asks twice), or
    go on once the language publishing in the background has ended: None while jobs or a publish
    are still under way, or when that step was taken already. Whatever goes wrong ends the run
    FAILED, never leaves it running."""
    repository = _repo()
    imports = runtime.repository(ImportRepository)
    run = repository.get_run(tenant, source_id, run_id)
    if run is None or run.status is not RunStatus.RUNNING:
        return None
    if run.publishing:
        job = imports.get_job(tenant, run.job_ids[run.publishing[0]])
        publish = job.publish if job else None
        if publish is not None and publish.status is PublishStatus.RUNNING:
            return None
        if not repository.claim_finish(tenant, source_id, run_id, run.publish_step):
            return None
        going = run.model_copy(update={"publish_step": run.publish_step + 1})
        return _guarded(tenant, going, lambda: _publish_ended(tenant, going, publish, on_published))
    if len(run.job_ids) < len(run.languages):
        return None
    jobs = [imports.get_job(tenant, job_id) for job_id in run.job_ids.values()]
    if any(job is None or not job.status.is_final for job in jobs):
        return None
    if not repository.claim_finish(tenant, source_id, run_id):
        return None
    taken = run.model_copy(update={"publish_step": 1})
    done = [job for job in jobs if job is not None]
    return _guarded(tenant, taken, lambda: _finish(tenant, taken, done, on_published))


def _guarded(tenant: Tenant, run: SourceRun, step: Callable[[], SourceRun]) -> SourceRun:
    try:
        return step()
    except OrionError as exc:
        parts = (phrase(messages.PUBLISH_NOT_FINISHED), *_error_parts(exc))
    except Exception:
        logger.exception("source run finish failed", extra={"run_id": run.id, "source_id": run.source_id})
        parts = (phrase(messages.PUBLISH_INTERNAL_ERROR),)
    return _fail_run(tenant, _repo().get_run(tenant, run.source_id, run.id) or run, *parts)


def _finish(
    tenant: Tenant, run: SourceRun, jobs: list[ImportJob], on_published: OnPublished | None
) -> SourceRun:
    found = _repo().get(tenant, run.source_id)
    if found is None:
        return _fail_run(tenant, run, phrase(messages.DELETED_WHILE_RUNNING))
    source = found[0]
    failed = next((job for job in jobs if job.status is ImportStatus.FAILED), None)
    if failed is not None:
        language = next((lang for lang, job_id in run.job_ids.items() if job_id == failed.id), "")
        if not failed.message:
            return _fail_run(tenant, run, phrase(messages.IMPORT_FAILED_SILENTLY, language=language))
        said = Phrase(text=failed.message)  # the import job's own message, as its page shows it
        return _fail_run(tenant, run, phrase(messages.IMPORT_FAILED, language=language), said)
    imports = runtime.repository(ImportRepository)
    if run.held:
        for job in jobs:
            imports.note_job(tenant, job.id, f"{job.message or ''} Held: {run.message}".strip())
        return _end_run(
            tenant, _ended(run, RunStatus.HELD, *_parts_of(run)), success=True, state=dict(run.fetched)
        )
    if source.publish is PublishPolicy.NONE:
        staged = sum(job.counts.accepted for job in jobs)
        said = messages.counted(staged, messages.STAGED_ONE, messages.STAGED)
        return _complete(tenant, source, run, RunStatus.STAGED, said)
    if source.publish is PublishPolicy.NEW:
        # Decided once, before any job publishes: every language's job then publishes exactly these
        # (so the second language's translation is not skipped as "not new").
        ImportFiles().put_source_ids(
            _ids_key(source, f"runs/{run.id}/publish"), sorted(_publishable_ids(tenant, source, run))
        )
    store = store_profile(tenant)
    first = store.default_language if store else "en"
    order = sorted(run.job_ids, key=lambda language: (language != first, LANGUAGES.index(language)))
    return _publish_next(tenant, source, run.model_copy(update={"publishing": tuple(order)}), on_published)


def _publish_ended(
    tenant: Tenant, run: SourceRun, publish: PublishState | None, on_published: OnPublished | None
) -> SourceRun:
    language = run.publishing[0]
    if publish is None or publish.status is PublishStatus.FAILED:
        return _fail_run(tenant, run, phrase(messages.LANGUAGE_PUBLISH_FAILED, language=language))
    run = run.model_copy(
        update={
            "published": run.published + publish.published,
            "publish_failures": run.publish_failures + publish.failed,
            "publishing": run.publishing[1:],
        }
    )
    found = _repo().get(tenant, run.source_id)
    if found is None:
        return _fail_run(tenant, run, phrase(messages.DELETED_WHILE_RUNNING))
    return _publish_next(tenant, found[0], run, on_published)


def _publish_next(
    tenant: Tenant, source: Source, run: SourceRun, on_published: OnPublished | None
) -> SourceRun:
    """Publish the run's languages one after another; a language published in the background ends
    this step (its end queues the run's next one), the last one completes the run."""
    request: PublishRequest = PublishRequest(all=True)
    if source.publish is PublishPolicy.NEW:
        listed = ImportFiles().source_ids(_ids_key(source, f"runs/{run.id}/publish"))
        request = ListedPublishRequest(all=True, listed=frozenset(listed))
    while run.publishing:
        language = run.publishing[0]
        outcome = request_publish(tenant, run.job_ids[language], request, on_published=on_published)
        if not isinstance(outcome, PublishResult):
            waiting = run.model_copy(
                update=_message(phrase(messages.PUBLISHING_IN_BACKGROUND, language=language))
            )
            _repo().save_run(tenant, waiting)
            return waiting
        run = run.model_copy(
            update={
                "published": run.published + len(outcome.created) + len(outcome.updated),
                "publish_failures": run.publish_failures + len(outcome.failed),
                "publishing": run.publishing[1:],
            }
        )
    one, many = (
        (messages.PUBLISHED_NEW_ONE, messages.PUBLISHED_NEW)
        if source.publish is PublishPolicy.NEW
        else (messages.PUBLISHED_ONE, messages.PUBLISHED)
    )
    said = [messages.counted(run.published, one, many)]
    if run.publish_failures:
        failed = run.publish_failures
        said.append(messages.counted(failed, messages.NOT_PUBLISHED_ONE, messages.NOT_PUBLISHED))
    return _complete(tenant, source, run, RunStatus.PUBLISHED, *said)


def _complete(tenant: Tenant, source: Source, run: SourceRun, status: RunStatus, *said: Phrase) -> SourceRun:
    """End a run that imported (and published): archive under ``missing: archive`` (a clean run
    only), keep its ids, and take its feeds as the guards' baseline."""
    archiving = source.missing is MissingPolicy.ARCHIVE and not run.unreadable_rows
    archived = _archive_missing(tenant, source, run) if archiving else 0
    if not archiving:
        _remember_ids(source, run, present=_run_ids(source, run), known=None)
    if archived:
        said += (messages.counted(archived, messages.ARCHIVED_ONE, messages.ARCHIVED),)
    if source.missing is MissingPolicy.ARCHIVE and run.unreadable_rows:
        rows = run.unreadable_rows
        said += (messages.counted(rows, messages.UNREADABLE_ROW, messages.UNREADABLE_ROWS),)
    baseline = {
        lang: s.model_copy(update={"profile": s.held_profile or s.profile, "held_profile": None})
        for lang, s in run.fetched.items()
    }
    ended = _ended(run, status, *said).model_copy(update={"archived": archived})
    return _end_run(tenant, ended, success=True, state=baseline)


def publish_ended(tenant: Tenant, job_id: str) -> None:
    """The hook of a background publish's end (its task, or its Catch): a saved source's run whose
    language was publishing goes on with the next one (or ends)."""
    job = runtime.repository(ImportRepository).get_job(tenant, job_id)
    if job is None or job.source_id is None or job.source_run_id is None:
        return
    run = _repo().get_run(tenant, job.source_id, job.source_run_id)
    if run is None or run.status is not RunStatus.RUNNING or not run.publishing:
        return
    _send_finish(tenant, job.source_id, run.id)


def _send_finish(tenant: Tenant, source_id: str, run_id: str) -> None:
    message = SourceMessage(
        type="finish",
        platform=tenant.platform,
        store=tenant.require_store(),
        source_id=source_id,
        run_id=run_id,
    )
    runtime.repository(SourceQueue).send(message)


def _run_ids(source: Source, run: SourceRun) -> set[str]:
    """The external ids of every language's feed as it is now: this run's for the languages that
    changed, the last ones kept for the others."""
    files = ImportFiles()
    present: set[str] = set()
    for language in source.urls:
        if language in run.languages:
            present.update(files.source_ids(_ids_key(source, f"runs/{run.id}/{language}")))
        else:
            present.update(files.source_ids(_ids_key(source, f"present-{language}")))
    return present


def _remember_ids(source: Source, run: SourceRun, *, present: set[str], known: set[str] | None) -> None:
    """Keep each changed language's ids as the language's present ones, and the ids the source has
    listed (``known``): grown by a run that does not archive, narrowed to what is present (given as
    ``known=None``) once archiving is done, so a run that stopped half-way archives again."""
    files = ImportFiles()
    for language in run.languages:
        files.put_source_ids(
            _ids_key(source, f"present-{language}"),
            files.source_ids(_ids_key(source, f"runs/{run.id}/{language}")),
        )
    if known is None:
        known = set(files.source_ids(_ids_key(source, "known"))) | present
    files.put_source_ids(_ids_key(source, "known"), sorted(known))


def _archive_missing(tenant: Tenant, source: Source, run: SourceRun) -> int:
    """Archive the store's products this source brought whose external id no feed of the run lists
    (a row that failed validation still counts as present); another source's products are never
    touched (the product's ``source_id``). The ids are kept only once archiving is done."""
    present = _run_ids(source, run)
    known = set(ImportFiles().source_ids(_ids_key(source, "known")))
    archived = 0
    for external_id in sorted(known - present):
        product = get_product_by_external_id(tenant, external_id)
        if product is None or product.source_id != source.id or product.status is ProductStatus.ARCHIVED:
            continue
        archive_gone_from_feed(tenant, product.id)
        archived += 1
    _remember_ids(source, run, present=present, known=present)
    return archived


def _publishable_ids(tenant: Tenant, source: Source, run: SourceRun) -> set[str]:
    """The ids a ``new`` run publishes: those the store has no product for, and this source's products
    its feed archived (``missing: archive``) that the feed lists again."""
    files = ImportFiles()
    listed: set[str] = set()
    for language in run.languages:
        listed.update(files.source_ids(_ids_key(source, f"runs/{run.id}/{language}")))
    found = feed_products(tenant, sorted(listed))  # a few BatchGetItems, not two reads per id
    return {
        external_id
        for external_id in listed
        if (product := found.get(external_id)) is None
        or (product.source_id == source.id and product.feed_status == ProductStatus.ARCHIVED.value)
    }


def job_id_finished(tenant: Tenant, job_id: str) -> None:
    """:func:`job_finished` for a job known by its id (MarkFailed, a file Prepare rejected)."""
    job = runtime.repository(ImportRepository).get_job(tenant, job_id)
    if job is not None:
        job_finished(tenant, job)


def fail_stuck_runs(tenant: Tenant, now: datetime) -> int:
    """Part of the imports watchdog (every 15 minutes): end the platform's runs still queued or
    running past their deadline (RUN_DEADLINE after their last step) FAILED, counted as a failure,
    so a run never stays open for good (a crashed worker, a message in the dead-letter queue). One
    bounded Query on the sparse open-runs index; how many were ended."""
    repository = _repo()
    ended = 0
    for store, source_id, run_id in repository.overdue_runs(tenant.platform, now, DUE_BATCH):
        run = repository.get_run(store, source_id, run_id)  # the index may lag behind the run
        if run is None or run.status.is_final or not repository.run_overdue(store, source_id, run_id, now):
            continue
        hours = int(RUN_DEADLINE.total_seconds() // 3600)
        _fail_run(store, run, phrase(messages.NO_PROGRESS, hours=hours))
        logger.warning("source run ended by the watchdog", extra={"run_id": run_id, "source_id": source_id})
        ended += 1
    return ended
