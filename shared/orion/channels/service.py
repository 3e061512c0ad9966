"""Channels' use cases: a store's integrations (credentials write-only), publishing its products to them
by the integration's rules, and the publishing records that say how each item went.

Publishing here runs in the caller's request (the channel worker reuses its steps for change events and
large publishes: orion.channels.worker, orion.channels.jobs): one failing item ends in its record as
``failed`` with the reason and never stops the others; an item whose prepared content has the hash last
sent is not sent (nor written) again.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from urllib.parse import SplitResult, urlsplit

from orion import net, runtime
from orion.catalog import service as catalog
from orion.catalog.models import MAX_PAGE_SIZE, Product, ProductStatus
from orion.channels.adapters import (
    ChannelAdapter,
    ConnectionCheck,
    adapter_for,
    is_channel_copy,
    target_store,
)
from orion.channels.errors import (
    ChannelUnavailable,
    DestinationError,
    PublishTooLarge,
    RemoteMissing,
    is_temporary,
)
from orion.channels.models import (
    API_VERSION,
    CREDENTIAL_FIELDS,
    DEFAULT_SHOPIFY_API_VERSION,
    HINTED_CREDENTIAL,
    OLDEST_SHOPIFY_API_VERSION,
    OPTIONAL_CREDENTIAL_FIELDS,
    ChannelConfig,
    ChannelPlatform,
    Credentials,
    Integration,
    IntegrationChanges,
    IntegrationInput,
    ItemKind,
    JobStatus,
    ProductSelection,
    PublishingRules,
    PublishJob,
    PublishRecord,
    PublishRequest,
    RecordStatus,
    SyncStatus,
    UnpublishRequest,
)
from orion.channels.repository import ChannelCredentials, ChannelRepository
from orion.channels.sync import sync_fields
from orion.cms import service as cms
from orion.cms.models import Page
from orion.errors import BadRequest, FieldError, Invalid, NotFound, OrionError
from orion.ids import new_id
from orion.observability import logger
from orion.settings import get_settings
from orion.tenant import Tenant

MAX_INTEGRATIONS = 20  # per store
# A publish of "all" runs in the request up to this many products (more: in the background, jobs.py).
MAX_PUBLISH_ALL = 200
RECORDS_PAGE_SIZE = 50
_SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$")
_REASON_LENGTH = 500


def _now() -> datetime:
    return datetime.now(UTC)


def _repository() -> ChannelRepository:
    return runtime.repository(ChannelRepository)


# --- integrations ----------------------------------------------------------------------------------


def list_integrations(tenant: Tenant) -> list[Integration]:
    return _repository().all(tenant)


def get_integration(tenant: Tenant, integration_id: str) -> Integration:
    """The store's integration (NotFound for another store's, or none)."""
    found = _repository().get(tenant, integration_id) if _plausible_id(integration_id) else None
    if found is None:
        raise NotFound.worded("No integration {id}.", id=integration_id[:40])
    return found


def create_integration(tenant: Tenant, data: IntegrationInput) -> Integration:
    """Add an integration; its config and credentials are checked for its platform (Invalid, 422)."""
    if len(_repository().all(tenant)) >= MAX_INTEGRATIONS:
        raise Invalid(f"A store has at most {MAX_INTEGRATIONS} integrations.")
    config = _checked_config(tenant, data.platform, data.config)
    _check_credentials(data.platform, data.credentials, required=True)
    now = _now()
    integration = Integration(
        id=new_id(),
        platform=data.platform,
        name=data.name or _default_name(data.platform, config),
        config=config,
        rules=data.rules,
        is_active=data.is_active,
        sync_enabled=data.sync_enabled,
        credentials_hint=_hint(data.platform, data.credentials),
        created_at=now,
        updated_at=now,
    )
    if data.credentials:
        runtime.repository(ChannelCredentials).put(tenant, integration.id, _plain(data.credentials))
    _repository().save(tenant, integration)
    return integration


def update_integration(tenant: Tenant, integration_id: str, changes: IntegrationChanges) -> Integration:
    """Change what was sent; credentials sent replace the stored ones whole."""
    current = get_integration(tenant, integration_id)
    update: dict[str, object] = {
        field: getattr(changes, field)
        for field in ("name", "rules", "is_active", "sync_enabled")
        if getattr(changes, field) is not None
    }
    if changes.config is not None:
        update["config"] = _checked_config(tenant, current.platform, changes.config)
    if changes.credentials is not None:
        _check_credentials(current.platform, changes.credentials, required=True)
        runtime.repository(ChannelCredentials).put(tenant, current.id, _plain(changes.credentials))
        update["credentials_hint"] = _hint(current.platform, changes.credentials)
    integration = current.model_copy(update={**update, "updated_at": _now()})
    _repository().save(tenant, integration)
    return integration


def delete_integration(tenant: Tenant, integration_id: str) -> None:
    """Forget the integration, its credentials and its records (what was published stays published)."""
    integration = get_integration(tenant, integration_id)
    runtime.repository(ChannelCredentials).delete(tenant, integration.id)
    _repository().delete(tenant, integration.id)


def check_connection(tenant: Tenant, integration_id: str) -> ConnectionCheck:
    """Ask the destination whether it can be published to (for ``orion_site``: the target store is
    still another store of the same merchant)."""
    integration = get_integration(tenant, integration_id)
    try:
        adapter = adapter_for(tenant, integration)
    except Invalid as exc:
        return ConnectionCheck(False, "; ".join(e.message for e in exc.errors) or str(exc))
    return adapter.test_connection()


def _default_name(platform: ChannelPlatform, config: ChannelConfig) -> str:
    where = config.site_url or config.shop_domain or config.store or ""
    return f"{platform.value} {where}".strip()[:120]


def _checked_config(tenant: Tenant, platform: ChannelPlatform, config: ChannelConfig) -> ChannelConfig:
    """The config with what the platform needs, nothing it does not take (Invalid naming each field)."""
    errors: list[FieldError] = []
    needed = {
        ChannelPlatform.WORDPRESS: {"site_url"},
        ChannelPlatform.SHOPIFY: {"shop_domain", "api_version"},
        ChannelPlatform.ORION_SITE: {"store"},
    }[platform]
    for field in sorted(set(ChannelConfig.model_fields) - needed):
        if getattr(config, field) is not None:
            errors.append(
                FieldError(f"config.{field}", f"an integration with {platform.value} does not take it")
            )
    if platform is ChannelPlatform.WORDPRESS:
        parts = urlsplit(config.site_url or "")
        secure = parts.scheme == "https" or (parts.scheme == "http" and _trusted_host(parts))
        if not secure or not parts.hostname or parts.username or parts.password:
            errors.append(
                FieldError("config.site_url", "must be the site's https:// address (no credentials)")
            )
        elif parts.query or parts.fragment:
            errors.append(FieldError("config.site_url", "must be the site's address, without ? or #"))
        elif not _trusted_host(parts) and (reason := _not_public(parts)):
            errors.append(FieldError("config.site_url", reason))
    if platform is ChannelPlatform.SHOPIFY:
        if not _SHOP_DOMAIN.fullmatch((config.shop_domain or "").lower()):
            errors.append(FieldError("config.shop_domain", "must be the shop's <name>.myshopify.com domain"))
        version = config.api_version or DEFAULT_SHOPIFY_API_VERSION
        if not API_VERSION.fullmatch(version):
            errors.append(FieldError("config.api_version", "must be a Shopify API version such as 2025-01"))
        elif version < OLDEST_SHOPIFY_API_VERSION:
            errors.append(FieldError("config.api_version", f"must be {OLDEST_SHOPIFY_API_VERSION} or newer"))
        config = config.model_copy(
            update={"shop_domain": (config.shop_domain or "").lower(), "api_version": version}
        )
    if errors:
        raise Invalid("Check the integration's settings.", errors=errors)
    if platform is ChannelPlatform.ORION_SITE:
        target_store(tenant, config.store)  # Invalid unless another store of the same merchant
    return config


def _trusted_host(parts: SplitResult) -> bool:
    """Whether a plain ``http`` address names a host:port of ``ORION_CHANNELS_TRUSTED_HOSTS`` (the test
    suites' local WordPress; never set in a deployment), the only ones reached without TLS."""
    try:
        port = parts.port or 80
    except ValueError:
        return False
    return f"{(parts.hostname or '').lower()}:{port}" in get_settings().channels_trusted_hosts


def _not_public(parts: SplitResult) -> str | None:
    """Why a site address cannot be published to (orion.channels.http's rules, checked when saved),
    or None: another port than 443, a local-only name, an address literal that is not public."""
    try:
        port = parts.port
    except ValueError:
        return "must be a valid address"
    if port not in (None, 443):
        return "must use https on port 443"
    host = (parts.hostname or "").rstrip(".").lower()
    if net.local_name(host):
        return "must be on the public internet"
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return None
    return None if net.public_address(str(literal)) else "must be on the public internet"


def _check_credentials(platform: ChannelPlatform, credentials: Credentials | None, *, required: bool) -> None:
    wanted = set(CREDENTIAL_FIELDS[platform])
    known = wanted | set(OPTIONAL_CREDENTIAL_FIELDS.get(platform, ()))
    given = set(credentials or {})
    if not known:
        if given:
            raise Invalid(
                "Check the credentials.",
                errors=[
                    FieldError("credentials", f"an integration with {platform.value} takes no credentials")
                ],
            )
        return
    errors = [FieldError(f"credentials.{name}", "unknown credential") for name in sorted(given - known)]
    if required:
        errors += [FieldError(f"credentials.{name}", "required") for name in sorted(wanted - given)]
    errors += [
        FieldError(f"credentials.{name}", "must not be empty")
        for name, value in (credentials or {}).items()
        if name in known and not value.get_secret_value().strip()
    ]
    if errors:
        raise Invalid("Check the credentials.", errors=errors)


def _plain(credentials: Credentials) -> dict[str, str]:
    return {name: value.get_secret_value() for name, value in credentials.items()}


def _hint(platform: ChannelPlatform, credentials: Credentials | None) -> str | None:
    """``••••abcd``: the last four characters of the platform's main credential (none of a short one)."""
    if not credentials:
        return None
    value = credentials[HINTED_CREDENTIAL[platform]].get_secret_value()
    return "••••" + (value[-4:] if len(value) >= 12 else "")


def _plausible_id(value: str) -> bool:
    return 0 < len(value) <= 40 and value.isalnum()


# --- publishing --------------------------------------------------------------------------------------


def selects(rules: PublishingRules, product: Product) -> bool:
    """Whether the rules publish the product (only active products are ever published, and never a
    copy another store's channel made here: it would go back where it came from)."""
    if product.status is not ProductStatus.ACTIVE or is_channel_copy(product):
        return False
    rule = rules.products
    if rule.selection is ProductSelection.CATEGORIES:
        return bool(set(product.categories) & set(rule.categories))
    if rule.selection is ProductSelection.CHOSEN:
        return product.id in rule.product_ids
    return True


def _selected_ids(tenant: Tenant, rules: PublishingRules) -> list[str]:
    """The ids the rules select (active products), for a publish of all: reads the shopper listings."""
    rule = rules.products
    if rule.selection is ProductSelection.CHOSEN:
        return list(rule.product_ids)
    scopes: Iterable[str | None] = (
        rule.categories if rule.selection is ProductSelection.CATEGORIES else [None]
    )
    found: dict[str, None] = {}
    for category in scopes:
        after: str | None = None
        while True:
            page = catalog.list_products(tenant, category=category, after=after, limit=MAX_PAGE_SIZE)
            found.update(dict.fromkeys(item.id for item in page.items))
            if len(found) > MAX_PUBLISH_ALL:
                raise PublishTooLarge(
                    f"The rules select more than {MAX_PUBLISH_ALL} products: the channel worker "
                    "publishes them in the background (orion.channels.jobs)."
                )
            after = page.next_cursor
            if after is None:
                break
    return list(found)


def selects_page(rules: PublishingRules, page: Page) -> bool:
    """Whether the rules publish the CMS page (only published pages are ever published)."""
    return page.published and (rules.pages.all or page.slug in rules.pages.slugs)


def _store_pages(tenant: Tenant) -> dict[str, Page]:
    """The store's pages as shoppers have them (its own and the platform's defaults), by slug."""
    return {page.slug: page for page in cms.list_store_pages(tenant)}


def _published_ids(tenant: Tenant, integration_id: str, item_kind: ItemKind) -> list[str]:
    """Items of a kind with a record at the integration that is not removed (a publish of all takes
    back those the rules no longer select)."""
    ids: list[str] = []
    after: str | None = None
    while True:
        page, after = _repository().record_page(tenant, integration_id, status=None, limit=100, after=after)
        ids += [r.item_id for r in page if r.item_kind is item_kind and r.status is not RecordStatus.REMOVED]
        if after is None:
            return ids


def _usable(tenant: Tenant, integration_id: str) -> tuple[Integration, ChannelAdapter]:
    integration = get_integration(tenant, integration_id)
    if not integration.is_active:
        raise ChannelUnavailable("This integration is paused: activate it to publish.")
    try:
        return integration, adapter_for(tenant, integration)
    except Invalid as exc:  # e.g. the target store changed hands since the integration was saved
        reason = "; ".join(e.message for e in exc.errors) or str(exc)
        _finish_sync(tenant, integration, reason)
        raise


def _finish_sync(tenant: Tenant, integration: Integration, error: str | None) -> None:
    """Note how the run went on the integration as it is now (a staff edit during the run is kept)."""
    current = _repository().get(tenant, integration.id)
    if current is None:  # removed during the run
        return
    status = SyncStatus.FAILED if error else SyncStatus.SUCCESS
    now = _now()
    _repository().save(
        tenant,
        current.model_copy(update={"sync_status": status, "last_sync_at": now, "last_error": error}),
    )


def _record(
    integration_id: str,
    item_id: str,
    previous: PublishRecord | None,
    item_kind: ItemKind = ItemKind.PRODUCT,
    **changes: object,
) -> PublishRecord:
    now = _now()
    base = previous or PublishRecord(
        integration_id=integration_id,
        item_kind=item_kind,
        item_id=item_id,
        created_at=now,
        updated_at=now,
    )
    return base.model_copy(update={**changes, "updated_at": now})


def _reason(exc: Exception) -> str:
    return (str(exc) or type(exc).__name__)[:_REASON_LENGTH]


Item = Product | Page


def publish(
    tenant: Tenant, integration_id: str, request: PublishRequest
) -> tuple[PublishJob, list[PublishRecord]]:
    """Publish the products and CMS pages asked (or every one the rules select) and take back those
    asked that the rules no longer select (archived, drafted, deleted, out of the chosen ones).
    Returns the job and the records of the items it looked at; ids never published there and not
    selected are listed as ``skipped`` on the job."""
    integration, adapter = _usable(tenant, integration_id)
    job = PublishJob(
        id=new_id(),
        integration_id=integration.id,
        action="publish",
        status=JobStatus.RUNNING,
        created_at=_now(),
    )
    pages = _store_pages(tenant) if request.all or request.page_slugs else {}
    if request.all:
        product_ids = [
            *_selected_ids(tenant, integration.rules),
            *_published_ids(tenant, integration.id, ItemKind.PRODUCT),
        ]
        page_slugs = [
            *(slug for slug, page in pages.items() if selects_page(integration.rules, page)),
            *_published_ids(tenant, integration.id, ItemKind.PAGE),
        ]
    else:
        product_ids, page_slugs = list(request.product_ids), list(request.page_slugs)
    run = _Run(tenant, integration, adapter)
    run.items(ItemKind.PRODUCT, product_ids, lambda i: _product_or_none(tenant, i))
    run.items(ItemKind.PAGE, page_slugs, pages.get)
    finished = job.model_copy(
        update={
            **run.counts,
            "requested": run.requested,
            "skipped": tuple(run.skipped),
            "status": JobStatus.FINISHED,
            "finished_at": _now(),
        }
    )
    _repository().save_job(tenant, finished)
    _finish_sync(tenant, integration, run.first_error)
    logger.info(
        "channel publish finished",
        # (prefixed: "created" is a LogRecord attribute of its own)
        extra={
            "integration": integration.id,
            "platform": integration.platform.value,
            **{f"items_{kind}": count for kind, count in run.counts.items()},
        },
    )
    return finished, run.results


def _product_or_none(tenant: Tenant, product_id: str) -> Product | None:
    try:
        return catalog.get_product(tenant, product_id)
    except NotFound:
        return None


class _Run:
    """One publish run's items, counts and records."""

    def __init__(self, tenant: Tenant, integration: Integration, adapter: ChannelAdapter) -> None:
        self.tenant, self.integration, self.adapter = tenant, integration, adapter
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0, "failed": 0}
        self.skipped: list[str] = []
        self.results: list[PublishRecord] = []
        self.first_error: str | None = None
        self.requested = 0

    def items(self, kind: ItemKind, ids: list[str], load: Callable[[str], Item | None]) -> None:
        """Publish or take back each item of one kind (one BatchGetItem per 100 for their records)."""
        wanted = list(dict.fromkeys(ids))
        self.requested += len(wanted)
        repository = _repository()
        records = repository.records(self.tenant, self.integration.id, wanted, kind)
        for item_id in wanted:
            record = records.get(item_id)
            item = load(item_id)
            outcome: tuple[str, PublishRecord] | None
            if item is None or not _selects(self.integration.rules, item):
                if record is None or record.status is RecordStatus.REMOVED or record.remote_id is None:
                    if record is None:
                        self.skipped.append(item_id)
                    else:
                        self.results.append(record)
                    continue
                outcome = _take_back(self.adapter, self.integration.id, item_id, record)
            else:
                outcome = _send(self.adapter, self.integration.id, item, record)
            if outcome is None:  # unchanged since it was last sent: nothing sent, nothing written
                self.counts["unchanged"] += 1
                if record is not None:
                    self.results.append(record)
                continue
            outcome_kind, saved = outcome
            self.counts[outcome_kind] += 1
            if outcome_kind == "failed" and self.first_error is None:
                self.first_error = saved.last_error
            repository.save_record(self.tenant, saved)
            self.results.append(saved)


