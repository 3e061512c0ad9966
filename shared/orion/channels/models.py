"""Channels' models: integrations (where a store publishes), their publishing rules, the record of each
item at each destination, and publish jobs."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, model_validator

from orion.catalog.models import Slug
from orion.cms.models import PageSlug
from orion.ids import ID_PATTERN


class ChannelPlatform(StrEnum):
    """The kind of destination an integration publishes to."""

    WORDPRESS = "wordpress"
    SHOPIFY = "shopify"
    ORION_SITE = "orion_site"  # another Orion store of the same merchant


class PlatformType(StrEnum):
    CMS = "cms"
    ECOMMERCE = "ecommerce"


PLATFORM_TYPES: dict[ChannelPlatform, PlatformType] = {
    ChannelPlatform.WORDPRESS: PlatformType.CMS,
    ChannelPlatform.SHOPIFY: PlatformType.ECOMMERCE,
    ChannelPlatform.ORION_SITE: PlatformType.ECOMMERCE,
}

# The credentials each platform takes (write-only), and the one whose last characters staff see.
CREDENTIAL_FIELDS: dict[ChannelPlatform, tuple[str, ...]] = {
    ChannelPlatform.WORDPRESS: ("username", "application_password"),
    ChannelPlatform.SHOPIFY: ("access_token",),
    ChannelPlatform.ORION_SITE: (),
}
# Credentials a platform also takes but does not need: Shopify's ``webhook_secret`` (the key Shopify signs
# its webhooks with: the app's client secret, or the one the shop's notification settings show), without
# which its webhooks are refused.
OPTIONAL_CREDENTIAL_FIELDS: dict[ChannelPlatform, tuple[str, ...]] = {
    ChannelPlatform.SHOPIFY: ("webhook_secret",),
}
HINTED_CREDENTIAL: dict[ChannelPlatform, str] = {
    ChannelPlatform.WORDPRESS: "application_password",
    ChannelPlatform.SHOPIFY: "access_token",
}


class SyncStatus(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"
    PENDING = "pending"


class RecordStatus(StrEnum):
    PENDING = "pending"
    SYNCED = "synced"
    FAILED = "failed"
    OUTDATED = "outdated"  # the item changed since it was last sent
    REMOVED = "removed"  # unpublished from the destination


class ItemKind(StrEnum):
    PRODUCT = "product"
    PAGE = "page"


class ProductSelection(StrEnum):
    ALL_ACTIVE = "all_active"
    CATEGORIES = "categories"
    CHOSEN = "chosen"


def _valid_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a product id")
    return value


ProductId = Annotated[str, AfterValidator(_valid_id)]


class ProductRule(BaseModel):
    """Which products go to the destination: every active one, the active ones of some categories, or
    the ones chosen by id (active ones only: a draft or archived product is never published)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    selection: ProductSelection = ProductSelection.ALL_ACTIVE
    categories: tuple[Slug, ...] = Field(default=(), max_length=50)
    product_ids: tuple[ProductId, ...] = Field(default=(), max_length=500)

    @model_validator(mode="after")
    def _consistent(self) -> ProductRule:
        if self.selection is ProductSelection.CATEGORIES and not self.categories:
            raise ValueError("name at least one category to publish by category")
        if self.selection is ProductSelection.CHOSEN and not self.product_ids:
            raise ValueError("choose at least one product to publish chosen products")
        return self


class PageRule(BaseModel):
    """Which CMS pages go to the destination: none, every published page, or these slugs (published
    ones only)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    all: bool = False
    slugs: tuple[PageSlug, ...] = Field(default=(), max_length=100)


# The fields two-way sync may hand to the remote side (``remote``); the rest stay Orion's. Products:
# title, description, price and compare_at_price (of the first variant), images, brand, status; CMS
# pages: title and body_html. (Images are sent but never pulled back: a destination's copies live at
# its own addresses.)
SYNCABLE_FIELDS = frozenset(
    {"title", "description", "price", "compare_at_price", "images", "brand", "status", "body_html"}
)
Owner = Literal["orion", "remote"]


class PublishingRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    products: ProductRule = Field(default_factory=ProductRule)
    pages: PageRule = Field(default_factory=PageRule)
    # Stored and checked now; two-way sync (not built yet) brings back the fields the remote side owns.
    field_ownership: dict[str, Owner] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_fields(self) -> PublishingRules:
        unknown = sorted(set(self.field_ownership) - SYNCABLE_FIELDS)
        if unknown:
            raise ValueError(
                f"unknown fields in field_ownership: {', '.join(unknown)} "
                f"(known: {', '.join(sorted(SYNCABLE_FIELDS))})"
            )
        return self


API_VERSION = re.compile(r"^\d{4}-(01|04|07|10)$")
DEFAULT_SHOPIFY_API_VERSION = "2025-01"
# The oldest version whose Admin API has every operation the Shopify adapter sends (productByIdentifier is
# 2025-01's; productSet's files, ProductUpdateInput and the page mutations came in 2024-10).
OLDEST_SHOPIFY_API_VERSION = "2025-01"


class ChannelConfig(BaseModel):
    """Where the destination is; which fields apply depends on the platform (checked by the service)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    site_url: str | None = Field(default=None, max_length=300)  # wordpress
    shop_domain: str | None = Field(default=None, max_length=255)  # shopify
    api_version: str | None = Field(default=None, max_length=10)  # shopify
    store: str | None = Field(default=None, max_length=40)  # orion_site: the target store's code


