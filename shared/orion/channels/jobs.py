"""Publishing many products: within the staff request up to ``MAX_PUBLISH_ALL`` products (the service's
publish), and a publish of all that selects more in the background: the job starts ``queued``, the
channel worker takes it a chunk of ``CHUNK_SIZE`` products at a time (``running``, its counters growing
with each chunk) and ends it ``finished``.

A job goes through the products the rules select (page by page of the shopper listing, or of the chosen
ids), then through the integration's product records, taking back those the rules no longer select,
then through the store's CMS pages (a handful: one chunk), as a publish of all within the request does.
Each chunk message names the next; a chunk redelivered after it was counted (the job's ``chunks``) is
not counted again, only passed on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from orion import runtime
from orion.catalog import service as catalog
from orion.catalog.models import Product
from orion.channels import service
from orion.channels.adapters import adapter_for
from orion.channels.delivery import Delivered, WatchedAdapter, deliver
from orion.channels.errors import PublishTooLarge
from orion.channels.models import (
    Integration,
    ItemKind,
    JobStatus,
    ProductSelection,
    PublishJob,
    PublishRecord,
    PublishRequest,
    RecordStatus,
)
from orion.channels.queue import ChannelQueue, JobChunk
from orion.channels.repository import ChannelRepository
from orion.errors import NotFound, OrionError
from orion.ids import new_id
from orion.observability import logger
from orion.tenant import Tenant

CHUNK_SIZE = 50  # products per chunk: a chunk's requests to the destination fit one worker invocation
COUNTED = ("created", "updated", "unchanged", "removed", "failed")


def _repository() -> ChannelRepository:
    return runtime.repository(ChannelRepository)


def publish(
    tenant: Tenant, integration_id: str, request: PublishRequest
) -> tuple[PublishJob, list[PublishRecord]]:
    """Publish as staff asked: within the request (the finished job and the records it looked at), or,
    for a publish of all selecting more than the service's ``MAX_PUBLISH_ALL`` products, a ``queued``
    job the channel worker runs (no records yet: ``GET .../jobs/{id}`` follows it)."""
    try:
        return service.publish(tenant, integration_id, request)
    except PublishTooLarge:
        pass
    job = PublishJob(
        id=new_id(),
        integration_id=integration_id,
        action="publish",
        status=JobStatus.QUEUED,
        created_at=datetime.now(UTC),
    )
    _repository().save_job(tenant, job)
    first = JobChunk(
        platform=tenant.platform,
        store=tenant.require_store(),
        integration_id=integration_id,
        job_id=job.id,
        chunk=0,
    )
    if runtime.repository(ChannelQueue).send([first]):
        raise OrionError("The publish could not be queued; try again.")
    return job, []


def run_chunk(message: JobChunk) -> None:
    """One chunk of a background publish: its products published, updated or taken back, the job's
    counters moved by what they did (once), and the next chunk queued, or the job finished."""
    tenant, repository = message.tenant, _repository()
    job = repository.get_job(tenant, message.integration_id, message.job_id)
    integration = repository.get(tenant, message.integration_id)
    if job is None or job.status is JobStatus.FINISHED or integration is None:
        return  # done already, or the integration was removed (its jobs with it)
    if not integration.is_active:
        _finish(tenant, integration, job, "The integration was paused during the publish.")
        return
    try:
        adapter = WatchedAdapter(adapter_for(tenant, integration))
    except OrionError as exc:  # e.g. the target store changed hands since the publish was asked
        _finish(tenant, integration, job, "; ".join(e.message for e in exc.errors) or str(exc))
        return
    products, records, following = _page(tenant, integration, message)
    if job.chunks <= message.chunk:  # not counted yet
        if message.phase == "pages":
            counts = _publish_pages(tenant, integration, adapter)
        else:
            counts = _publish_chunk(
                tenant, integration, adapter, message, product_ids=products, records=records
            )
        job = job.model_copy(
            update={
                **{kind: getattr(job, kind) + counts.get(kind, 0) for kind in COUNTED},
                "requested": job.requested + sum(counts.values()),
                "chunks": message.chunk + 1,
                "status": JobStatus.RUNNING,
            }
        )
        repository.save_job(tenant, job)
    if following is None:
        error = f"{job.failed} products failed: see the records." if job.failed else None
        _finish(tenant, integration, job, error)
        return
    if runtime.repository(ChannelQueue).send([following]):
        raise OrionError("The next chunk could not be queued.")  # this chunk is received again


def _finish(tenant: Tenant, integration: Integration, job: PublishJob, error: str | None) -> None:
    finished = job.model_copy(update={"status": JobStatus.FINISHED, "finished_at": datetime.now(UTC)})
    _repository().save_job(tenant, finished)
    service._finish_sync(tenant, integration, error)
    logger.info(
        "channel background publish finished",
        extra={
            "integration": integration.id,
            "job": job.id,
            "requested": job.requested,
            "failed": job.failed,
        },
    )


def _page(
    tenant: Tenant, integration: Integration, message: JobChunk
) -> tuple[list[str], list[PublishRecord], JobChunk | None]:
    """The chunk's product ids (phase ``selected``) or records (phase ``published``), and the message of
    the chunk after it (None: this is the last)."""
    after: JobChunk | None
    if message.phase == "pages":
        return [], [], None
    if message.phase == "published":
        records, cursor = _repository().record_page(
            tenant, integration.id, status=None, limit=CHUNK_SIZE, after=message.cursor
        )
        then_pages = _next(message, phase="pages", scope=0, cursor=None)
        after = _next(message, phase="published", scope=0, cursor=cursor) if cursor else then_pages
        return [], records, after
    rule = integration.rules.products
    then_records = _next(message, phase="published", scope=0, cursor=None)
    if rule.selection is ProductSelection.CHOSEN:
        offset = int(message.cursor or 0)
        ids = list(rule.product_ids[offset : offset + CHUNK_SIZE])
        more = offset + CHUNK_SIZE < len(rule.product_ids)
        return ids, [], _next(message, cursor=str(offset + CHUNK_SIZE)) if more else then_records
    scopes: list[str | None] = (
        list(rule.categories) if rule.selection is ProductSelection.CATEGORIES else [None]
    )
    page = catalog.list_products(
        tenant, category=scopes[message.scope], after=message.cursor, limit=CHUNK_SIZE
    )
    ids = [item.id for item in page.items]
    if page.next_cursor:
        return ids, [], _next(message, cursor=page.next_cursor)
    if message.scope + 1 < len(scopes):
        return ids, [], _next(message, scope=message.scope + 1, cursor=None)
    return ids, [], then_records


def _next(message: JobChunk, **changes: object) -> JobChunk:
    return message.model_copy(update={"chunk": message.chunk + 1, **changes})


def _publish_chunk(
    tenant: Tenant,
    integration: Integration,
    adapter: WatchedAdapter,
    message: JobChunk,
    *,
    product_ids: list[str],
    records: list[PublishRecord],
) -> dict[str, int]:
    """Bring the chunk's products to the integration; how many were created, updated, ... ."""
    repository = _repository()
    counts: dict[str, int] = {}
    rule = integration.rules.products
    if message.phase == "selected":
        known = repository.records(tenant, integration.id, product_ids)
        wanted = [(i, known.get(i)) for i in product_ids]
    else:
        wanted = [
            (r.item_id, r)
            for r in records
            if r.item_kind is ItemKind.PRODUCT and r.status is not RecordStatus.REMOVED
        ]
    for product_id, record in wanted:
        product = _current_product(tenant, product_id)
        selected = product is not None and service.selects(integration.rules, product)
        if message.phase == "selected":
            if not selected:
                continue  # left the selection since the listing was read: the records phase sees it
            assert product is not None
            if rule.selection is ProductSelection.CATEGORIES:
                first = next(c for c in rule.categories if c in product.categories)
                if first != rule.categories[message.scope]:
                    continue  # in several chosen categories: published under the first one only
        elif selected:
            continue  # published in the selection phase
        delivered = deliver(integration, adapter, ItemKind.PRODUCT, product_id, item=product, record=record)
        _count(counts, tenant, delivered)
    return counts


def _publish_pages(tenant: Tenant, integration: Integration, adapter: WatchedAdapter) -> dict[str, int]:
    """The store's CMS pages the rules select, and those published there they no longer do."""
    pages = service._store_pages(tenant)
    selected = [slug for slug, page in pages.items() if service.selects_page(integration.rules, page)]
    published = service._published_ids(tenant, integration.id, ItemKind.PAGE)
    slugs = list(dict.fromkeys([*selected, *published]))
    records = _repository().records(tenant, integration.id, slugs, ItemKind.PAGE)
    counts: dict[str, int] = {}
    for slug in slugs:
        delivered = deliver(
            integration, adapter, ItemKind.PAGE, slug, item=pages.get(slug), record=records.get(slug)
        )
        _count(counts, tenant, delivered)
    return counts


def _count(counts: dict[str, int], tenant: Tenant, delivered: Delivered) -> None:
    if delivered.record is not None:
        _repository().save_record(tenant, delivered.record)
    if delivered.kind in COUNTED:
        counts[delivered.kind] = counts.get(delivered.kind, 0) + 1


def _current_product(tenant: Tenant, product_id: str) -> Product | None:
    try:
        return catalog.get_product(tenant, product_id)
    except NotFound:
        return None
