"""Two-way sync: bringing edits made at a destination back into Orion.

A pull (scheduled, or asked for by staff) or a destination's webhook hands over the items as the
destination has them now (:class:`RemoteChange`). For each field the destination reports, compared with
the value last sent (the record's ``sent_fields``, in Orion's terms):

- the destination did not change it, or it already equals Orion's value: nothing to do;
- the destination changed it, Orion did not, and the destination **owns** the field (the integration's
  ``rules.field_ownership``): the value is written into Orion (the product or page is saved through
  its own service, so everything downstream follows) and becomes the value last sent;
- the destination changed it and so did Orion: a **conflict** ``both_changed``, nothing applied;
- the destination changed a field **Orion owns**: a conflict ``orion_owns``, nothing applied, and the
  record turns ``outdated`` so the next publish sends Orion's value back.

A conflict stays on the record with both values and the one last sent until staff settle it
(:func:`resolve_conflict`: keep Orion's, sent again, or the destination's, applied), so no edit is lost
silently. Texts are compared as their words (a destination re-wrapping HTML in paragraphs is no edit).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from orion import runtime
from orion.catalog import service as catalog
from orion.catalog.models import Product, ProductInput, ProductStatus
from orion.channels.adapters import RemoteChange, adapter_for
from orion.channels.errors import DestinationError
from orion.channels.models import (
    ConflictChoice,
    ConflictReason,
    FieldConflict,
    Integration,
    ItemKind,
    PublishRecord,
    RecordStatus,
    SyncStatus,
)
from orion.channels.repository import ChannelRepository
from orion.cms import service as cms
from orion.cms.models import Page, PageInput
from orion.errors import Conflict, Invalid, NotFound, OrionError
from orion.observability import logger
from orion.tenant import Tenant

PULL_OVERLAP = timedelta(minutes=2)
PRODUCT_FIELDS = ("title", "description", "price", "compare_at_price", "brand", "status")
PAGE_FIELDS = ("title", "body_html")
_TEXT_FIELDS = frozenset({"description", "body_html"})
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass
class SyncReport:
    """What a pull or webhook did: items applied, conflicts found, items already in agreement, and
    remote items Orion never published there (ignored)."""

    applied: int = 0
    conflicts: int = 0
    unchanged: int = 0
    unknown: int = 0
    failed: list[str] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "conflicts": self.conflicts,
            "unchanged": self.unchanged,
            "unknown": self.unknown,
            "failed": self.failed,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _integration(tenant: Tenant, integration_id: str) -> Integration:
    """The store's integration (NotFound for another store's, or none)."""
    plausible = 0 < len(integration_id) <= 40 and integration_id.isalnum()
    found = _repository().get(tenant, integration_id) if plausible else None
    if found is None:
        raise NotFound.worded("No integration {id}.", id=integration_id[:40])
    return found


def _repository() -> ChannelRepository:
    return runtime.repository(ChannelRepository)


def sync_fields(item: Product | Page) -> dict[str, Any]:
    """The syncable fields of a product (its first variant's prices) or page, in Orion's terms."""
    if isinstance(item, Page):
        return {"title": item.title, "body_html": item.body_html}
    first = item.variants[0] if item.variants else None
    return {
        "title": item.title,
        "description": item.description,
        "price": first.price if first else None,
        "compare_at_price": first.compare_at_price if first else None,
        "brand": item.brand,
        "status": item.status.value,
    }


def same(name: str, left: Any, right: Any) -> bool:
    """Whether two values of a field are the same edit (texts compared as their words)."""
    if name in _TEXT_FIELDS:
        return _words(left) == _words(right)
    if name == "status":
        return str(left or "").lower() == str(right or "").lower()
    return bool(left == right)


def _words(value: Any) -> str:
    return _SPACE.sub(" ", _TAG.sub(" ", str(value or ""))).strip()


def pull(tenant: Tenant, integration_id: str) -> SyncReport:
    """Ask the destination for the items edited there since the last pull (less
    :data:`PULL_OVERLAP`) and bring them back. A
    destination that fails marks the integration ``failed`` with the reason (the next pull asks again
    from the same point)."""
    integration = _integration(tenant, integration_id)
    if not integration.is_active or not integration.sync_enabled:
        raise Conflict("Two-way sync is off for this integration: turn on sync_enabled to pull.")
    started = _now()
    # (asked with an overlap: destinations compare whole seconds and their clocks drift; an item
    # reported twice is compared by its values, so it is no news the second time)
    since = (integration.last_pull_at or integration.created_at) - PULL_OVERLAP
    try:
        changes = adapter_for(tenant, integration).fetch_changes(since)
    except (DestinationError, Invalid) as exc:
        reason = (str(exc) or type(exc).__name__)[:500]
        _note(tenant, integration.id, status=SyncStatus.FAILED, error=f"pull: {reason}")
        logger.warning("channel pull failed", extra={"integration": integration.id, "reason": reason})
        report = SyncReport()
        report.failed.append(reason)
        return report
    report = apply_remote_changes(tenant, integration.id, changes)
    _note(tenant, integration.id, status=SyncStatus.SUCCESS, error=None, pulled_at=started)
    logger.info("channel pull finished", extra={"integration": integration.id, **report.public()})
    return report


def _note(
    tenant: Tenant,
    integration_id: str,
    *,
    status: SyncStatus,
    error: str | None,
    pulled_at: datetime | None = None,
) -> None:
    current = _repository().get(tenant, integration_id)
    if current is None:
        return
    update: dict[str, Any] = {"sync_status": status, "last_sync_at": _now(), "last_error": error}
    if pulled_at is not None:
        update["last_pull_at"] = pulled_at
    _repository().save(tenant, current.model_copy(update=update))


def apply_remote_changes(tenant: Tenant, integration_id: str, changes: list[RemoteChange]) -> SyncReport:
    """Bring the destination's items back into Orion by the module's rules (the integration must be
    this store's: NotFound otherwise). Items Orion never published there are ignored."""
    integration = _integration(tenant, integration_id)
    report = SyncReport()
    for change in changes:
        record = _repository().record_by_remote_id(tenant, integration.id, change.remote_id)
        if record is None or record.status is RecordStatus.REMOVED or record.item_kind != change.item_kind:
            report.unknown += 1
            continue
        try:
            _apply_one(tenant, integration, record, change, report)
        except (OrionError, ValueError) as exc:  # the item refuses a value (out of range, a stale save)
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            report.failed.append(f"{record.item_kind.value} {record.item_id}: {reason}"[:500])
    return report


def _apply_one(
    tenant: Tenant,
    integration: Integration,
    record: PublishRecord,
    change: RemoteChange,
    report: SyncReport,
) -> None:
    item = _load(tenant, record.item_kind, record.item_id)
    if item is None:  # deleted in Orion since: the next publish takes it back
        report.unknown += 1
        return
    # Not edited there since it was last sent (destinations give whole seconds: an edit in the second
    # of the send is looked at; its values tell).
    if record.synced_at is not None and change.changed_at < record.synced_at.replace(microsecond=0):
        report.unchanged += 1
        return
    ours = sync_fields(item)
    ownership = integration.rules.field_ownership
    apply: dict[str, Any] = {}
    conflicts = {c.field: c for c in record.conflicts}
    sent = dict(record.sent_fields)
    outdated = False
    now = _now()
    for name, theirs in change.fields.items():
        if name not in ours or name not in sent:
            continue
        if same(name, theirs, sent[name]) or same(name, theirs, ours[name]):
            if same(name, theirs, ours[name]):
                sent[name] = ours[name]
                conflicts.pop(name, None)
            continue
        orion_changed = not same(name, ours[name], sent[name])
        reason: ConflictReason | None = None
        if orion_changed:
            reason = ConflictReason.BOTH_CHANGED
        elif ownership.get(name, "orion") == "orion":
            reason = ConflictReason.ORION_OWNS
            outdated = True
        if reason is None:
            apply[name] = theirs
            sent[name] = theirs
            conflicts.pop(name, None)
            continue
        conflicts[name] = FieldConflict(
            field=name,
            reason=reason,
            orion_value=ours[name],
            remote_value=theirs,
            sent_value=sent[name],
            detected_at=now,
        )
    found = len([c for c in conflicts.values() if c.detected_at == now])
    if apply:
        _write(tenant, record.item_kind, item, apply)
        report.applied += 1
    elif not found:
        report.unchanged += 1
    report.conflicts += found
    update: dict[str, Any] = {
        "sent_fields": sent,
        "conflicts": tuple(conflicts.values()),
        "updated_at": now,
    }
    if outdated:
        # The destination's copy is no longer what was sent: no hash matches it, so the next publish (or
        # the channel worker, which compares an outdated record by hash) sends Orion's value back.
        update["status"] = RecordStatus.OUTDATED
        update["content_hash"] = None
    if update["sent_fields"] != record.sent_fields or update["conflicts"] != record.conflicts or outdated:
        _repository().save_record(tenant, record.model_copy(update=update))


def _load(tenant: Tenant, kind: ItemKind, item_id: str) -> Product | Page | None:
    try:
        if kind is ItemKind.PAGE:
            return cms.get_store_page(tenant, item_id)
        return catalog.get_product(tenant, item_id)
    except NotFound:
        return None


def _write(tenant: Tenant, kind: ItemKind, item: Product | Page, values: Mapping[str, Any]) -> None:
    """Save the destination's values into the product or page, through its own service."""
    if isinstance(item, Page):
        data = item.model_dump(include=set(PageInput.model_fields))
        cms.put_store_page(tenant, item.slug, PageInput.model_validate({**data, **values}))
        return
    data = item.model_dump(include=set(ProductInput.model_fields))
    variants = [v.model_dump() for v in item.variants]
    for name in ("price", "compare_at_price"):
        if name in values and variants:
            variants[0][name] = values[name]
    for name in ("title", "description", "brand"):
        if name in values:
            data[name] = values[name]
    if "status" in values:
        data["status"] = ProductStatus(str(values["status"]).lower())
    data["variants"] = variants
    catalog.update_product(
        tenant,
        item.id,
        ProductInput.model_validate(data),
        expected_version=catalog.product_version(item),
    )


def resolve_conflict(
    tenant: Tenant,
    integration_id: str,
    item: tuple[ItemKind, str],
    name: str,
    choice: ConflictChoice,
) -> PublishRecord:
    """Settle one conflict: ``remote`` writes the destination's value into Orion, ``orion`` keeps
    Orion's (the record turns ``outdated`` so the next publish sends it)."""
    kind, item_id = item
    integration = _integration(tenant, integration_id)
    record = _repository().records(tenant, integration.id, [item_id], kind).get(item_id)
    conflict = next((c for c in record.conflicts if c.field == name), None) if record else None
    if record is None or conflict is None:
        raise NotFound.worded("No conflict on {field} for this item.", field=name[:40])
    sent = dict(record.sent_fields)
    status = record.status
    if choice.keep == "remote":
        current = _load(tenant, kind, item_id)
        if current is None:
            raise NotFound("The item is no longer in the store.")
        _write(tenant, kind, current, {name: conflict.remote_value})
        sent[name] = conflict.remote_value
    else:
        status = RecordStatus.OUTDATED
    saved = record.model_copy(
        update={
            "sent_fields": sent,
            "conflicts": tuple(c for c in record.conflicts if c.field != name),
            "status": status,
            # Orion's value is to be sent again: no hash matches the destination's copy any more.
            "content_hash": None if choice.keep == "orion" else record.content_hash,
            "updated_at": _now(),
        }
    )
    _repository().save_record(tenant, saved)
    return saved
