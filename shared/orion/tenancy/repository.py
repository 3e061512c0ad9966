"""The table layout of tenancy items: platforms, merchants, stores and domain lookups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from pynamodb.attributes import BooleanAttribute, ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DeleteError, PutError, UpdateError
from pynamodb.transactions import TransactWrite

from orion.data import keys
from orion.data.conditions import refused
from orion.data.table import TableItem, get_or_none
from orion.errors import Conflict, NotFound
from orion.rendering.theme_settings import ThemeSettings
from orion.tenancy.models import DomainRecord, Merchant, Platform, Store, StoreDomain, StoreStatus, Tier


class PlatformItem(TableItem, discriminator="Platform"):
    code = UnicodeAttribute()
    name = UnicodeAttribute()
    domains = ListAttribute(of=UnicodeAttribute, default=list)
    enabled_modules = ListAttribute(of=UnicodeAttribute, default=list)
    default_theme = UnicodeAttribute(default="default")
    default_language = UnicodeAttribute(default="en")
    # Absent on platforms stored before they existed: the default language alone, and Essential.
    languages = ListAttribute(of=UnicodeAttribute, null=True)
    default_tier = UnicodeAttribute(null=True)

    def to_model(self) -> Platform:
        return Platform(
            code=self.code,
            name=self.name,
            domains=tuple(str(host) for host in self.domains),
            enabled_modules=frozenset(str(code) for code in self.enabled_modules),
            default_theme=self.default_theme,
            default_language=self.default_language,
            languages=tuple(str(lang) for lang in self.languages or ()) or (self.default_language,),
            default_tier=Tier(self.default_tier or Tier.ESSENTIAL.value),
        )


class MerchantItem(TableItem, discriminator="Merchant"):
    id = UnicodeAttribute()
    platform = UnicodeAttribute()
    name = UnicodeAttribute()
    contact_email = UnicodeAttribute(null=True)

    def to_model(self) -> Merchant:
        return Merchant(id=self.id, platform=self.platform, name=self.name, contact_email=self.contact_email)


class StoreItem(TableItem, discriminator="Store"):
    platform = UnicodeAttribute()
    code = UnicodeAttribute()
    name = UnicodeAttribute()
    merchant_id = UnicodeAttribute()
    tier = UnicodeAttribute()
    status = UnicodeAttribute()
    default_language = UnicodeAttribute()
    languages = ListAttribute(of=UnicodeAttribute)
    currency = UnicodeAttribute()
    contact_email = UnicodeAttribute(null=True)
    business_address = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    notifications_off = ListAttribute(of=UnicodeAttribute, null=True)

    def to_model(self) -> Store:
        return Store(
            platform=self.platform,
            code=self.code,
            name=self.name,
            merchant_id=self.merchant_id,
            tier=Tier(self.tier),
            status=StoreStatus(self.status),
            default_language=self.default_language,
            languages=tuple(str(lang) for lang in self.languages),
            currency=self.currency,
            contact_email=self.contact_email,
            business_address=self.business_address,
            phone=self.phone,
            created_at=self.created_at,
            notifications_off=frozenset(str(kind) for kind in self.notifications_off or ()),
        )


class ThemeSettingsItem(TableItem, discriminator="ThemeSettings"):
    """A store's theme settings, or a platform's defaults for its stores (JSON, fields left out are
    inherited)."""

    settings = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute(null=True)


class Profiles(NamedTuple):
    """What a request needs to know of its tenant, read together: the platform, the store (if any) and
    the theme settings of each (``None``: none stored)."""

    platform: Platform | None
    store: Store | None
    platform_theme: ThemeSettings | None = None
    store_theme: ThemeSettings | None = None


# How long a store's first claim of a host is remembered: releasing and re-claiming within it keeps the
# first claim's date, so a pending claim cannot be renewed forever by dropping and adding it again.
CLAIM_MEMORY = timedelta(days=365)


class DomainClaimItem(TableItem, discriminator="DomainClaim"):
    first_claimed_at = UTCDateTimeAttribute()


class DomainItem(TableItem, discriminator="Domain"):
    host = UnicodeAttribute()
    platform = UnicodeAttribute()
    store = UnicodeAttribute(null=True)
    verified = BooleanAttribute(default=False)
    verification_token = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)

    def to_record(self) -> DomainRecord:
        return DomainRecord(host=self.host, platform=self.platform, store=self.store, verified=self.verified)

    def to_model(self) -> StoreDomain:
        if self.store is None:
            raise ValueError("a platform domain is not a store domain")
        return StoreDomain(
            host=self.host,
            platform=self.platform,
            store=self.store,
            verified=self.verified,
            verification_token=self.verification_token,
            created_at=self.created_at,
        )


class TenancyRepository:
    """Reads and writes tenancy items. Every store-scoped call takes the tenant's codes explicitly."""

    # --- request path (cheap, counted in benchmarks) ---

    def lookup_domains(self, hosts: Sequence[str]) -> dict[str, DomainRecord]:
        """The ``DOMAIN#`` records of ``hosts`` that exist: one BatchGetItem."""
        found: dict[str, DomainRecord] = {}
        for item in TableItem.batch_get([(keys.domain_pk(h), keys.DOMAIN_SK) for h in hosts]):
            if isinstance(item, DomainItem):
                found[item.host] = item.to_record()
        return found

    def load_profiles(self, platform: str, store: str | None) -> Profiles:
        """A platform and (optionally) one of its stores, with the theme settings of each: one
        BatchGetItem."""
        wanted = [(keys.platform_pk(platform), keys.PLATFORM_SK), keys.theme_settings_key(platform, None)]
        if store is not None:
            wanted += [
                (keys.store_pk(platform, store), keys.STORE_SK),
                keys.theme_settings_key(platform, store),
            ]
        platform_model: Platform | None = None
        store_model: Store | None = None
        themes: dict[str, ThemeSettings] = {}
        for item in TableItem.batch_get(wanted):
            if isinstance(item, PlatformItem):
                platform_model = item.to_model()
            elif isinstance(item, StoreItem):
                store_model = item.to_model()
            elif isinstance(item, ThemeSettingsItem):
                themes[item.pk] = ThemeSettings.from_stored(item.settings)
        return Profiles(
            platform_model,
            store_model,
            themes.get(keys.platform_pk(platform)),
            themes.get(keys.store_pk(platform, store)) if store is not None else None,
        )

    # --- theme settings (staff and admins) ---

    def theme_layers(self, platform: str, store: str | None) -> tuple[ThemeSettings, ThemeSettings | None]:
        """The platform's theme defaults and (for a store) the store's own settings, as stored now:
        one strongly consistent BatchGetItem. Nothing stored reads as empty settings."""
        wanted = [keys.theme_settings_key(platform, None)]
        if store is not None:
            wanted.append(keys.theme_settings_key(platform, store))
        found = {
            item.pk: ThemeSettings.from_stored(item.settings)
            for item in TableItem.batch_get(wanted, consistent_read=True)
            if isinstance(item, ThemeSettingsItem)
        }
        defaults = found.get(keys.platform_pk(platform), ThemeSettings())
        if store is None:
            return defaults, None
        return defaults, found.get(keys.store_pk(platform, store), ThemeSettings())

    def put_theme_settings(self, platform: str, store: str | None, settings: ThemeSettings) -> None:
        """Store a tenant's theme settings (settings that set nothing delete the item)."""
        pk, sk = keys.theme_settings_key(platform, store)
        settings = settings.normalised()
        if settings == ThemeSettings():
            ThemeSettingsItem(pk, sk).delete()
            return
        ThemeSettingsItem(pk, sk, settings=settings.stored(), updated_at=datetime.now(UTC)).save()

    # --- reads for admin and staff ---

    def get_platform(self, platform: str) -> Platform | None:
        item = get_or_none(PlatformItem, keys.platform_pk(platform), keys.PLATFORM_SK)
        return item.to_model() if item else None

    def get_store(self, platform: str, store: str) -> Store | None:
        item = get_or_none(StoreItem, keys.store_pk(platform, store), keys.STORE_SK)
        return item.to_model() if item else None

    def list_stores(self, platform: str) -> list[Store]:
        return [
            item.to_model()
            for item in StoreItem.gsi1.query(keys.platform_stores_gsi1pk(platform))
            if isinstance(item, StoreItem)
        ]

    def list_store_domains(self, platform: str, store: str) -> list[StoreDomain]:
        return [
            item.to_model()
            for item in DomainItem.gsi1.query(keys.store_domains_gsi1pk(platform, store))
            if isinstance(item, DomainItem)
        ]

    # --- writes ---

    def put_platform(self, platform: Platform) -> None:
        """Create or replace a platform and claim its domains (a domain already taken is a conflict)."""
        item = PlatformItem(
            keys.platform_pk(platform.code),
            keys.PLATFORM_SK,
            gsi1pk=keys.PLATFORMS_GSI1PK,
            gsi1sk=platform.code,
            code=platform.code,
            name=platform.name,
            domains=list(platform.domains),
            enabled_modules=sorted(platform.enabled_modules),
            default_theme=platform.default_theme,
            default_language=platform.default_language,
            languages=list(platform.languages),
            default_tier=platform.default_tier.value,
        )
        with self._transaction() as tx:
            tx.save(item)
            for host in platform.domains:
                tx.save(
                    _domain_item(host, platform.code, None, verified=True),
                    condition=(DomainItem.pk.does_not_exist() | (DomainItem.platform == platform.code)),
                )

    def put_merchant(self, merchant: Merchant) -> None:
        MerchantItem(
            keys.merchant_pk(merchant.platform, merchant.id),
            keys.MERCHANT_SK,
            gsi1pk=keys.platform_merchants_gsi1pk(merchant.platform),
            gsi1sk=merchant.name.lower(),
            id=merchant.id,
            platform=merchant.platform,
            name=merchant.name,
            contact_email=merchant.contact_email,
        ).save()

    def create_store(self, store: Store) -> None:
        """Create a store; its code must be free on the platform."""
        try:
            self._store_item(store).save(condition=StoreItem.pk.does_not_exist())
        except PutError as exc:
            if refused(exc):
                raise Conflict(f"store code {store.code!r} is already taken on {store.platform}") from exc
            raise

    def put_store_domain(self, domain: StoreDomain, *, stale_claims_before: datetime | None = None) -> None:
        """Claim a host for a store; a host claimed by anyone else is a conflict, except a pending
        (never verified) claim made before ``stale_claims_before``, which the new claim replaces."""
        item = _domain_item(
            domain.host,
            domain.platform,
            domain.store,
            verified=domain.verified,
            token=domain.verification_token,
            created_at=domain.created_at,
        )
        same_owner = (DomainItem.platform == domain.platform) & (DomainItem.store == domain.store)
        condition = DomainItem.pk.does_not_exist() | same_owner
        if stale_claims_before is not None:
            stale = (
                DomainItem.store.exists()
                & (DomainItem.verified == False)  # noqa: E712 - a DynamoDB condition, not a bool
                & (DomainItem.created_at < stale_claims_before)
            )
            condition = condition | stale
        try:
            item.save(condition=condition)
        except PutError as exc:
            if refused(exc):
                raise Conflict(f"the domain {domain.host} is already in use") from exc
            raise

    def first_claimed_at(self, platform: str, store: str, host: str) -> datetime | None:
        """When the store first claimed ``host`` (kept a year past that, released or not)."""
        item = get_or_none(
            DomainClaimItem, keys.domain_claims_pk(platform, store), host, consistent_read=True
        )
        return item.first_claimed_at if item else None

    def remember_first_claim(self, platform: str, store: str, host: str, at: datetime) -> None:
        """Record the store's first claim of ``host`` (an earlier record stays as it is)."""
        try:
            DomainClaimItem(
                keys.domain_claims_pk(platform, store),
                host,
                first_claimed_at=at,
                ttl=at + CLAIM_MEMORY,
            ).save(condition=DomainClaimItem.pk.does_not_exist())
        except PutError as exc:
            if not refused(exc):
                raise

    def mark_store_domain_verified(self, platform: str, store: str, host: str) -> None:
        """Verify a store's pending domain in place (its claim date stays) and take it off the
        pending index; NotFound once it is no longer that store's."""
        try:
            DomainItem(keys.domain_pk(host), keys.DOMAIN_SK).update(
                actions=[
                    DomainItem.verified.set(True),
                    DomainItem.gsi2pk.remove(),
                    DomainItem.gsi2sk.remove(),
                ],
                condition=(DomainItem.platform == platform) & (DomainItem.store == store),
            )
        except UpdateError as exc:
            if refused(exc):
                raise NotFound.worded("{host} is not one of this store's domains.", host=host) from exc
            raise

    # --- platform admin ---

    def list_platforms(self) -> list[Platform]:
        return [
            item.to_model()
            for item in PlatformItem.gsi1.query(keys.PLATFORMS_GSI1PK)
            if isinstance(item, PlatformItem)
        ]

    def get_merchant(self, platform: str, merchant_id: str) -> Merchant | None:
        # Strongly consistent: a store is opened for a merchant created a moment before (bulk import).
        item = get_or_none(
            MerchantItem, keys.merchant_pk(platform, merchant_id), keys.MERCHANT_SK, consistent_read=True
        )
        return item.to_model() if item else None

    def list_merchants(self, platform: str) -> list[Merchant]:
        return [
            item.to_model()
            for item in MerchantItem.gsi1.query(keys.platform_merchants_gsi1pk(platform))
            if isinstance(item, MerchantItem)
        ]

    def update_store(self, store: Store) -> None:
        """Replace an existing store's profile (never recreates a store that is gone)."""
        try:
            self._store_item(store).save(condition=StoreItem.pk.exists())
        except PutError as exc:
            if refused(exc):
                raise NotFound.worded(
                    "No store {code} on {platform}.", code=repr(store.code), platform=store.platform
                ) from exc
            raise

    def release_store_domain(self, platform: str, store: str, host: str) -> None:
        """Delete a store's custom domain (only if it is still that store's)."""
        try:
            DomainItem(keys.domain_pk(host), keys.DOMAIN_SK).delete(
                condition=(DomainItem.platform == platform) & (DomainItem.store == store)
            )
        except DeleteError as exc:
            if refused(exc):
                raise NotFound.worded("{host} is not one of this store's domains.", host=host) from exc
            raise

    def release_platform_domains(self, platform: str, hosts: Iterable[str]) -> None:
        """Delete the ``DOMAIN#`` records of hosts the platform no longer serves (its own only)."""
        hosts = list(hosts)
        if not hosts:
            return
        with self._transaction() as tx:
            for host in hosts:
                tx.delete(
                    _domain_item(host, platform, None, verified=True),
                    condition=(DomainItem.platform == platform) & DomainItem.store.does_not_exist(),
                )

    def list_pending_domains(self, platform: str) -> list[StoreDomain]:
        """The platform's store domains still waiting for verification (sparse GSI2)."""
        return [
            item.to_model()
            for item in DomainItem.gsi2.query(keys.pending_domains_gsi2pk(platform))
            if isinstance(item, DomainItem) and item.store is not None and not item.verified
        ]

    @staticmethod
    def add_merchant_to(tx: TransactWrite, merchant: Merchant) -> None:
        """Save a new merchant within ``tx`` (refused if the id exists)."""
        tx.save(
            MerchantItem(
                keys.merchant_pk(merchant.platform, merchant.id),
                keys.MERCHANT_SK,
                gsi1pk=keys.platform_merchants_gsi1pk(merchant.platform),
                gsi1sk=merchant.name.lower(),
                id=merchant.id,
                platform=merchant.platform,
                name=merchant.name,
                contact_email=merchant.contact_email,
            ),
            condition=MerchantItem.pk.does_not_exist(),
        )

    @staticmethod
    def _store_item(store: Store) -> StoreItem:
        return StoreItem(
            keys.store_pk(store.platform, store.code),
            keys.STORE_SK,
            gsi1pk=keys.platform_stores_gsi1pk(store.platform),
            gsi1sk=store.code,
            platform=store.platform,
            code=store.code,
            name=store.name,
            merchant_id=store.merchant_id,
            tier=store.tier.value,
            status=store.status.value,
            default_language=store.default_language,
            languages=list(store.languages),
            currency=store.currency,
            contact_email=store.contact_email,
            business_address=store.business_address,
            phone=store.phone,
            created_at=store.created_at or datetime.now(UTC),
            notifications_off=sorted(store.notifications_off) or None,
        )

    @staticmethod
    def _transaction() -> TransactWrite:
        return TransactWrite(connection=TableItem._get_connection().connection)


def _domain_item(
    host: str,
    platform: str,
    store: str | None,
    *,
    verified: bool,
    token: str | None = None,
    created_at: datetime | None = None,
) -> DomainItem:
    item = DomainItem(
        keys.domain_pk(host),
        keys.DOMAIN_SK,
        host=host,
        platform=platform,
        store=store,
        verified=verified,
        verification_token=token,
        created_at=created_at or datetime.now(UTC),
    )
    if store is not None:
        item.gsi1pk = keys.store_domains_gsi1pk(platform, store)
        item.gsi1sk = host
        if not verified:  # sparse: only domains waiting for verification are listed here
            item.gsi2pk = keys.pending_domains_gsi2pk(platform)
            item.gsi2sk = host
    return item
