"""The table layout of imports: jobs, per-chunk results and staged rows (one partition per job)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.condition import Condition

from orion.data import keys
from orion.data.batch import BatchWriter, BatchWriteStats
from orion.data.conditions import update_if
from orion.data.cursors import IndexKey, start_key
from orion.data.table import Gsi1, Gsi2, TableItem, get_or_none
from orion.imports.models import (
    ImportCounts,
    ImportFormat,
    ImportJob,
    ImportProgress,
    ImportStatus,
    JobPosition,
    PublishState,
    PublishStatus,
    StagedProduct,
    StagedStatus,
)
from orion.settings import get_settings
from orion.tenant import Tenant


class ImportJobItem(TableItem, discriminator="ImportJob"):
    id = UnicodeAttribute()
    platform = UnicodeAttribute()
    store = UnicodeAttribute()
    file_name = UnicodeAttribute()
    upload_key = UnicodeAttribute()
    declared_format = UnicodeAttribute()
    detected_format = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    message = UnicodeAttribute(null=True)
    execution = UnicodeAttribute(null=True)
    rows = NumberAttribute(default=0)
    accepted = NumberAttribute(default=0)
    rejected = NumberAttribute(default=0)
    duplicates = NumberAttribute(default=0)
    prepare_rejected = NumberAttribute(default=0)
    chunks_total = NumberAttribute(default=0)
    chunks_done = NumberSetAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)
    report_key = UnicodeAttribute(null=True)
    # The latest publish (PublishState as JSON) and the parts of it that conditions test.
    publish = UnicodeAttribute(null=True)
    publish_id = UnicodeAttribute(null=True)
    publish_status = UnicodeAttribute(null=True)
    publish_cursor = UnicodeAttribute(null=True)
    publish_lease_until = UTCDateTimeAttribute(null=True)
    source_id = UnicodeAttribute(null=True)
    source_run_id = UnicodeAttribute(null=True)
    rerun_as = UnicodeAttribute(null=True)

    def to_model(self) -> ImportJob:
        return ImportJob(
            id=self.id,
            platform=self.platform,
            store=self.store,
            file_name=self.file_name,
            upload_key=self.upload_key,
            declared_format=ImportFormat(self.declared_format),
            detected_format=ImportFormat(self.detected_format) if self.detected_format else None,
            language=self.language,
            status=ImportStatus(self.status),
            message=self.message,
            counts=ImportCounts(
                rows=int(self.rows),
                accepted=int(self.accepted),
                rejected=int(self.rejected),
                duplicates=int(self.duplicates),
            ),
            progress=ImportProgress(
                chunks_total=int(self.chunks_total), chunks_done=len(self.chunks_done or ())
            ),
            created_by=self.created_by,
            created_at=self.created_at,
            updated_at=self.updated_at,
            finished_at=self.finished_at,
            report_key=self.report_key,
            publish=PublishState.model_validate_json(self.publish) if self.publish else None,
            source_id=self.source_id,
            source_run_id=self.source_run_id,
            rerun_as=self.rerun_as,
        )


class ChunkResultItem(TableItem, discriminator="ImportChunk"):
    index = NumberAttribute()
    accepted = NumberAttribute()
    rejected = NumberAttribute()


class StagedRowItem(TableItem, discriminator="ImportRow"):
    job_id = UnicodeAttribute()
    external_id = UnicodeAttribute()
    language = UnicodeAttribute()
    status = UnicodeAttribute()
    data = JSONAttribute()

    def to_model(self) -> StagedProduct:
        return StagedProduct.model_validate({**self.data, "status": self.status})


class ImportRepository:
    """Reads and writes import items; every call names its tenant."""

    # --- jobs ---

    def create_job(self, tenant: Tenant, job: ImportJob) -> None:
        """A new job, in the store's listing and, until it finishes, in the platform's open jobs with
        the watchdog's deadline for its upload."""
        store = tenant.require_store()
        deadline = job.created_at + timedelta(seconds=get_settings().import_pending_timeout_seconds)
        ImportJobItem(
            keys.import_job_pk(tenant.platform, store, job.id),
            keys.IMPORT_JOB_SK,
            gsi1pk=keys.import_jobs_gsi1pk(tenant.platform, store),
            gsi1sk=f"{job.created_at.isoformat()}#{job.id}",
            gsi2pk=keys.open_imports_gsi2pk(tenant.platform),
            gsi2sk=_deadline_sk(store, job.id, deadline),
            id=job.id,
            platform=tenant.platform,
            store=store,
            file_name=job.file_name,
            upload_key=job.upload_key,
            declared_format=job.declared_format.value,
            language=job.language,
            status=job.status.value,
            created_by=job.created_by,
            created_at=job.created_at,
            updated_at=job.updated_at,
            source_id=job.source_id,
            source_run_id=job.source_run_id,
        ).save(condition=ImportJobItem.pk.does_not_exist())

    def claim_rerun(self, tenant: Tenant, job_id: str, new_job_id: str) -> bool:
        """Record that ``new_job_id`` runs the job's file again, unless a re-run was recorded already
        (``False`` then): one re-run per job, whoever asks twice."""
        item = ImportJobItem(
            keys.import_job_pk(tenant.platform, tenant.require_store(), job_id), keys.IMPORT_JOB_SK
        )
        return update_if(
            item,
            actions=[ImportJobItem.rerun_as.set(new_job_id)],
            condition=ImportJobItem.pk.exists() & ImportJobItem.rerun_as.does_not_exist(),
        )

    def release_rerun(self, tenant: Tenant, job_id: str, new_job_id: str) -> None:
        """Forget a re-run that could not start (only the one this caller recorded)."""
        item = ImportJobItem(
            keys.import_job_pk(tenant.platform, tenant.require_store(), job_id), keys.IMPORT_JOB_SK
        )
        update_if(
            item, actions=[ImportJobItem.rerun_as.remove()], condition=ImportJobItem.rerun_as == new_job_id
        )

    def _job_item(self, tenant: Tenant, job_id: str, *, consistent: bool = True) -> ImportJobItem | None:
        return get_or_none(
            ImportJobItem,
            keys.import_job_pk(tenant.platform, tenant.require_store(), job_id),
            keys.IMPORT_JOB_SK,
            consistent_read=consistent,
        )

    def get_job(self, tenant: Tenant, job_id: str) -> ImportJob | None:
        item = self._job_item(tenant, job_id)
        return item.to_model() if item else None

    def list_jobs(self, tenant: Tenant, limit: int = 50) -> list[ImportJob]:
        """The store's jobs, newest first (one Query on GSI1)."""
        query = ImportJobItem.gsi1.query(
            keys.import_jobs_gsi1pk(tenant.platform, tenant.require_store()),
            scan_index_forward=False,
            limit=limit,
        )
        return [item.to_model() for item in query if isinstance(item, ImportJobItem)]

    def claim_job(self, tenant: Tenant, job_id: str, execution: str) -> bool:
        """PENDING -> RUNNING for this execution; ``False`` if another execution owns the job already
        (a duplicate S3 event) or it has finished. The same execution may claim again (task retry)."""
        item = self._job_item(tenant, job_id)
        if item is None:
            return False
        condition: Condition = (ImportJobItem.status == ImportStatus.PENDING.value) | (
            (ImportJobItem.execution == execution) & (ImportJobItem.status == ImportStatus.RUNNING.value)
        )
        now = _now()
        stalled_at = now + timedelta(seconds=get_settings().import_stall_timeout_seconds)
        return update_if(
            item,
            actions=[
                ImportJobItem.status.set(ImportStatus.RUNNING.value),
                ImportJobItem.execution.set(execution),
                ImportJobItem.updated_at.set(now),
                ImportJobItem.gsi2sk.set(_deadline_sk(item.store, job_id, stalled_at)),
            ],
            condition=condition,
        )

    def record_prepared(
        self,
        tenant: Tenant,
        job_id: str,
        *,
        detected_format: ImportFormat,
        language: str,
        rows: int,
        prepare_rejected: int,
        duplicates: int,
        chunks_total: int,
    ) -> None:
        item = self._require(tenant, job_id)
        item.update(
            actions=[
                ImportJobItem.detected_format.set(detected_format.value),
                ImportJobItem.language.set(language),
                ImportJobItem.rows.set(rows),
                ImportJobItem.prepare_rejected.set(prepare_rejected),
                ImportJobItem.duplicates.set(duplicates),
                ImportJobItem.chunks_total.set(chunks_total),
                ImportJobItem.updated_at.set(_now()),
            ]
        )

    def prepare_rejected(self, tenant: Tenant, job_id: str) -> int:
        return int(self._require(tenant, job_id).prepare_rejected)

    def finish_job(
        self,
        tenant: Tenant,
        job_id: str,
        status: ImportStatus,
        message: str,
        *,
        counts: ImportCounts | None = None,
        report_key: str | None = None,
    ) -> bool:
        """Set a final status unless the job already has one (``False`` then): the first word stands."""
        item = self._job_item(tenant, job_id)
        if item is None:
            return False
        now = _now()
        actions: list[Any] = [
            ImportJobItem.status.set(status.value),
            ImportJobItem.message.set(message),
            ImportJobItem.updated_at.set(now),
            ImportJobItem.finished_at.set(now),
            # out of the watchdog's open jobs, into the platform's jobs that ended so (newest first)
            ImportJobItem.gsi2pk.set(keys.finished_imports_gsi2pk(tenant.platform, status.value)),
            ImportJobItem.gsi2sk.set(_created_sk(item.store, job_id, item.created_at)),
        ]
        if counts is not None:
            actions += [
                ImportJobItem.rows.set(counts.rows),
                ImportJobItem.accepted.set(counts.accepted),
                ImportJobItem.rejected.set(counts.rejected),
                ImportJobItem.duplicates.set(counts.duplicates),
            ]
        if report_key is not None:
            actions.append(ImportJobItem.report_key.set(report_key))
        not_final = ImportJobItem.status.is_in(ImportStatus.PENDING.value, ImportStatus.RUNNING.value)
        return update_if(item, actions=actions, condition=not_final)

    def note_job(self, tenant: Tenant, job_id: str, message: str) -> None:
        """Replace a finished job's message (a saved source's run says why it was held)."""
        item = self._job_item(tenant, job_id)
        if item is not None:
            item.update(actions=[ImportJobItem.message.set(message[:2000])])

    def overdue_jobs(self, platform: str, now: datetime, limit: int) -> list[ImportJob]:
        """Unfinished jobs of the platform's stores whose watchdog deadline has passed, oldest first:
        one Query on the sparse open-jobs partition (index data: re-read a job before acting)."""
        query = ImportJobItem.gsi2.query(
            keys.open_imports_gsi2pk(platform),
            Gsi2.gsi2sk <= f"{keys.sortable_time(now)}#~",
            limit=limit,
            page_size=limit,
        )
        return [item.to_model() for item in query if isinstance(item, ImportJobItem)]

    def open_jobs(self, platform: str, limit: int) -> list[ImportJob]:
        """Unfinished jobs of the platform's stores, the nearest watchdog deadline first: one Query on
        the sparse open-jobs partition (index data)."""
        query = ImportJobItem.gsi2.query(keys.open_imports_gsi2pk(platform), limit=limit, page_size=limit)
        return [item.to_model() for item in query if isinstance(item, ImportJobItem)]

    def open_jobs_page(self, platform: str, limit: int) -> list[ImportJob]:
        """Up to ``limit`` unfinished jobs of the platform's stores (the sparse open-jobs partition,
        which the watchdog keeps small), read in pages of 100."""
        query = ImportJobItem.gsi2.query(keys.open_imports_gsi2pk(platform), limit=limit, page_size=100)
        return [item.to_model() for item in query if isinstance(item, ImportJobItem)]

    def finished_jobs(
        self,
        platform: str,
        status: ImportStatus,
        *,
        store: str | None,
        created_before: datetime | None,
        limit: int,
        after: JobPosition | None = None,
    ) -> list[ImportJob]:
        """Up to ``limit`` jobs that ended with ``status``, newest first, created before
        ``created_before``, after the job ``after`` (the last of the previous page): across the
        platform's stores (one Query on the status's GSI2 partition) or of one ``store`` (one Query on
        its GSI1 listing, filtered by status)."""
        if store is None:
            index_pk = keys.finished_imports_gsi2pk(platform, status.value)
            condition = Gsi2.gsi2sk < keys.sortable_time(created_before) if created_before else None
            last = (
                start_key(
                    keys.import_job_pk(platform, after.store, after.id),
                    keys.IMPORT_JOB_SK,
                    IndexKey("GSI2", index_pk, _created_sk(after.store, after.id, after.created_at)),
                )
                if after
                else None
            )
            query = ImportJobItem.gsi2.query(
                index_pk,
                condition,
                scan_index_forward=False,
                limit=limit,
                page_size=limit,
                last_evaluated_key=last,
            )
        else:
            index_pk = keys.import_jobs_gsi1pk(platform, store)
            before = Gsi1.gsi1sk < created_before.isoformat() if created_before else None
            last = (
                start_key(
                    keys.import_job_pk(platform, store, after.id),
                    keys.IMPORT_JOB_SK,
                    IndexKey("GSI1", index_pk, f"{after.created_at.isoformat()}#{after.id}"),
                )
                if after
                else None
            )
            query = ImportJobItem.gsi1.query(
                index_pk,
                before,
                filter_condition=ImportJobItem.status == status.value,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=last,
            )
        return [item.to_model() for item in query if isinstance(item, ImportJobItem)]

    def postpone_deadline(self, tenant: Tenant, job_id: str, deadline: datetime) -> None:
        """Move an unfinished job's watchdog deadline (a job that made progress since it was set)."""
        store = tenant.require_store()
        update_if(
            ImportJobItem(keys.import_job_pk(tenant.platform, store, job_id), keys.IMPORT_JOB_SK),
            actions=[ImportJobItem.gsi2sk.set(_deadline_sk(store, job_id, deadline))],
            condition=ImportJobItem.status.is_in(ImportStatus.PENDING.value, ImportStatus.RUNNING.value)
            & ImportJobItem.gsi2pk.exists(),
        )

    def _require(self, tenant: Tenant, job_id: str) -> ImportJobItem:
        item = self._job_item(tenant, job_id)
        if item is None:
            raise LookupError(f"import job {job_id} of {tenant} does not exist")
        return item

    # --- chunks ---

    def record_chunk(self, tenant: Tenant, job_id: str, index: int, accepted: int, rejected: int) -> None:
        """Store a chunk's result (overwriting a retry's) and mark it done on the job (a set: idempotent)."""
        store = tenant.require_store()
        pk = keys.import_job_pk(tenant.platform, store, job_id)
        ChunkResultItem(
            pk, keys.import_chunk_sk(index), index=index, accepted=accepted, rejected=rejected
        ).save()
        ImportJobItem(pk, keys.IMPORT_JOB_SK).update(
            actions=[ImportJobItem.chunks_done.add({index}), ImportJobItem.updated_at.set(_now())],
            condition=ImportJobItem.pk.exists(),
        )

    def chunk_results(self, tenant: Tenant, job_id: str) -> list[tuple[int, int, int]]:
        """``(index, accepted, rejected)`` of every processed chunk."""
        pk = keys.import_job_pk(tenant.platform, tenant.require_store(), job_id)
        query = ChunkResultItem.query(
            pk, ChunkResultItem.sk.startswith(keys.IMPORT_CHUNK_PREFIX), consistent_read=True
        )
        return [
            (int(item.index), int(item.accepted), int(item.rejected))
            for item in query
            if isinstance(item, ChunkResultItem)
        ]

    # --- staged rows ---

    def put_staged(
        self, tenant: Tenant, products: Iterable[dict[str, Any]], writer: BatchWriter
    ) -> BatchWriteStats:
        """Write staged rows in batches of 25; the same (job, language, id) overwrites, never duplicates."""
        store = tenant.require_store()
        expires = datetime.now(UTC) + timedelta(days=get_settings().import_staging_ttl_days)

        def wire_items() -> Iterator[dict[str, dict[str, object]]]:
            for product in products:
                item = StagedRowItem(
                    keys.import_job_pk(tenant.platform, store, product["job_id"]),
                    keys.staged_row_sk(product["language"], product["external_id"]),
                    job_id=product["job_id"],
                    external_id=product["external_id"],
                    language=product["language"],
                    status=product["status"],
                    data={k: v for k, v in product.items() if k != "status"},
                    ttl=expires,
                )
                yield item.serialize()

        return writer.put_all(wire_items())

    def staged_rows(
        self, tenant: Tenant, job_id: str, *, status: StagedStatus | None = None
    ) -> Iterator[StagedProduct]:
        """Every staged row of a job (publish reads them all)."""
        rows, _ = self.staged_page(tenant, job_id, status=status, limit=None)
        yield from rows

    def staged_page(
        self,
        tenant: Tenant,
        job_id: str,
        *,
        status: StagedStatus | None = None,
        limit: int | None = 100,
        after: str | None = None,
    ) -> tuple[list[StagedProduct], str | None]:
        """A page of staged rows in (language, external id) order, and the sort key to continue after."""
        pk = keys.import_job_pk(tenant.platform, tenant.require_store(), job_id)
        last_key = start_key(pk, after) if after else None
        query = StagedRowItem.query(
            pk,
            StagedRowItem.sk.startswith(keys.STAGED_ROW_PREFIX),
            filter_condition=(StagedRowItem.status == status.value) if status else None,
            limit=limit,
            last_evaluated_key=last_key,
        )
        rows = [item.to_model() for item in query if isinstance(item, StagedRowItem)]
        next_key = query.last_evaluated_key
        return rows, (str(next_key["SK"]["S"]) if next_key and limit else None)

    def staged_after(
        self, tenant: Tenant, job_id: str, language: str, after: str, limit: int
    ) -> list[StagedProduct]:
        """Up to ``limit`` staged rows of one language whose external id sorts after ``after``."""
        pk = keys.import_job_pk(tenant.platform, tenant.require_store(), job_id)
        prefix = keys.staged_rows_prefix(language)
        start = start_key(pk, keys.staged_row_sk(language, after)) if after else None
        query = StagedRowItem.query(
            pk,
            StagedRowItem.sk.startswith(prefix),
            limit=limit,
            page_size=limit,
            last_evaluated_key=start,
            consistent_read=True,
        )
        return [item.to_model() for item in query if isinstance(item, StagedRowItem)]

    def staged_rows_of(
        self, tenant: Tenant, job_id: str, external_ids: Iterable[str], languages: Iterable[str]
    ) -> list[StagedProduct]:
        """The staged rows of these ids in these languages (BatchGetItem, 100 keys a request)."""
        pk = keys.import_job_pk(tenant.platform, tenant.require_store(), job_id)
        wanted = [(pk, keys.staged_row_sk(lang, i)) for i in external_ids if i for lang in languages]
        found = StagedRowItem.batch_get(wanted, consistent_read=True) if wanted else []
        return [item.to_model() for item in found if isinstance(item, StagedRowItem)]

    def mark_published(
        self, tenant: Tenant, job_id: str, products: Iterable[StagedProduct], writer: BatchWriter
    ) -> BatchWriteStats:
        """Rewrite staged rows as published, in batches of 25 (the row is the same, its status not)."""
        now = _now().isoformat()
        published = (
            product.model_dump(mode="json") | {"status": StagedStatus.PUBLISHED.value, "published_at": now}
            for product in products
        )
        return self.put_staged(tenant, published, writer)

    # --- the publish state of a job ---

    def claim_publish(self, tenant: Tenant, job_id: str, state: PublishState, *, now: datetime) -> bool:
        """Record a new running publish unless one is running and its lease has not passed at ``now``."""
        pk = keys.import_job_pk(tenant.platform, tenant.require_store(), job_id)
        free: Condition = (
            ImportJobItem.publish_status.does_not_exist()
            | (ImportJobItem.publish_status != PublishStatus.RUNNING.value)
            | (ImportJobItem.publish_lease_until < now)
            | ImportJobItem.publish_lease_until.does_not_exist()  # written with no lease: claimable
        )
        return update_if(
            ImportJobItem(pk, keys.IMPORT_JOB_SK),
            actions=_publish_actions(state),
            condition=ImportJobItem.pk.exists() & free,
        )

    def save_publish(
        self, tenant: Tenant, job_id: str, state: PublishState, *, expected_cursor: str | None
    ) -> bool:
        """Record the progress or end of the running publish ``state.id``; ``False`` if it is not the
        running one any more, or (``expected_cursor``) another worker recorded a page since."""
        pk = keys.import_job_pk(tenant.platform, tenant.require_store(), job_id)
        condition: Condition = (ImportJobItem.publish_id == state.id) & (
            ImportJobItem.publish_status == PublishStatus.RUNNING.value
        )
        if expected_cursor is not None:
            condition &= ImportJobItem.publish_cursor == expected_cursor
        return update_if(
            ImportJobItem(pk, keys.IMPORT_JOB_SK), actions=_publish_actions(state), condition=condition
        )


def _publish_actions(state: PublishState) -> list[Any]:
    return [
        ImportJobItem.publish.set(state.model_dump_json()),
        ImportJobItem.publish_id.set(state.id),
        ImportJobItem.publish_status.set(state.status.value),
        ImportJobItem.publish_cursor.set(state.cursor),
        ImportJobItem.publish_lease_until.set(state.lease_until),
    ]


def _now() -> datetime:
    return datetime.now(UTC)


def _created_sk(store: str, job_id: str, created_at: datetime) -> str:
    """A finished job's GSI2 sort key: its creation time (then store and id, so keys stay unique)."""
    return f"{keys.sortable_time(created_at)}#{store}#{job_id}"


def _deadline_sk(store: str, job_id: str, deadline: datetime) -> str:
    return f"{keys.sortable_time(deadline)}#{store}#{job_id}"
