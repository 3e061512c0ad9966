"""``/api/v1/admin``: the platform, its modules and tiers, merchants, stores, users, audit, metrics and
the outbox's undelivered e-mails.

Every route needs a platform admin of the host's platform (see access.py) and works on that
platform only; writes are audit-logged. ``/api/v1/admin/stores/bulk-import`` belongs to the imports
function (a more specific route in the wiring table).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import BaseModel, EmailStr, Field

from functions.admin_api.access import Admin, audit_admin
from orion.audit import service as audit
from orion.audit.service import AuditEntry
from orion.errors import FieldError, Invalid
from orion.identity import service as identity
from orion.identity.models import Membership, User
from orion.metrics.aggregator import enabled_providers, platform_report, widgets_of
from orion.modules.registry import (
    discover_modules,
    missing_dependencies,
    optional_module_codes,
    running_modules,
)
from orion.money import CurrencyCode
from orion.outbox import service as outbox
from orion.outbox.models import OutboxMessage
from orion.tenancy import merchants, platforms, stores
from orion.tenancy.models import CODE_PATTERN, LANGUAGES, Merchant, Platform, Store, Tier
from orion.tenancy.tiers import LIMIT_DESCRIPTIONS, PLANS

router = APIRouter(prefix="/admin", tags=["admin"])

StoreCode = Annotated[str, Path(pattern=CODE_PATTERN.pattern, description="the store's code")]
Id = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$")]


# --- platform and modules ----------------------------------------------------------------------------


class PlatformOut(BaseModel):
    code: str
    name: str
    domains: list[str]
    enabled_modules: list[str]
    default_theme: str
    default_language: str

    @classmethod
    def of(cls, platform: Platform) -> PlatformOut:
        return cls(
            code=platform.code,
            name=platform.name,
            domains=list(platform.domains),
            enabled_modules=sorted(platform.enabled_modules),
            default_theme=platform.default_theme,
            default_language=platform.default_language,
        )


class PlatformChange(BaseModel):
    name: Annotated[str | None, Field(min_length=1, max_length=120)] = None
    domains: Annotated[list[str] | None, Field(min_length=1, max_length=20)] = None
    enabled_modules: Annotated[list[str] | None, Field(max_length=50)] = None
    default_theme: Annotated[str | None, Field(pattern=CODE_PATTERN.pattern)] = None


@router.get("/platform", summary="The platform this API host belongs to")
def get_platform(admin: Admin) -> PlatformOut:
    return PlatformOut.of(platforms.get_platform(admin.tenant))


@router.patch("/platform", summary="Change the platform's name, domains, optional modules or default theme")
def change_platform(request: Request, admin: Admin, change: PlatformChange) -> PlatformOut:
    if change.enabled_modules is not None:
        lacking = missing_dependencies(frozenset(change.enabled_modules))
        if lacking:
            raise Invalid(
                "Some modules need others switched on too.",
                errors=[
                    FieldError("enabled_modules", f"{m} needs {', '.join(d)}") for m, d in lacking.items()
                ],
            )
    platform = platforms.update_platform(
        admin.tenant,
        name=change.name,
        domains=change.domains,
        enabled_modules=change.enabled_modules,
        default_theme=change.default_theme,
        known_optional_modules=optional_module_codes(),
    )
    audit_admin(
        request, admin, "platform.update", platform.code, details=change.model_dump(exclude_none=True)
    )
    return PlatformOut.of(platform)


class ModuleOut(BaseModel):
    code: str
    name: str
    optional: bool
    enabled: bool
    dependencies: list[str]
    permissions: list[str]
    menu: list[str]
    scheduled_tasks: list[str]


@router.get("/modules", summary="Every module: core or optional, and whether it runs on this platform")
def list_modules(admin: Admin) -> list[ModuleOut]:
    running = {m.code for m in running_modules(admin.resolved.platform.enabled_modules)}
    return [
        ModuleOut(
            code=m.code,
            name=m.name,
            optional=m.optional,
            enabled=m.code in running,
            dependencies=list(m.dependencies),
            permissions=[p.code for p in m.permissions],
            menu=[e.label for e in m.menu],
            scheduled_tasks=[t.name for t in m.scheduled_tasks],
        )
        for m in discover_modules()
    ]


class TierOut(BaseModel):
    code: Tier
    name: str
    limits: dict[str, int | None]
    descriptions: dict[str, str]


@router.get("/tiers", summary="Subscription tiers and their limits (null = unlimited)")
def list_tiers(admin: Admin) -> list[TierOut]:
    return [
        TierOut(
            code=plan.tier,
            name=plan.name,
            limits={limit.value: value for limit, value in plan.limits.items()},
            descriptions={limit.value: text for limit, text in LIMIT_DESCRIPTIONS.items()},
        )
        for plan in PLANS.values()
    ]


# --- merchants -----------------------------------------------------------------------------------------


class MerchantIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    contact_email: EmailStr | None = None


@router.get("/merchants", summary="The platform's merchants")
def list_merchants(admin: Admin) -> list[Merchant]:
    return merchants.list_merchants(admin.tenant)


@router.post("/merchants", status_code=status.HTTP_201_CREATED, summary="Add a merchant")
def create_merchant(request: Request, admin: Admin, body: MerchantIn) -> Merchant:
    merchant = merchants.create_merchant(admin.tenant, body.name, body.contact_email)
    audit_admin(request, admin, "merchant.create", merchant.id, details={"name": merchant.name})
    return merchant


@router.get("/merchants/{merchant_id}", summary="One merchant and its stores")
def get_merchant(admin: Admin, merchant_id: Id) -> dict[str, object]:
    merchant = merchants.get_merchant(admin.tenant, merchant_id)
    owned = [s.code for s in stores.list_stores(admin.tenant) if s.merchant_id == merchant.id]
    return {**merchant.model_dump(), "stores": owned}


# --- stores --------------------------------------------------------------------------------------------


class StoreIn(BaseModel):
    code: Annotated[str, Field(pattern=CODE_PATTERN.pattern)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    merchant_id: Annotated[str, Field(pattern=r"^[0-9A-Z]{26}$")]
    tier: Tier = Tier.ESSENTIAL
    languages: Annotated[list[str], Field(min_length=1, max_length=len(LANGUAGES))] = ["en"]
    currency: CurrencyCode = "EUR"
    contact_email: EmailStr | None = None


class TierChange(BaseModel):
    tier: Tier


class Transfer(BaseModel):
    merchant_id: Annotated[str, Field(pattern=r"^[0-9A-Z]{26}$")]


@router.get("/stores", summary="The platform's stores")
def list_stores(admin: Admin) -> list[Store]:
    return stores.list_stores(admin.tenant)


@router.post("/stores", status_code=status.HTTP_201_CREATED, summary="Open a store for a merchant")
def create_store(request: Request, admin: Admin, body: StoreIn) -> Store:
    unknown = [lang for lang in body.languages if lang not in LANGUAGES]
    if unknown:
        raise Invalid(errors=[FieldError("languages", f"unsupported: {', '.join(unknown)}")])
    store = stores.create_store(
        admin.tenant,
        body.code,
        body.name,
        body.merchant_id,
        tier=body.tier,
        languages=tuple(body.languages),
        currency=body.currency,
        contact_email=body.contact_email,
    )
    audit_admin(request, admin, "store.create", store.code, store=store.code, details={"tier": store.tier})
    return store


@router.get("/stores/{code}", summary="One store")
def get_store(admin: Admin, code: StoreCode) -> Store:
    return stores.get_store(admin.tenant, code)


@router.post("/stores/{code}/suspend", summary="Take a store offline (its hosts answer 404)")
def suspend_store(request: Request, admin: Admin, code: StoreCode) -> Store:
    store = stores.suspend_store(admin.tenant, code)
    audit_admin(request, admin, "store.suspend", code, store=code)
    return store


@router.post("/stores/{code}/resume", summary="Bring a suspended store back")
def resume_store(request: Request, admin: Admin, code: StoreCode) -> Store:
    store = stores.resume_store(admin.tenant, code)
    audit_admin(request, admin, "store.resume", code, store=code)
    return store


@router.put("/stores/{code}/tier", summary="Move a store to another subscription tier")
def change_tier(request: Request, admin: Admin, code: StoreCode, body: TierChange) -> Store:
    before = stores.get_store(admin.tenant, code).tier
    store = stores.change_tier(admin.tenant, code, body.tier)
    audit_admin(request, admin, "store.tier", code, store=code, details={"from": before, "to": body.tier})
    return store


@router.post("/stores/{code}/transfer", summary="Hand a store to another merchant of this platform")
def transfer_store(request: Request, admin: Admin, code: StoreCode, body: Transfer) -> Store:
    before = stores.get_store(admin.tenant, code).merchant_id
    store = stores.transfer_store(admin.tenant, code, body.merchant_id)
    audit_admin(
        request, admin, "store.transfer", code, store=code, details={"from": before, "to": body.merchant_id}
    )
    return store


# --- users ---------------------------------------------------------------------------------------------


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    active: bool
    platform_admin: bool
    created_at: datetime | None = None
    memberships: list[dict[str, str]] = []  # every answer about a user lists them

    @classmethod
    def of(cls, user: User, memberships: list[Membership] | None = None) -> UserOut:
        return cls(
            **user.model_dump(include={"id", "email", "name", "active", "platform_admin", "created_at"}),
            memberships=[{"store": m.store, "role": m.role.value} for m in memberships or []],
        )


@router.get("/users", summary="Find a staff user of this platform by e-mail")
def find_user(admin: Admin, email: Annotated[EmailStr, Query()]) -> UserOut:
    user = identity.find_user(admin.tenant, email)
    return UserOut.of(*identity.get_user(admin.tenant, user.id))


@router.get("/users/{user_id}", summary="A staff user and their memberships")
def get_user(admin: Admin, user_id: Id) -> UserOut:
    return UserOut.of(*identity.get_user(admin.tenant, user_id))


@router.post(
    "/users/{user_id}/lock",
    summary="Lock a user out at once: their tokens get 401 on the next request, refresh is refused",
)
def lock_user(request: Request, admin: Admin, user_id: Id) -> UserOut:
    if user_id == admin.user.id:
        raise Invalid("You cannot lock yourself out.")
    identity.set_user_locked(admin.tenant, user_id, locked=True)
    audit_admin(request, admin, "user.lock", user_id)
    return UserOut.of(*identity.get_user(admin.tenant, user_id))


@router.post("/users/{user_id}/unlock", summary="Let a locked user sign in again")
def unlock_user(request: Request, admin: Admin, user_id: Id) -> UserOut:
    identity.set_user_locked(admin.tenant, user_id, locked=False)
    audit_admin(request, admin, "user.unlock", user_id)
    return UserOut.of(*identity.get_user(admin.tenant, user_id))


@router.post(
    "/users/{user_id}/reset-password",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send the user a new password by e-mail (the old one and every earlier token stop working)",
)
def reset_password(request: Request, admin: Admin, user_id: Id) -> UserOut:
    identity.reset_password(admin.tenant, user_id)
    audit_admin(request, admin, "user.reset_password", user_id)
    return UserOut.of(*identity.get_user(admin.tenant, user_id))


# --- audit and metrics ---------------------------------------------------------------------------------


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    next_cursor: str | None = None


@router.get("/audit", summary="The audit log across the platform's stores, newest first")
def list_audit(
    admin: Admin,
    store: Annotated[str | None, Query(pattern=CODE_PATTERN.pattern)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> AuditPage:
    entries, next_cursor = audit.list_platform_entries(admin.tenant, limit=limit, cursor=cursor, store=store)
    return AuditPage(entries=entries, next_cursor=next_cursor)


@router.get("/metrics", summary="The platform's figures from every running module (counters, no scans)")
def platform_metrics(admin: Admin) -> dict[str, object]:
    enabled = admin.resolved.platform.enabled_modules
    report = platform_report(admin.tenant.platform, enabled_providers(enabled))
    return {**report.as_dict(), "widgets": widgets_of(report, enabled)}


# --- outbox --------------------------------------------------------------------------------------------


class OutboxEntry(BaseModel):
    """An e-mail of the platform's outbox as operators see it (without its body: it may hold links
    with single-use tokens)."""

    id: str
    store: str | None
    kind: str
    to: str
    subject: str
    created_at: datetime
    status: str
    attempts: int
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    failed_at: datetime | None = None

    @classmethod
    def of(cls, message: OutboxMessage) -> OutboxEntry:
        return cls(
            **message.model_dump(
                include={
                    "id",
                    "store",
                    "kind",
                    "to",
                    "subject",
                    "created_at",
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "failed_at",
                }
            ),
            status=message.status,
        )


@router.get("/outbox", summary="E-mails given up after their last attempt (failed) or still waiting")
def list_outbox(
    admin: Admin,
    status_filter: Annotated[str, Query(alias="status", pattern="^(failed|pending)$")] = "failed",
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> list[OutboxEntry]:
    messages = outbox.list_undelivered(admin.tenant, failed=status_filter == "failed", limit=limit)
    return [OutboxEntry.of(m) for m in messages]


@router.post("/outbox/{message_id}/retry", summary="Give a failed e-mail a fresh set of attempts")
def retry_outbox_message(request: Request, admin: Admin, message_id: Id) -> OutboxEntry:
    message = outbox.requeue(admin.tenant, message_id)
    audit_admin(request, admin, "outbox.retry", message_id, store=message.store)
    return OutboxEntry.of(message)