def _selects(rules: PublishingRules, item: Item) -> bool:
    return selects(rules, item) if isinstance(item, Product) else selects_page(rules, item)


def _send(
    adapter: ChannelAdapter, integration_id: str, item: Item, record: PublishRecord | None
) -> tuple[str, PublishRecord] | None:
    prepared = adapter.prepare(item) if isinstance(item, Product) else adapter.prepare_page(item)
    if (
        record is not None
        and record.status is RecordStatus.SYNCED
        and record.content_hash == prepared.content_hash
    ):
        return None
    attempts = (record.attempts if record and record.status is RecordStatus.FAILED else 0) + 1
    try:
        if record is not None and record.remote_id:
            try:
                remote = adapter.update(record.remote_id, prepared)
                kind = "updated"
            except RemoteMissing:  # deleted at the destination by hand: published anew
                remote = adapter.publish(prepared)
                kind = "created"
        else:
            remote = adapter.publish(prepared)
            kind = "created"
    except Exception as exc:  # one item's fault never stops the others
        if isinstance(exc, DestinationError | OrionError):
            reason = _reason(exc)
        else:
            logger.exception(
                "channel publish of one item failed",
                extra={"item_kind": prepared.item_kind.value, "item_id": prepared.item_id},
            )
            reason = f"unexpected error ({type(exc).__name__}); retry the publish"
        return "failed", _record(
            integration_id,
            prepared.item_id,
            record,
            prepared.item_kind,
            status=RecordStatus.FAILED,
            attempts=attempts,
            last_error=reason,
            retryable=is_temporary(exc),
        )
    return kind, _record(
        integration_id,
        prepared.item_id,
        record,
        prepared.item_kind,
        status=RecordStatus.SYNCED,
        remote_id=remote.remote_id,
        remote_url=remote.remote_url,
        content_hash=prepared.content_hash,
        attempts=attempts,
        last_error=None,
        retryable=False,
        synced_at=_now(),
        sent_fields=sync_fields(item),
    )


