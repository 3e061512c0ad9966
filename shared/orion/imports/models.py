"""Import domain models: jobs, their status and counts, normalised records, staged products, row errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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

    ``variants`` holds the variant rows of a Shopify handle (raw fields per variant). A plain
    dataclass, not a pydantic model: one is made per row, and chunk files hold them as JSON lines.
    """

    row: int
    external_id: str
    language: str
    fields: dict[str, str] = field(default_factory=dict)
    variants: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            [self.row, self.external_id, self.language, self.fields, self.variants], ensure_ascii=False
        )

    @classmethod
    def from_json(cls, line: str | bytes) -> SourceRecord:
        row, external_id, language, fields, variants = json.loads(line)
        return cls(int(row), str(external_id), str(language), dict(fields), list(variants))


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
    published_at: datetime | None = None

    def public_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
