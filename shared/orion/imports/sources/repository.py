"""The table layout of saved sources: a store's sources in one partition (``SOURCE#<id>``), each
source's runs in its own (``RUN#<run id>``), and scheduled sources in a sparse per-platform GSI2
partition sorted by their next run (the scheduled task's one bounded Query)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DeleteError, PutError

from orion.data import keys
from orion.data.conditions import condition_failed, update_if
from orion.data.table import Gsi2, TableItem, get_or_none
from orion.imports.sources.models import RUN_DEADLINE, RunStatus, Source, SourceRun, SourceStatus
from orion.tenant import Tenant

# Run items expire (DynamoDB TTL) this long after the run was queued; the console lists recent runs.
RUN_KEPT = timedelta(days=90)


class ImportSourceItem(TableItem, discriminator="ImportSource"):
    id = UnicodeAttribute()
    store = UnicodeAttribute()
    data = UnicodeAttribute()  # the Source as JSON
    version = NumberAttribute(default=0)

    def to_model(self) -> Source:
        return Source.model_validate_json(self.data)


class ImportSourceRunItem(TableItem, discriminator="ImportSourceRun"):
    id = UnicodeAttribute()
    status = UnicodeAttribute()
    data = UnicodeAttribute()  # the SourceRun as JSON
    claimed_at = UnicodeAttribute(null=True)
    ended_jobs = UnicodeSetAttribute(null=True)  # import jobs of the run that have ended
    finished = NumberAttribute(default=0)  # 1 once one worker took the run's finish
    jobs = NumberAttribute(null=True)  # set once the run has started its import jobs

    def to_model(self) -> SourceRun:
        return SourceRun.model_validate_json(self.data)


def _due_sk(source: Source) -> str | None:
    if source.next_run_at is None or source.status is SourceStatus.PAUSED:
        return None
    return f"{keys.sortable_time(source.next_run_at)}#{source.store}#{source.id}"


def _open_keys(tenant: Tenant, run: SourceRun) -> tuple[str, str] | tuple[None, None]:
    """The run's place in the sparse open-runs partition (none once it has ended)."""
    if run.status.is_final:
        return None, None
    deadline = keys.sortable_time(datetime.now(UTC) + RUN_DEADLINE)
    return (
        keys.open_import_source_runs_gsi2pk(tenant.platform),
        f"{deadline}#{tenant.require_store()}#{run.source_id}#{run.id}",
    )