def _take_back(
    adapter: ChannelAdapter, integration_id: str, product_id: str, record: PublishRecord
) -> tuple[str, PublishRecord]:
    attempts = (record.attempts if record.status is RecordStatus.FAILED else 0) + 1
    try:
        adapter.unpublish(record.item_kind, record.remote_id or "")
    except (DestinationError, OrionError) as exc:
        return "failed", _record(
            integration_id,
            product_id,
            record,
            status=RecordStatus.FAILED,
            attempts=attempts,
            last_error=_reason(exc),
            retryable=is_temporary(exc),
        )
    return "removed", _record(
        integration_id,
        product_id,
        record,
        status=RecordStatus.REMOVED,
        content_hash=None,
        attempts=attempts,
        last_error=None,
        retryable=False,
        synced_at=_now(),
    )


def unpublish(
    tenant: Tenant, integration_id: str, request: UnpublishRequest
) -> tuple[PublishJob, list[PublishRecord]]:
    """Take the products and pages off the destination (archived products and hidden pages in an
    ``orion_site`` target store)."""
    integration, adapter = _usable(tenant, integration_id)
    repository = _repository()
    counts = {"removed": 0, "failed": 0}
    skipped: list[str] = []
    results: list[PublishRecord] = []
    first_error: str | None = None
    requested = 0
    for kind, ids in ((ItemKind.PRODUCT, request.product_ids), (ItemKind.PAGE, request.page_slugs)):
        wanted = list(dict.fromkeys(ids))
        requested += len(wanted)
        records = repository.records(tenant, integration.id, wanted, kind)
        for item_id in wanted:
            record = records.get(item_id)
            if record is None or record.remote_id is None or record.status is RecordStatus.REMOVED:
                skipped.append(item_id)
                continue
            outcome, saved = _take_back(adapter, integration.id, item_id, record)
            counts[outcome] += 1
            if outcome == "failed" and first_error is None:
                first_error = saved.last_error
            repository.save_record(tenant, saved)
            results.append(saved)
    now = _now()
    job = PublishJob(
        id=new_id(),
        integration_id=integration.id,
        action="unpublish",
        status=JobStatus.FINISHED,
        requested=requested,
        skipped=tuple(skipped),
        created_at=now,
        finished_at=now,
        **counts,
    )
    repository.save_job(tenant, job)
    _finish_sync(tenant, integration, first_error)
    return job, results


