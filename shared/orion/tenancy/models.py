"""Tenancy domain models: Platform, Merchant, Store, StoreDomain, and a request's resolved tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from orion.rendering.theme_settings import DEFAULT_LOOK, Look
from orion.tenant import Tenant, is_valid_code

LANGUAGES = ("en", "fr", "de", "lb")
# The order e-mails a store can switch off (``Store.notifications_off``); the order confirmation to the
# shopper always goes out. ``order_new_staff`` goes to the store's contact address, the others to the
# shopper.
NOTIFICATION_KINDS = (
    "order_new_staff",
    "order_paid",
    "order_shipped",
    "order_delivered",
    "order_cancelled",
    "order_refunded",
)


def _valid_code(value: str) -> str:
    if not is_valid_code(value):
        raise ValueError("must be 2-40 characters of a-z, 0-9 and '-', not starting or ending with '-'")
    return value


Code = Annotated[str, AfterValidator(_valid_code)]


class HostKind(StrEnum):
    """What a host is for: a store's shop, a platform's own site, or a platform's API host."""

    STORE = "store"
    PLATFORM = "platform"
    API = "api"


@dataclass(frozen=True, slots=True)
class DomainRecord:
    """What ``DOMAIN#<host>`` says: a platform domain, or a store's custom domain."""

    host: str
    platform: str
    store: str | None = None
    verified: bool = True


class StoreStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    # Closed for good by a platform admin: its hosts answer 404 and it cannot be resumed; the record
    # (and its code) stays, so orders and the audit log keep pointing at it.
    CLOSED = "closed"


class Tier(StrEnum):
    """Subscription tiers; their limits are in orion.tenancy.tiers (docs/platform-admin.md, Tiers)."""

    ESSENTIAL = "essential"
    PROFESSIONAL = "professional"
    BUSINESS = "business"
    ENTERPRISE = "enterprise"


class Platform(BaseModel):
    """A branded marketplace (oms, loyalty) with its own domains and enabled optional modules."""

    model_config = ConfigDict(frozen=True)

    code: Code
    name: str = Field(min_length=1, max_length=120)
    domains: tuple[str, ...] = ()
    enabled_modules: frozenset[str] = frozenset()
    default_theme: str = "default"
    default_language: str = "en"
    # The languages the platform's own site speaks (default first), and the tier a store opened
    # without naming one gets; both may come from the environment's declaration (cdk.json).
    languages: tuple[str, ...] = ("en",)
    default_tier: Tier = Tier.ESSENTIAL


class Merchant(BaseModel):
    """The business that owns one or more stores on a platform."""

    model_config = ConfigDict(frozen=True)

    id: str
    platform: Code
    name: str = Field(min_length=1, max_length=200)
    contact_email: str | None = None


class Store(BaseModel):
    """A shop on a platform, with its commercial settings."""

    model_config = ConfigDict(frozen=True)

    platform: Code
    code: Code
    name: str = Field(min_length=1, max_length=200)
    merchant_id: str
    tier: Tier = Tier.ESSENTIAL
    status: StoreStatus = StoreStatus.ACTIVE
    default_language: str = "en"
    languages: tuple[str, ...] = ("en",)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    contact_email: str | None = None
    # The business's postal address (one line per part, e.g. street, postal code and city, country)
    # and telephone, as the platform admin's bulk import or the store's staff gave them.
    business_address: str | None = Field(default=None, max_length=600)
    phone: str | None = Field(default=None, max_length=40)
    created_at: datetime | None = None
    # The NOTIFICATION_KINDS the store switched off (none by default: every e-mail goes out).
    notifications_off: frozenset[str] = frozenset()

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.platform, self.code)

    def notifies(self, kind: str) -> bool:
        """Whether the store sends the e-mail ``kind`` (one of NOTIFICATION_KINDS)."""
        return kind not in self.notifications_off

    @property
    def notifications(self) -> dict[str, bool]:
        """Each switchable e-mail and whether it is on."""
        return {kind: self.notifies(kind) for kind in NOTIFICATION_KINDS}

    @property
    def is_active(self) -> bool:
        return self.status is StoreStatus.ACTIVE


class StoreDomain(BaseModel):
    """A custom host name of a store; it serves shoppers only once verified."""

    model_config = ConfigDict(frozen=True)

    host: str
    platform: Code
    store: Code
    verified: bool = False
    verification_token: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ResolvedTenant:
    """A request's tenant with what every page needs about it, and the path the app should see."""

    tenant: Tenant
    host_kind: HostKind
    path: str
    platform: Platform
    store: Store | None = None
    base_path: str = ""
    # The theme settings in effect (store -> platform defaults -> the default theme), read and cached
    # with the profiles.
    look: Look = DEFAULT_LOOK
