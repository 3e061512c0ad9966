"""Import domain models: jobs, their status and counts, normalised records, staged products, row errors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from orion.catalog.models import ProductStatus, TaxClass


class ImportStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    COMPLETED_WITH_ERRORS = "COMPLETED_WITH_ERRORS"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        return self in (ImportStatus.COMPLETED, ImportStatus.COMPLETED_WITH_ERRORS, ImportStatus.FAILED)


class ImportFormat(StrEnum):
    """What a file is; ``AUTO`` asks prepare to detect it from the header."""

    AUTO = "auto"
    LETZSHOP = "letzshop"  # Letzshop / Google Shopping product feed
    SHOPIFY = "shopify"
    ORION = "orion"


LANGUAGES = ("fr", "de", "en")


class ImportCounts(BaseModel):
    """Exact totals: every data row of the file is accepted, rejected or superseded by a later duplicate."""

    model_config = ConfigDict(frozen=True)

    rows: int = 0  # records in the file (products: one per row for feeds, one per handle for Shopify)
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0


class ImportProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    chunks_total: int = 0
    chunks_done: int = 0

    @property
    def percent(self) -> int:
        if not self.chunks_total:
            return 0
        return min(100, self.chunks_done * 100 // self.chunks_total)


PUBLISH_STALLED = "The publish stopped before it finished (its worker is gone); publish again to finish it."


class PublishStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class PublishNote(BaseModel):
    """A product that could not be published, and why."""

    model_config = ConfigDict(frozen=True)

    external_id: str
    message: str


class PublishState(BaseModel):
    """The latest publish of a job's staged products: what was asked, how far it got, how it ended.

    A publish runs in pages and records each page here (``cursor``: the last external id done), in the
    API request for a small selection or in the background (the import-publish state machine). A
    running publish whose last page is older than its lease (``lease_seconds``, shorter for one
    inside a request) is shown FAILED: its worker is gone.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    status: PublishStatus
    background: bool
    requested: int  # products asked for; for "all", the staged rows until the publish ends
    published: int = 0
    failed: int = 0
    failures: tuple[PublishNote, ...] = ()  # the first few, for the API (the sync answer lists all)
    message: str | None = None
    cursor: str = ""
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    lease_seconds: int = 900

    @property
    def lease_until(self) -> datetime:
        """Until when the running publish holds the job without recording another page."""
        return self.updated_at + timedelta(seconds=self.lease_seconds)

    def seen_at(self, now: datetime) -> PublishState:
        """This state as users should see it: a running publish silent for longer than its lease failed."""
        if self.status is not PublishStatus.RUNNING or now <= self.lease_until:
            return self
        return self.model_copy(update={"status": PublishStatus.FAILED, "message": PUBLISH_STALLED})


class ImportJob(BaseModel):
    """One uploaded file and what became of it."""

    model_config = ConfigDict(frozen=True)

    id: str
    platform: str
    store: str
    file_name: str
    declared_format: ImportFormat = ImportFormat.AUTO
    detected_format: ImportFormat | None = None
    language: str | None = None  # None: detect (file name, language column, store default)
    status: ImportStatus = ImportStatus.PENDING
    message: str | None = None
    counts: ImportCounts = ImportCounts()
    progress: ImportProgress = ImportProgress()
    created_by: str | None = None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    report_key: str | None = None
    upload_key: str
    publish: PublishState | None = None
    # A job a saved source's run started (orion.imports.sources): the source and the run.
    source_id: str | None = None
    source_run_id: str | None = None
    rerun_as: str | None = None  # the new job an operator's re-run of this one started


@dataclass(frozen=True, slots=True)
class JobPosition:
    """Where a listing of finished jobs (newest first) stopped: the last job it returned."""

    store: str
    id: str
    created_at: datetime


class RowError(BaseModel):
    """One problem with one row: what the error report lists."""

    model_config = ConfigDict(frozen=True)

    row: int  # spreadsheet row number: the header is row 1
    column: str = ""
    value: str = ""
    message: str