def get_job(tenant: Tenant, integration_id: str, job_id: str) -> PublishJob:
    integration = get_integration(tenant, integration_id)
    found = _repository().get_job(tenant, integration.id, job_id) if _plausible_id(job_id) else None
    if found is None:
        raise NotFound.worded("No publish job {id}.", id=job_id[:40])
    return found


def list_records(
    tenant: Tenant,
    integration_id: str,
    *,
    status: RecordStatus | None = None,
    limit: int = RECORDS_PAGE_SIZE,
    after: str | None = None,
) -> tuple[list[PublishRecord], str | None]:
    """One page of the integration's records (optionally of one status) and the next page's cursor."""
    if not 1 <= limit <= 100:
        raise BadRequest("limit must be between 1 and 100")
    integration = get_integration(tenant, integration_id)
    return _repository().record_page(tenant, integration.id, status=status, limit=limit, after=after)


def product_records(tenant: Tenant, product_id: str) -> list[tuple[Integration, PublishRecord]]:
    """The product's records across the store's integrations, each with its integration."""
    if not _plausible_id(product_id):
        raise NotFound.worded("No product {id}.", id=product_id[:40])
    catalog.get_product(tenant, product_id)  # NotFound for a product of another store, or none
    integrations = {i.id: i for i in _repository().all(tenant)}
    found = _repository().item_records(tenant, ItemKind.PRODUCT, product_id)
    return [(integrations[r.integration_id], r) for r in found if r.integration_id in integrations]


def get_record(tenant: Tenant, integration_id: str, item_kind: ItemKind, item_id: str) -> PublishRecord:
    """One item's record at the store's integration (NotFound for none, or another store's)."""
    integration = get_integration(tenant, integration_id)
    found = _repository().records(tenant, integration.id, [item_id], item_kind).get(item_id)
    if found is None:
        raise NotFound.worded(
            "No record of {kind} {id} at this integration.", kind=item_kind.value, id=item_id[:100]
        )
    return found
