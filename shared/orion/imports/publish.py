"""Publishing staged products into the catalogue: selected or all, with staff overrides.

A product is matched by its external id (the feed's ``id``, the Shopify handle), so publishing again
updates rather than duplicates, and a product that would not change is not written again. Every
language staged under the same id becomes a translation of the one product: publishing the French
file, then the German one, gives one product in both languages. Stock levels of existing variants
are kept (feeds carry availability, not quantities). A product the file says is draft or archived
(Shopify's Status) is published so, whatever status the request asks for.

A publish runs in pages of external ids (``import_publish_page_size``), each recorded on the job
(:class:`PublishState`: cursor, counts, first failures) before the next starts. A selection of up
to ``import_publish_sync_max_products`` products is published inside the API request; a larger one
in the background by the ``import-publish`` state machine (infra/workflows/publish.py), whose task
runs pages while its Lambda has time and picks up at the recorded cursor. One publish of a job runs
at a time; one that fails ends FAILED (the state machine's Catch), and one whose worker vanished is
shown FAILED once its lease has passed, so a publish is never stuck "running".
"""

from __future__ import annotations

import heapq
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orion import runtime
from orion.catalog.images import media_ref
from orion.catalog.models import (
    MAX_IMAGES,
    MAX_VARIANTS,
    Product,
    ProductInput,
    ProductStatus,
    TaxClass,
    Translation,
    Variant,
)
from orion.catalog.service import has_external_id, save_product_by_external_id
from orion.data.batch import BatchWriter
from orion.data.clients import aws_client
from orion.errors import Conflict, FieldError, Invalid, OrionError
from orion.ids import new_id
from orion.imports.models import (
    LANGUAGES,
    ImportJob,
    ImportStatus,
    PublishNote,
    PublishState,
    PublishStatus,
    StagedProduct,
)
from orion.imports.repository import ImportRepository
from orion.imports.service import get_import_job
from orion.imports.storage import ImportFiles
from orion.observability import logger
from orion.settings import get_settings
from orion.tenancy.stores import store_profile
from orion.tenant import Tenant

_SKU_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]+")
AVAILABLE = {"in_stock", "preorder", "backorder"}
MAX_FAILURE_NOTES = 50  # failures kept on the job for the API; a sync answer lists every one
NOT_STAGED = "This id is not staged in this import."
FAILED_MESSAGE = "The publish stopped because of an internal error; publish again to finish it."


class ProductOverride(BaseModel):
    """What staff change on one product while publishing it."""

    model_config = ConfigDict(extra="forbid")

    price: int | None = Field(default=None, ge=0, le=100_000_000, description="minor units")
    description: str | None = Field(default=None, max_length=20_000)
    status: ProductStatus | None = None


class PublishRequest(BaseModel):
    """Publish ``external_ids`` (or every staged product when ``all``), with per-product overrides."""

    model_config = ConfigDict(extra="forbid")

    external_ids: list[str] = Field(default_factory=list, max_length=1000)
    all: bool = False
    status: ProductStatus = ProductStatus.ACTIVE
    overrides: dict[str, ProductOverride] = Field(default_factory=dict)
    # Only products the store does not have yet (by external id); the others stay staged.
    only_new: bool = False


class ListedPublishRequest(PublishRequest):
    """A publish of exactly the listed staged ids (a saved source's run decides them once for every
    language's job: docs/imports.md, Saved sources). Internal: never an API body."""

    listed: frozenset[str]


def stored_request(text: str) -> PublishRequest:
    """A publish request as written for its background task (a listed one keeps its list)."""
    data = json.loads(text)
    return (ListedPublishRequest if "listed" in data else PublishRequest).model_validate(data)


@dataclass
class PublishFailure:
    external_id: str
    message: str


@dataclass
class PublishResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    failed: list[PublishFailure] = field(default_factory=list)
    # The products this page saved (for the image fetches), not reported.
    products: list[Product] = field(default_factory=list, repr=False)


# --- entry points ------------------------------------------------------------------------------------


# Called with each page's saved products (the adapters compose the media module's image fetches here,
# which this optional module may not import: docs/imports.md, Images).
OnPublished = Callable[[Tenant, list[Product]], None]


