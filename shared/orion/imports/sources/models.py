"""Saved sources and their runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from orion.imports.models import ImportFormat
from orion.rendering.phrases import Phrase

MAX_SOURCES_PER_STORE = 20
FAILURES_BEFORE_PAUSE = 3
# A run still queued or running this long after its last step is ended FAILED by the imports
# watchdog (its import jobs and background publishes end far sooner: their own watchdog and lease).
RUN_DEADLINE = timedelta(hours=6)


class SourceSchedule(StrEnum):
    HOURLY = "hourly"
    DAILY = "daily"
    MANUAL = "manual"


class PublishPolicy(StrEnum):
    NONE = "none"  # leave the run's products staged
    NEW = "new"  # publish only products the store does not have yet
    ALL = "all"  # publish every staged product


class MissingPolicy(StrEnum):
    KEEP = "keep"
    ARCHIVE = "archive"


class SourceStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class RunTrigger(StrEnum):
    SCHEDULED = "scheduled"
    MANUAL = "manual"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"  # fetching, or its import jobs are under way
    UNCHANGED = "unchanged"  # every URL answered 304 or the same bytes: nothing written
    STAGED = "staged"  # imported, left staged (policy none)
    HELD = "held"  # a guard stopped it at staging (whatever the policy)
    PUBLISHED = "published"  # imported and published by the policy
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self not in (RunStatus.QUEUED, RunStatus.RUNNING)


class FeedProfile(BaseModel):
    """What the guards compare a language's feed against: its last good run's shape."""

    model_config = ConfigDict(frozen=True)

    rows: int
    columns: tuple[str, ...]
    sha256: str


class UrlState(BaseModel):
    """Per language: the validators of the last answer (conditional requests), its bytes' hash, and
    the profile of the last good (not held) feed."""

    model_config = ConfigDict(frozen=True)

    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    profile: FeedProfile | None = None
    held_profile: FeedProfile | None = None  # a held feed's, until staff accept it (PATCH accept_feeds)


class RunSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    trigger: RunTrigger
    status: RunStatus
    message: str | None = None
    finished_at: datetime | None = None


class Source(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    platform: str
    store: str
    name: str
    urls: dict[str, str]
    format: ImportFormat = ImportFormat.AUTO
    schedule: SourceSchedule = SourceSchedule.DAILY
    publish: PublishPolicy = PublishPolicy.NONE
    missing: MissingPolicy = MissingPolicy.KEEP
    status: SourceStatus = SourceStatus.ACTIVE
    paused_reason: str | None = None
    # The reason as phrases (orion.rendering.phrases: English templates of
    # orion.imports.sources.messages and their values), for pages in the reader's language;
    # ``paused_reason`` is their English. Sources paused before phrases were kept have none.
    paused_reason_parts: tuple[Phrase, ...] = ()
    consecutive_failures: int = 0
    next_run_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_run: RunSummary | None = None
    state: dict[str, UrlState] = Field(default_factory=dict)
    active_run_id: str | None = None  # the run queued or under way (one at a time)
    created_by: str | None = None
    created_at: datetime
    updated_at: datetime


class SourceRun(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    source_id: str
    trigger: RunTrigger
    status: RunStatus = RunStatus.QUEUED
    message: str | None = None
    # The message as phrases, as Source.paused_reason_parts (runs saved before them have none).
    message_parts: tuple[Phrase, ...] = ()
    languages: tuple[str, ...] = ()  # the languages whose feed changed: one import job each
    job_ids: dict[str, str] = Field(default_factory=dict)  # language -> import job id
    held: bool = False
    archived: int = 0
    # Rows no feed of the run could read: their products are unknown, so the run archives nothing.
    unreadable_rows: int = 0
    # Publishing, one language after another (the store's default first): the languages left, the
    # first one's publish under way in the background; what the ended ones published and failed.
    publishing: tuple[str, ...] = ()
    publish_step: int = 0
    published: int = 0
    publish_failures: int = 0
    # Per language: the fetched feed's profile and URL state, kept on the source when the run ends.
    fetched: dict[str, UrlState] = Field(default_factory=dict)
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def summary(self) -> RunSummary:
        return RunSummary(
            id=self.id,
            trigger=self.trigger,
            status=self.status,
            message=self.message,
            finished_at=self.finished_at,
        )


Name = Annotated[str, Field(min_length=1, max_length=120)]


class SourceInput(BaseModel):
    """What staff give to create a source (the API's body; unknown fields are refused)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name
    urls: dict[str, Annotated[str, Field(max_length=2000)]] = Field(min_length=1, max_length=3)
    format: ImportFormat = ImportFormat.AUTO
    schedule: SourceSchedule = SourceSchedule.DAILY
    publish: PublishPolicy = PublishPolicy.NONE
    missing: MissingPolicy = MissingPolicy.KEEP


class SourceChange(BaseModel):
    """A PATCH: any of the create fields, and ``status`` (``active`` resumes a paused source)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name | None = None
    urls: dict[str, Annotated[str, Field(max_length=2000)]] | None = Field(
        default=None, min_length=1, max_length=3
    )
    format: ImportFormat | None = None
    schedule: SourceSchedule | None = None
    publish: PublishPolicy | None = None
    missing: MissingPolicy | None = None
    status: SourceStatus | None = None
    # Take the feeds of the last held run as the new baseline of the guards.
    accept_feeds: bool = False