class SourceRepository:
    """Reads and writes sources and runs; every call names its tenant."""

    # --- sources ---

    def _item(self, tenant: Tenant, source_id: str) -> ImportSourceItem | None:
        return get_or_none(
            ImportSourceItem,
            keys.import_sources_pk(tenant.platform, tenant.require_store()),
            keys.IMPORT_SOURCE_SK_PREFIX + source_id,
            consistent_read=True,
        )

    def get(self, tenant: Tenant, source_id: str) -> tuple[Source, int] | None:
        """The source and its version (what :meth:`save` expects)."""
        item = self._item(tenant, source_id)
        return (item.to_model(), int(item.version)) if item else None

    def list_sources(self, tenant: Tenant, limit: int = 100) -> list[Source]:
        query = ImportSourceItem.query(
            keys.import_sources_pk(tenant.platform, tenant.require_store()),
            ImportSourceItem.sk.startswith(keys.IMPORT_SOURCE_SK_PREFIX),
            limit=limit,
            consistent_read=True,
        )
        return [item.to_model() for item in query if isinstance(item, ImportSourceItem)]

    def save(self, tenant: Tenant, source: Source, version: int | None) -> bool:
        """Write the source (one PutItem) if it is still at ``version`` (None: a new one); False when
        another write came first."""
        store = tenant.require_store()
        due = _due_sk(source)
        item = ImportSourceItem(
            keys.import_sources_pk(tenant.platform, store),
            keys.IMPORT_SOURCE_SK_PREFIX + source.id,
            gsi2pk=keys.due_import_sources_gsi2pk(tenant.platform) if due else None,
            gsi2sk=due,
            id=source.id,
            store=store,
            data=source.model_dump_json(),
            version=(version or 0) + 1,
        )
        condition = (
            ImportSourceItem.pk.does_not_exist() if version is None else ImportSourceItem.version == version
        )
        try:
            item.save(condition=condition)
        except PutError as exc:
            if condition_failed(exc):
                return False
            raise
        return True

    def delete(self, tenant: Tenant, source_id: str) -> bool:
        item = self._item(tenant, source_id)
        if item is None:
            return False
        try:
            item.delete(condition=ImportSourceItem.pk.exists())
        except DeleteError as exc:
            if condition_failed(exc):
                return False
            raise
        return True

    def due(self, platform: str, now: datetime, limit: int) -> list[Source]:
        """Scheduled sources of the platform whose next run is at or before ``now``, the most overdue
        first: one Query on the sparse due partition (index data: re-read a source before acting)."""
        query = ImportSourceItem.gsi2.query(
            keys.due_import_sources_gsi2pk(platform),
            Gsi2.gsi2sk <= f"{keys.sortable_time(now)}#~",
            limit=limit,
            page_size=limit,
        )
        return [item.to_model() for item in query if isinstance(item, ImportSourceItem)]

    # --- runs ---

    def _run_item(self, tenant: Tenant, source_id: str, run_id: str) -> ImportSourceRunItem | None:
        return get_or_none(
            ImportSourceRunItem,
            keys.import_source_runs_pk(tenant.platform, tenant.require_store(), source_id),
            keys.IMPORT_SOURCE_RUN_SK_PREFIX + run_id,
            consistent_read=True,
        )

    def create_run(self, tenant: Tenant, run: SourceRun) -> None:
        gsi2pk, gsi2sk = _open_keys(tenant, run)
        ImportSourceRunItem(
            keys.import_source_runs_pk(tenant.platform, tenant.require_store(), run.source_id),
            keys.IMPORT_SOURCE_RUN_SK_PREFIX + run.id,
            gsi2pk=gsi2pk,
            gsi2sk=gsi2sk,
            id=run.id,
            status=run.status.value,
            data=run.model_dump_json(),
            ttl=run.created_at + RUN_KEPT,
        ).save(condition=ImportSourceRunItem.pk.does_not_exist())

    def delete_run(self, tenant: Tenant, source_id: str, run_id: str) -> None:
        item = self._run_item(tenant, source_id, run_id)
        if item is not None:
            item.delete()

    def overdue_runs(self, platform: str, now: datetime, limit: int) -> list[tuple[Tenant, str, str]]:
        """Queued or running runs of the platform past their deadline (tenant, source id, run id): one
        bounded Query on the sparse open-runs partition (index data: re-read each run)."""
        query = ImportSourceRunItem.gsi2.query(
            keys.open_import_source_runs_gsi2pk(platform),
            Gsi2.gsi2sk <= f"{keys.sortable_time(now)}#~",
            limit=limit,
            page_size=limit,
        )
        found = []
        for item in query:
            _, store, source_id, run_id = str(item.gsi2sk).split("#")
            found.append((Tenant(platform, store), source_id, run_id))
        return found

    def run_overdue(self, tenant: Tenant, source_id: str, run_id: str, now: datetime) -> bool:
        """Whether the run is gone, ended, or open past its deadline (nothing waits for it any more)."""
        item = self._run_item(tenant, source_id, run_id)
        if item is None or item.gsi2sk is None:
            return True
        return str(item.gsi2sk) <= f"{keys.sortable_time(now)}#~"

    def get_run(self, tenant: Tenant, source_id: str, run_id: str) -> SourceRun | None:
        item = self._run_item(tenant, source_id, run_id)
        return item.to_model() if item else None

    def list_runs(self, tenant: Tenant, source_id: str, limit: int = 50) -> list[SourceRun]:
        query = ImportSourceRunItem.query(
            keys.import_source_runs_pk(tenant.platform, tenant.require_store(), source_id),
            ImportSourceRunItem.sk.startswith(keys.IMPORT_SOURCE_RUN_SK_PREFIX),
            scan_index_forward=False,
            limit=limit,
        )
        return [item.to_model() for item in query if isinstance(item, ImportSourceRunItem)]

    def claim_run(self, tenant: Tenant, run: SourceRun, *, stale_before: str) -> bool:
        """Take a queued run (or one whose worker vanished: claimed before ``stale_before``) for this
        worker; False for a duplicate message of a run another worker has or had."""
        item = self._run_item(tenant, run.source_id, run.id)
        if item is None:
            return False
        condition = (ImportSourceRunItem.status == RunStatus.QUEUED.value) | (
            (ImportSourceRunItem.status == RunStatus.RUNNING.value)
            & (ImportSourceRunItem.claimed_at < stale_before)
            & ImportSourceRunItem.jobs.does_not_exist()
        )
        gsi2pk, gsi2sk = _open_keys(tenant, run)
        assert gsi2pk is not None  # a claimed run is running: it has its place
        assert gsi2sk is not None
        return update_if(
            item,
            actions=[
                ImportSourceRunItem.status.set(RunStatus.RUNNING.value),
                ImportSourceRunItem.data.set(run.model_dump_json()),
                ImportSourceRunItem.claimed_at.set(run.started_at.isoformat() if run.started_at else ""),
                ImportSourceRunItem.gsi2pk.set(gsi2pk),
                ImportSourceRunItem.gsi2sk.set(gsi2sk),
            ],
            condition=condition,
        )

    def save_run(self, tenant: Tenant, run: SourceRun) -> None:
        item = self._run_item(tenant, run.source_id, run.id)
        if item is None:
            return
        actions: list[Any] = [
            ImportSourceRunItem.status.set(run.status.value),
            ImportSourceRunItem.data.set(run.model_dump_json()),
        ]
        gsi2pk, gsi2sk = _open_keys(tenant, run)
        if gsi2pk is None or gsi2sk is None:
            actions += [ImportSourceRunItem.gsi2pk.remove(), ImportSourceRunItem.gsi2sk.remove()]
        else:
            actions += [ImportSourceRunItem.gsi2pk.set(gsi2pk), ImportSourceRunItem.gsi2sk.set(gsi2sk)]
        if run.languages:
            actions.append(ImportSourceRunItem.jobs.set(len(run.languages)))
        item.update(actions=actions)

    def job_ended(self, tenant: Tenant, source_id: str, run_id: str, job_id: str) -> set[str]:
        """Record that a job of the run ended (a set: a repeated call counts once); the jobs ended so far."""
        item = self._run_item(tenant, source_id, run_id)
        if item is None:
            return set()
        item.update(actions=[ImportSourceRunItem.ended_jobs.add({job_id})])
        return set(item.ended_jobs or ())

    def claim_finish(self, tenant: Tenant, source_id: str, run_id: str, step: int = 0) -> bool:
        """Take a step of the run's finish once, whoever asks twice: step 0 applies its policy, each
        later one goes on after a language's background publish ended."""
        item = self._run_item(tenant, source_id, run_id)
        if item is None:
            return False
        return update_if(
            item,
            actions=[ImportSourceRunItem.finished.set(step + 1)],
            condition=(ImportSourceRunItem.finished == step)
            & (ImportSourceRunItem.status == RunStatus.RUNNING.value),
        )