def request_publish(
    tenant: Tenant, job_id: str, request: PublishRequest, *, on_published: OnPublished | None = None
) -> PublishResult | PublishState:
    """Publish now and return what happened (a small selection), or start a background publish and
    return its state (more than ``import_publish_sync_max_products`` products). Conflict while another
    publish of the job runs. ``on_published``: given each page's products when published here."""
    job = _publishable(tenant, job_id, request)
    requested = _requested(job, request)
    settings = get_settings()
    if requested <= settings.import_publish_sync_max_products:
        return publish_staged_products(tenant, job_id, request, on_published=on_published)
    if not settings.import_publish_state_machine_arn:
        raise Conflict("This selection is too large to publish at once here; publish fewer products.")
    state = _claim(tenant, job, requested, background=True)
    try:
        ImportFiles().write_publish_request(tenant, job_id, state.id, request.model_dump_json())
        aws_client("stepfunctions").start_execution(
            stateMachineArn=settings.import_publish_state_machine_arn,
            name=f"publish-{state.id}",
            input=json.dumps(
                {
                    "publish": {
                        "platform": tenant.platform,
                        "store": tenant.require_store(),
                        "job_id": job_id,
                        "publish_id": state.id,
                    }
                }
            ),
        )
    except Exception:
        fail_publish(tenant, job_id, state.id, "could not start the background publish")
        raise
    logger.info("background publish started", extra={"job_id": job_id, "requested": requested})
    return state


def publish_staged_products(
    tenant: Tenant, job_id: str, request: PublishRequest, *, on_published: OnPublished | None = None
) -> PublishResult:
    """Create or update a catalogue product for each selected external id, now (in this process);
    report per-id failures. The progress is recorded on the job like a background publish's."""
    job = _publishable(tenant, job_id, request)
    state = _claim(tenant, job, _requested(job, request), background=False)
    result = PublishResult()
    try:
        run_publish(tenant, job_id, state.id, request, result=result, on_published=on_published)
    except Exception:
        fail_publish(tenant, job_id, state.id, "the publish raised")
        raise
    return result


def run_background_publish(
    tenant: Tenant,
    job_id: str,
    publish_id: str,
    keep_going: Callable[[], bool],
    *,
    on_published: OnPublished | None = None,
) -> bool:
    """The background task: publish pages while ``keep_going()``; ``True`` once the publish ended."""
    request = stored_request(ImportFiles().read_publish_request(tenant, job_id, publish_id))
    return run_publish(tenant, job_id, publish_id, request, keep_going=keep_going, on_published=on_published)


def fail_publish(tenant: Tenant, job_id: str, publish_id: str, reason: str | None = None) -> bool:
    """End the running publish ``publish_id`` FAILED (after its task failed for good); a publish that
    already ended, or another one, is left as it is."""
    logger.error("publish failed", extra={"job_id": job_id, "publish_id": publish_id, "reason": reason})
    repository = runtime.repository(ImportRepository)
    job = repository.get_job(tenant, job_id)
    state = job.publish if job else None
    if state is None or state.id != publish_id or state.status is not PublishStatus.RUNNING:
        return False
    now = _now()
    failed = state.model_copy(
        update={
            "status": PublishStatus.FAILED,
            "message": FAILED_MESSAGE,
            "updated_at": now,
            "finished_at": now,
        }
    )
    return repository.save_publish(tenant, job_id, failed, expected_cursor=None)


# --- the pages ---------------------------------------------------------------------------------------


def run_publish(
    tenant: Tenant,
    job_id: str,
    publish_id: str,
    request: PublishRequest,
    *,
    keep_going: Callable[[], bool] = lambda: True,
    result: PublishResult | None = None,
    on_published: OnPublished | None = None,
) -> bool:
    """Publish page after page from the cursor the job records, recording each; ``True`` once the
    publish has ended (finished, or it is not the running publish any more)."""
    repository = runtime.repository(ImportRepository)
    store = store_profile(tenant)
    default_language = store.default_language if store else "en"
    page_size = get_settings().import_publish_page_size
    while True:
        job = repository.get_job(tenant, job_id)
        state = job.publish if job else None
        if state is None or state.id != publish_id or state.status is not PublishStatus.RUNNING:
            return True
        ids, rows, last = _page(repository, tenant, job_id, request, after=state.cursor, size=page_size)
        page = _publish_page(
            tenant, ids, rows, request, default_language, source_id=job.source_id if job else None
        )
        if on_published is not None and page.products:
            on_published(tenant, page.products)
        repository.mark_published(
            tenant, job_id, [r for i in page.created + page.updated for r in rows[i]], _writer()
        )
        if result is not None:
            result.created += page.created
            result.updated += page.updated
            result.failed += page.failed
        now = _now()
        published = state.published + len(page.created) + len(page.updated)
        failed = state.failed + len(page.failed)
        notes = state.failures + tuple(
            PublishNote(external_id=f.external_id, message=f.message) for f in page.failed
        )
        update: dict[str, object] = {
            "cursor": ids[-1] if ids else state.cursor,
            "published": published,
            "failed": failed,
            "failures": notes[:MAX_FAILURE_NOTES],
            "updated_at": now,
        }
        if last:
            message = f"{published} products published" + (f", {failed} could not be." if failed else ".")
            update["status"] = PublishStatus.COMPLETED
            update["finished_at"] = now
            update["message"] = message
            update["requested"] = published + failed
        if not repository.save_publish(
            tenant, job_id, state.model_copy(update=update), expected_cursor=state.cursor
        ):
            logger.warning("publish taken over or ended elsewhere", extra={"publish_id": publish_id})
            return True
        if last:
            return True
        if not keep_going():
            return False


