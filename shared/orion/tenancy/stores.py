"""Stores: a platform admin opens, suspends, re-tiers and transfers the platform's stores (the bulk
store import and the demo data open them the same way), and a store's staff change its own settings.

Platform use cases take the platform's tenant first and reach only its stores; the settings use cases
take the store's tenant (Owners edit, Managers view).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from pynamodb.transactions import TransactWrite

from orion import runtime
from orion.errors import Conflict, FieldError, Invalid, NotFound
from orion.metrics.service import adjust_totals
from orion.money import CurrencyCode
from orion.tenancy.directory import tenant_directory
from orion.tenancy.merchants import get_merchant
from orion.tenancy.models import LANGUAGES, NOTIFICATION_KINDS, Merchant, Store, StoreStatus, Tier
from orion.tenancy.repository import TenancyRepository
from orion.tenancy.resolver import RESERVED_STORE_CODES
from orion.tenant import Tenant, is_valid_code

# --- the platform's stores -----------------------------------------------------------------------------


def list_stores(tenant: Tenant) -> list[Store]:
    return runtime.repository(TenancyRepository).list_stores(tenant.require_platform_only())


def get_store(tenant: Tenant, code: str) -> Store:
    platform = tenant.require_platform_only()
    found = runtime.repository(TenancyRepository).get_store(platform, code) if is_valid_code(code) else None
    if found is None:
        raise NotFound.worded("No store {code} on this platform.", code=repr(code))
    return found


def create_store(
    tenant: Tenant,
    code: str,
    name: str,
    merchant_id: str,
    *,
    tier: Tier | None = None,
    languages: tuple[str, ...] = ("en",),
    default_language: str | None = None,
    currency: str = "EUR",
    contact_email: str | None = None,
    business_address: str | None = None,
    phone: str | None = None,
    status: StoreStatus = StoreStatus.ACTIVE,
) -> Store:
    """Open a store for one of the platform's merchants; its code becomes its subdomain, so reserved
    names are refused."""
    platform = tenant.require_platform_only()
    get_merchant(tenant, merchant_id)
    if code in RESERVED_STORE_CODES:
        raise Invalid(f"the store code {code!r} is reserved")
    repository = runtime.repository(TenancyRepository)
    profile = repository.get_platform(platform)
    if profile is None:
        raise Invalid(f"unknown platform {platform!r}")
    tier = tier or profile.default_tier  # the platform's declared default tier
    default_language = default_language or languages[0]
    if default_language not in languages:
        raise Invalid("the default language must be one of the store's languages")
    store = Store(
        platform=platform,
        code=code,
        name=name,
        merchant_id=merchant_id,
        tier=tier,
        status=status,
        languages=languages,
        default_language=default_language,
        currency=currency,
        contact_email=contact_email,
        business_address=business_address or None,
        phone=phone or None,
        created_at=datetime.now(UTC),
    )
    repository.create_store(store)
    adjust_totals(tenant, {"stores": 1, "stores_suspended": 0 if store.is_active else 1})
    return store


def suspend_store(tenant: Tenant, code: str) -> Store:
    """Take a store offline: its hosts answer 404 (within the tenant cache's TTL elsewhere)."""
    return _change_store(tenant, code, status=StoreStatus.SUSPENDED)


def resume_store(tenant: Tenant, code: str) -> Store:
    return _change_store(tenant, code, status=StoreStatus.ACTIVE)


def close_store(tenant: Tenant, code: str, confirmation: str) -> Store:
    """Close a store for good: it stops serving (its hosts answer 404) and cannot be resumed. The
    admin confirms by typing the store's code (``confirmation``); anything else changes nothing."""
    store = get_store(tenant, code)
    if confirmation.strip() != store.code:
        raise Invalid(
            "Type the store's code to confirm closing it.",
            errors=[FieldError("confirm", "Type the store's code to confirm closing it.")],
        )
    if store.status is StoreStatus.CLOSED:
        return store
    closed = store.model_copy(update={"status": StoreStatus.CLOSED})
    runtime.repository(TenancyRepository).update_store(closed)
    adjust_totals(
        tenant, {"stores": -1, "stores_suspended": -1 if store.status is StoreStatus.SUSPENDED else 0}
    )
    tenant_directory().forget()
    return closed


def _refuse_closed(store: Store) -> None:
    if store.status is StoreStatus.CLOSED:
        raise Conflict.worded("The store {code} is closed.", code=repr(store.code))


def change_tier(tenant: Tenant, code: str, tier: Tier) -> Store:
    """Move a store to another plan; its limits change at once (a downgrade keeps what exists but
    blocks new creations beyond the lower allowance)."""
    return _change_store(tenant, code, tier=tier)


def transfer_store(tenant: Tenant, code: str, merchant_id: str) -> Store:
    """Hand a store to another merchant of the same platform."""
    get_merchant(tenant, merchant_id)
    return _change_store(tenant, code, merchant_id=merchant_id)


def _change_store(tenant: Tenant, code: str, **changes: object) -> Store:
    """A closed store is not changed any more (409)."""
    store = get_store(tenant, code)
    _refuse_closed(store)
    updated = store.model_copy(update=changes)
    if updated == store:
        return store
    runtime.repository(TenancyRepository).update_store(updated)
    if "status" in changes and updated.status is not store.status:
        delta = 1 if updated.status is StoreStatus.SUSPENDED else -1
        adjust_totals(tenant, {"stores_suspended": delta})
    tenant_directory().forget()
    return updated


# --- a store's own settings (its staff) ----------------------------------------------------------------

# A telephone number as people write it: digits, spaces and + ( ) - . / (or nothing, to clear it).
PHONE_PATTERN = r"^(\+?[0-9 ()./-]{3,40})?$"


class StoreSettingsInput(BaseModel):
    """What staff may change about their store (tier, status and code belong to platform admins)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    languages: tuple[str, ...] = Field(min_length=1, max_length=len(LANGUAGES))
    default_language: str
    currency: CurrencyCode
    contact_email: EmailStr | None = None
    # Left out (None): unchanged, so clients that predate them keep what is stored; "" clears them.
    business_address: str | None = Field(default=None, max_length=600)
    phone: str | None = Field(default=None, max_length=40, pattern=PHONE_PATTERN)
    # Which order e-mails go out, by kind (NOTIFICATION_KINDS); kinds left out keep their setting.
    notifications: dict[str, bool] | None = Field(
        default=None,
        description="order e-mails on (true) or off (false), by kind: "
        + ", ".join(NOTIFICATION_KINDS)
        + "; kinds left out are unchanged",
    )

    @field_validator("notifications")
    @classmethod
    def _known_kinds(cls, value: dict[str, bool] | None) -> dict[str, bool] | None:
        unknown = sorted(set(value or {}) - set(NOTIFICATION_KINDS))
        if unknown:
            raise ValueError(f"unknown e-mail kinds: {', '.join(unknown)}")
        return value


def store_profile(tenant: Tenant) -> Store | None:
    """The tenant's store as stored (its tier, languages, ...), or None if there is none: one GetItem.
    The read other features make of a store, instead of reaching into the tenancy table layout."""
    return runtime.repository(TenancyRepository).get_store(tenant.platform, tenant.require_store())


def get_store_settings(tenant: Tenant) -> Store:
    store = runtime.repository(TenancyRepository).get_store(tenant.platform, tenant.require_store())
    if store is None:
        raise NotFound("Unknown store.")
    return store


def update_store_profile(tenant: Tenant, code: str, data: StoreSettingsInput) -> Store:
    """A platform admin edits one of the platform's stores: the same fields and rules as its staff's
    settings (name, languages, currency, contact e-mail, business address, phone)."""
    store = get_store(tenant, code)
    _refuse_closed(store)
    return update_store_settings(store.tenant, data)


def update_store_settings(tenant: Tenant, data: StoreSettingsInput) -> Store:
    unknown = [lang for lang in data.languages if lang not in LANGUAGES]
    if unknown:
        raise Invalid(f"Unsupported languages: {', '.join(unknown)} (supported: {', '.join(LANGUAGES)}).")
    if data.default_language not in data.languages:
        raise Invalid("The default language must be one of the store's languages.")
    store = get_store_settings(tenant).model_copy(
        update={
            "name": data.name,
            "languages": tuple(dict.fromkeys(data.languages)),
            "default_language": data.default_language,
            "currency": data.currency,
            "contact_email": str(data.contact_email) if data.contact_email else None,
        }
    )
    if data.business_address is not None:
        store = store.model_copy(update={"business_address": data.business_address.strip() or None})
    if data.phone is not None:
        store = store.model_copy(update={"phone": data.phone.strip() or None})
    if data.notifications is not None:
        wanted = {**store.notifications, **data.notifications}
        off = frozenset(kind for kind, on in wanted.items() if not on)
        store = store.model_copy(update={"notifications_off": off})
    runtime.repository(TenancyRepository).update_store(store)
    tenant_directory().forget()
    return store


def store_exists(platform: str, code: str) -> bool:
    """Whether ``code`` names a store of ``platform`` (any status: a closed store keeps its code)."""
    return runtime.repository(TenancyRepository).get_store(platform, code) is not None


def add_merchant_and_store_to(tx: TransactWrite, merchant: Merchant, store: Store) -> None:
    """Put a new merchant and its new store into ``tx`` (each only if absent): a store opened together
    with other items in one transaction (merchant sign-up)."""
    TenancyRepository.add_merchant_to(tx, merchant)
    item = TenancyRepository._store_item(store)
    tx.save(item, condition=type(item).pk.does_not_exist())