@dataclass(slots=True)
class SourceRecord:
    """One product as read from a file, with canonical field names and raw string values.

    ``variants`` holds the variant rows of a Shopify handle (raw fields per variant). The readers and
    the row pipeline work on :class:`RecordBatch` (column by column); a record is one row of it, for
    the Shopify grouping, tests and anything that wants one product at a time.
    """

    row: int
    external_id: str
    language: str
    fields: dict[str, str] = field(default_factory=dict)
    variants: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class RecordBatch:
    """Products read from one file, column by column: what a chunk file holds and process_batch checks.

    ``columns`` names the canonical fields (without the id and language) and ``values`` holds one
    tuple of stripped strings per column, each as long as ``rows``. ``variants`` holds, per record,
    the variant rows of a Shopify handle (``None`` for the formats without variants). Columns, not a
    dict per row: a chunk is checked one column at a time (see orion.imports.rows).
    """

    columns: tuple[str, ...]
    rows: list[int] = field(default_factory=list)
    external_ids: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    values: list[tuple[str, ...]] = field(default_factory=list)
    variants: list[list[dict[str, str]]] | None = None

    def __post_init__(self) -> None:
        if not self.values:
            self.values = [() for _ in self.columns]
        if len(self.values) != len(self.columns) or any(len(v) != len(self.rows) for v in self.values):
            raise ValueError("every column of a batch must hold one value per record")

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def of(cls, records: Sequence[SourceRecord]) -> RecordBatch:
        """A batch of records (their values stripped); the columns are every field any record has."""
        columns = tuple(dict.fromkeys(name for record in records for name in record.fields))
        return cls(
            columns,
            [record.row for record in records],
            [record.external_id for record in records],
            [record.language for record in records],
            [tuple(record.fields.get(name, "").strip() for record in records) for name in columns],
            [list(record.variants) for record in records] if any(r.variants for r in records) else None,
        )

    def records(self) -> Iterator[SourceRecord]:
        by_record: Iterable[tuple[str, ...]] = (
            zip(*self.values, strict=True) if self.columns else [()] * len(self)
        )
        rows = zip(self.rows, self.external_ids, self.languages, by_record, strict=True)
        for index, (row, external_id, language, values) in enumerate(rows):
            fields = dict(zip(self.columns, values, strict=True))
            variants = list(self.variants[index]) if self.variants else []
            yield SourceRecord(row, external_id, language, fields, variants)

    def take(self, indices: Sequence[int]) -> RecordBatch:
        """The records at ``indices``, in that order."""
        rows = [self.rows[i] for i in indices]
        external_ids = [self.external_ids[i] for i in indices]
        languages = [self.languages[i] for i in indices]
        values = [tuple(column[i] for i in indices) for column in self.values]
        variants = [self.variants[i] for i in indices] if self.variants is not None else None
        return RecordBatch(self.columns, rows, external_ids, languages, values, variants)

    def extend(self, other: RecordBatch) -> None:
        if other.columns != self.columns:
            raise ValueError("only batches of the same columns can be joined")
        self.rows += other.rows
        self.external_ids += other.external_ids
        self.languages += other.languages
        self.values = [mine + theirs for mine, theirs in zip(self.values, other.values, strict=True)]
        if self.variants is not None or other.variants is not None:
            self.variants = (self.variants or [[] for _ in range(len(self) - len(other))]) + (
                other.variants or [[] for _ in other.rows]
            )

    def split(self, size: int) -> tuple[RecordBatch, RecordBatch]:
        """The first ``size`` records and the rest."""
        return self.take(range(min(size, len(self)))), self.take(range(size, len(self)))

    def to_json(self) -> bytes:
        body = [self.columns, self.rows, self.external_ids, self.languages, self.values, self.variants]
        return json.dumps(body, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, body: str | bytes) -> RecordBatch:
        columns, rows, external_ids, languages, values, variants = json.loads(body)
        return cls(
            tuple(str(name) for name in columns),
            [int(row) for row in rows],
            [str(external_id) for external_id in external_ids],
            [str(language) for language in languages],
            [tuple(column) for column in values],
            None if variants is None else [list(v) for v in variants],
        )


class ChunkRef(BaseModel):
    """One entry of a job's manifest: a normalised chunk file and how many records it holds."""

    index: int
    key: str
    records: int


class StagedStatus(StrEnum):
    STAGED = "staged"
    PUBLISHED = "published"


class StagedVariant(BaseModel):
    model_config = ConfigDict(frozen=True)

    sku: str | None = None
    options: dict[str, str] = Field(default_factory=dict)
    price_minor: int
    compare_at_minor: int | None = None
    stock: int | None = None
    gtin: str | None = None
    backorder: bool = False  # sold when out of stock (Shopify's inventory policy "continue")


class StagedProduct(BaseModel):
    """A validated product of one language, waiting in staging to be published."""

    model_config = ConfigDict(frozen=True)

    job_id: str
    external_id: str
    language: str
    row: int
    status: StagedStatus = StagedStatus.STAGED
    title: str
    description: str = ""
    price_minor: int
    currency: str
    sale_price_minor: int | None = None
    availability: str = "in_stock"
    brand: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    condition: str | None = None
    link: str | None = None
    image_links: list[str] = Field(default_factory=list)
    category: str | None = None
    item_group_id: str | None = None
    variants: list[StagedVariant] = Field(default_factory=list)
    # The status the file gives the product (Shopify's Status, or Published FALSE: draft); None when it
    # says nothing, and the publish request decides.
    product_status: ProductStatus | None = None
    # The VAT rate class the file gives the product (its tax_class column); None when it says nothing,
    # and the product keeps its own (standard for a new one).
    tax_class: TaxClass | None = None
    published_at: datetime | None = None