def _page(
    repository: ImportRepository,
    tenant: Tenant,
    job_id: str,
    request: PublishRequest,
    *,
    after: str,
    size: int,
) -> tuple[list[str], dict[str, list[StagedProduct]], bool]:
    """The next ``size`` external ids after ``after``, their staged rows, and whether it is the last page."""
    rows: dict[str, list[StagedProduct]] = defaultdict(list)
    if not request.all:
        # The cursor starts at "", before every id but "" itself (never staged: reported as not staged).
        wanted = sorted({i for i in request.external_ids if i > after or i == after == ""})
        ids = wanted[:size]
        for row in repository.staged_rows_of(tenant, job_id, ids, LANGUAGES):
            rows[row.external_id].append(row)
        return ids, rows, len(wanted) <= size
    # Each language's rows come in external id order; the page is the first ``size`` ids of their
    # union. A language that returned ``size`` rows holds none below the page's last id unread.
    per_language = {
        language: repository.staged_after(tenant, job_id, language, after, size) for language in LANGUAGES
    }
    merged = heapq.merge(*([r.external_id for r in found] for found in per_language.values()))
    ids = list(dict.fromkeys(merged))[: size + 1]
    last = len(ids) <= size and all(len(found) < size for found in per_language.values())
    ids = ids[:size]
    if ids:
        for found in per_language.values():
            for row in found:
                if row.external_id <= ids[-1]:
                    rows[row.external_id].append(row)
    return ids, rows, last


def _publish_page(
    tenant: Tenant,
    ids: Iterable[str],
    rows: dict[str, list[StagedProduct]],
    request: PublishRequest,
    default_language: str,
    *,
    source_id: str | None = None,
) -> PublishResult:
    result = PublishResult()
    for external_id in ids:
        staged = rows.get(external_id)
        if not staged:
            result.failed.append(PublishFailure(external_id, NOT_STAGED))
            continue
        if isinstance(request, ListedPublishRequest) and external_id not in request.listed:
            continue  # not chosen by the run: it stays staged
        if request.only_new and has_external_id(tenant, external_id):
            continue  # the store has it: only new products are published, this one stays staged
        override = request.overrides.get(external_id, ProductOverride())

        def build(
            existing: Product | None,
            staged: list[StagedProduct] = staged,
            override: ProductOverride = override,
        ) -> ProductInput:
            return product_input(staged, existing, override, request.status, default_language)

        try:
            product, created = save_product_by_external_id(tenant, external_id, build, source_id=source_id)
        except ValidationError as exc:
            result.failed.append(PublishFailure(external_id, _validation_message(exc)))
            continue
        except OrionError as exc:
            result.failed.append(PublishFailure(external_id, str(exc)))
            continue
        (result.created if created else result.updated).append(external_id)
        result.products.append(product)
    return result


# --- claims ------------------------------------------------------------------------------------------


def _publishable(tenant: Tenant, job_id: str, request: PublishRequest) -> ImportJob:
    job = get_import_job(tenant, job_id)
    if job.status not in (ImportStatus.COMPLETED, ImportStatus.COMPLETED_WITH_ERRORS):
        raise Conflict.worded(
            "Only a completed import can be published; this one is {status}.", status=job.status.value
        )
    if not request.all and not request.external_ids:
        raise Invalid("Name the products to publish (external_ids) or set all to true.")
    if request.all and request.external_ids:
        raise Invalid(
            "Either name the products to publish (external_ids) or set all to true, not both.",
            errors=[FieldError("external_ids", "must be empty when all is true")],
        )
    return job


def _requested(job: ImportJob, request: PublishRequest) -> int:
    if isinstance(request, ListedPublishRequest):
        return min(job.counts.accepted, len(request.listed))
    return job.counts.accepted if request.all else len(set(request.external_ids))


def _claim(tenant: Tenant, job: ImportJob, requested: int, *, background: bool) -> PublishState:
    now, settings = _now(), get_settings()
    state = PublishState(
        id=new_id(),
        status=PublishStatus.RUNNING,
        background=background,
        requested=requested,
        started_at=now,
        updated_at=now,
        lease_seconds=settings.import_publish_lease_seconds
        if background
        else settings.import_publish_sync_lease_seconds,
    )
    if not runtime.repository(ImportRepository).claim_publish(tenant, job.id, state, now=now):
        raise Conflict("A publish of this import is already running; follow it with GET /imports/{id}.")
    return state