Credentials = dict[Annotated[str, Field(max_length=40)], Annotated[SecretStr, Field(max_length=500)]]


class IntegrationInput(BaseModel):
    """What staff send to add an integration."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    platform: ChannelPlatform
    name: str = Field(default="", max_length=120)
    config: ChannelConfig = Field(default_factory=ChannelConfig)
    credentials: Credentials | None = None
    rules: PublishingRules = Field(default_factory=PublishingRules)
    is_active: bool = True
    sync_enabled: bool = False


class IntegrationChanges(BaseModel):
    """A PATCH: only the fields sent change (the platform never does; credentials are replaced whole)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=120)
    config: ChannelConfig | None = None
    credentials: Credentials | None = None
    rules: PublishingRules | None = None
    is_active: bool | None = None
    sync_enabled: bool | None = None


class Integration(BaseModel):
    """An integration as stored: never its credentials, only whether they are set and a hint."""

    model_config = ConfigDict(frozen=True)

    id: str
    platform: ChannelPlatform
    name: str
    config: ChannelConfig
    rules: PublishingRules
    is_active: bool
    sync_enabled: bool
    sync_status: SyncStatus = SyncStatus.PENDING
    last_sync_at: datetime | None = None
    last_error: str | None = None
    # Two-way sync: when the last pull asked the destination for its edits (the next asks from then).
    last_pull_at: datetime | None = None
    credentials_hint: str | None = None  # "••••abcd" once credentials are set
    created_at: datetime
    updated_at: datetime

    @property
    def platform_type(self) -> PlatformType:
        return PLATFORM_TYPES[self.platform]

    def public(self) -> dict[str, Any]:
        """What staff see (the API's shape)."""
        body = self.model_dump(mode="json", exclude={"credentials_hint"})
        body["platform_type"] = self.platform_type.value
        body["credentials"] = {"set": self.credentials_hint is not None, "hint": self.credentials_hint}
        return body


class ConflictReason(StrEnum):
    BOTH_CHANGED = "both_changed"  # Orion and the destination changed the field since the last sync
    ORION_OWNS = "orion_owns"  # the destination changed a field Orion owns: the next publish replaces it


class FieldConflict(BaseModel):
    """An edit at the destination that was not applied: both values, and the one last sent."""

    model_config = ConfigDict(frozen=True)

    field: str
    reason: ConflictReason
    orion_value: Any = None
    remote_value: Any = None
    sent_value: Any = None
    detected_at: datetime


class ConflictChoice(BaseModel):
    """How staff settle a conflict: keep Orion's value (sent again) or the destination's (applied)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    keep: Literal["orion", "remote"]


class PublishRecord(BaseModel):
    """One item at one destination: what was sent last, where it lives there, and how it went."""

    model_config = ConfigDict(frozen=True)

    integration_id: str
    item_kind: ItemKind
    item_id: str
    status: RecordStatus = RecordStatus.PENDING
    remote_id: str | None = None
    remote_url: str | None = None
    content_hash: str | None = None
    attempts: int = 0
    last_error: str | None = None
    # The last failure was temporary (the destination was unavailable): the channel worker and its
    # scheduled recovery try again (orion.channels.worker, orion.channels.tasks).
    retryable: bool = False
    created_at: datetime
    updated_at: datetime
    synced_at: datetime | None = None
    # Two-way sync: the syncable fields as last sent (or last agreed with the destination), to tell
    # which side changed a field since; and the fields both sides changed, kept until staff choose.
    sent_fields: dict[str, Any] = Field(default_factory=dict)
    conflicts: tuple[FieldConflict, ...] = ()


class PublishRequest(BaseModel):
    """``{"product_ids": [...], "page_slugs": [...]}`` (either or both) or ``{"all": true}`` (every
    product and CMS page the rules select)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    product_ids: tuple[ProductId, ...] = Field(default=(), max_length=200)
    page_slugs: tuple[PageSlug, ...] = Field(default=(), max_length=100)
    all: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> PublishRequest:
        if self.all == bool(self.product_ids or self.page_slugs):
            raise ValueError('send either "product_ids" and/or "page_slugs" (non-empty lists) or "all": true')
        return self


class UnpublishRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    product_ids: tuple[ProductId, ...] = Field(default=(), max_length=200)
    page_slugs: tuple[PageSlug, ...] = Field(default=(), max_length=100)

    @model_validator(mode="after")
    def _something(self) -> UnpublishRequest:
        if not (self.product_ids or self.page_slugs):
            raise ValueError('send "product_ids" and/or "page_slugs" (non-empty lists)')
        return self


class JobStatus(StrEnum):
    QUEUED = "queued"  # a large publish waiting for the channel worker
    RUNNING = "running"
    FINISHED = "finished"


class PublishJob(BaseModel):
    """One publish (or unpublish) run of an integration and what it did."""

    model_config = ConfigDict(frozen=True)

    id: str
    integration_id: str
    action: Literal["publish", "unpublish"]
    status: JobStatus
    requested: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    skipped: tuple[str, ...] = ()  # ids the rules do not select and that were never published there
    # Chunks the channel worker has counted (a background publish): a chunk redelivered after it was
    # counted is not counted twice.
    chunks: int = 0
    created_at: datetime
    finished_at: datetime | None = None