def _writer() -> BatchWriter:
    return BatchWriter(get_settings().table_name)


def _now() -> datetime:
    return datetime.now(UTC)


# --- one product -------------------------------------------------------------------------------------


def product_input(
    rows: list[StagedProduct],
    existing: Product | None,
    override: ProductOverride,
    status: ProductStatus,
    default_language: str,
) -> ProductInput:
    """The catalogue input for one external id: this import's languages merged into what exists."""
    rows = sorted(rows, key=lambda row: (row.language != default_language, row.language))
    base = rows[0]
    translations: dict[str, Translation] = dict(existing.translations) if existing else {}
    for row in rows:
        translations[row.language] = Translation(title=row.title[:200], description=row.description or None)
    if existing and base.language != default_language:
        title, description = existing.title, existing.description
    else:
        title, description = base.title[:200], base.description
    if override.description is not None:
        description = override.description
        translations[base.language] = Translation(title=translations[base.language].title, description=None)
    stock_of = {variant.sku: variant.stock for variant in existing.variants} if existing else {}
    variants = _variants(base, stock_of, override)
    return ProductInput(
        title=title,
        description=description,
        status=override.status or _status(base, status),
        images=_images(base.image_links, existing),
        translations=translations,
        brand=base.brand[:120] if base.brand else None,
        gtin=base.gtin,
        variants=variants,
        handle=existing.handle if existing else None,
        categories=existing.categories if existing else (),
        featured=existing.featured if existing else False,
        tax_class=_tax_class(rows, existing),
    )


def _tax_class(rows: list[StagedProduct], existing: Product | None) -> TaxClass:
    """The tax class a row of the file gives (its tax_class column; the default language's first), else
    the product's own: a file without the column never resets a store's choice."""
    given = next((row.tax_class for row in rows if row.tax_class is not None), None)
    if given is not None:
        return given
    return existing.tax_class if existing else TaxClass.STANDARD


def _images(links: Iterable[str], existing: Product | None) -> tuple[str, ...]:
    """The feed's image links, each already fetched into the store's media named as that image, so a
    re-import of an unchanged feed changes nothing (docs/imports.md, Images)."""
    fetched = (
        {url: media_ref(media_id) for media_id, url in existing.image_sources.items()} if existing else {}
    )
    return tuple(dict.fromkeys(fetched.get(link, link) for link in links))[:MAX_IMAGES]


def _status(row: StagedProduct, requested: ProductStatus) -> ProductStatus:
    """A product the file says is draft or archived stays so (its shop hid it); an active one, or one
    the file says nothing about, gets the status the publish asks for."""
    if row.product_status in (ProductStatus.DRAFT, ProductStatus.ARCHIVED):
        return row.product_status
    return requested


def _variants(
    base: StagedProduct, stock_of: dict[str, int], override: ProductOverride
) -> tuple[Variant, ...]:
    default_stock = get_settings().import_default_stock
    if not base.variants:
        sku = safe_sku(base.external_id)
        stock = stock_of.get(sku, default_stock if base.availability in AVAILABLE else 0)
        price = override.price if override.price is not None else (base.sale_price_minor or base.price_minor)
        compare_at = base.price_minor if base.sale_price_minor and override.price is None else None
        return (
            Variant(sku=sku, price=price, compare_at_price=compare_at, currency=base.currency, stock=stock),
        )
    if len(base.variants) > MAX_VARIANTS:
        raise Invalid(
            f"A product can have at most {MAX_VARIANTS} variants; this one has {len(base.variants)}."
        )
    variants = []
    for index, staged in enumerate(base.variants, start=1):
        sku = safe_sku(staged.sku or f"{base.external_id}-{index}")
        variants.append(
            Variant(
                sku=sku,
                options=dict(list(staged.options.items())[:3]),
                price=override.price if override.price is not None else staged.price_minor,
                compare_at_price=staged.compare_at_minor,
                currency=base.currency,
                stock=stock_of.get(sku, staged.stock if staged.stock is not None else default_stock),
                backorder=staged.backorder,
            )
        )
    return tuple(variants)


def safe_sku(value: str) -> str:
    """A catalogue SKU from a feed value: unsupported characters become '-', at most 64 characters."""
    cleaned = _SKU_UNSAFE.sub("-", value).strip("-._/")[:64]
    return cleaned or "item"


def _validation_message(exc: ValidationError) -> str:
    problem = exc.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}" if where else str(problem["msg"])


__all__ = [
    "ProductOverride",
    "PublishFailure",
    "PublishRequest",
    "PublishResult",
    "fail_publish",
    "product_input",
    "publish_staged_products",
    "request_publish",
    "run_background_publish",
    "run_publish",
    "safe_sku",
]
