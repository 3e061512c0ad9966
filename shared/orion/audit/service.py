"""Record and read a store's audit log (``P#<p>#S#<s>#AUDIT``, sorted by time)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.expressions.condition import Condition

from orion.data import keys
from orion.data.cursors import SORT_KEY_WITH_ID, IndexKey, decode_cursor, encode_cursor, start_key
from orion.data.table import TableItem
from orion.errors import BadRequest, FieldError, Invalid
from orion.ids import new_id
from orion.tenant import Tenant


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    platform: str
    store: str
    actor: str
    action: str
    target: str
    at: datetime
    request_id: str | None = None
    details: dict[str, Any] = {}


class AuditItem(TableItem, discriminator="AuditEntry"):
    id = UnicodeAttribute()
    platform = UnicodeAttribute()
    store = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    target = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    request_id = UnicodeAttribute(null=True)
    details = UnicodeAttribute(default="{}")

    def to_model(self) -> AuditEntry:
        return AuditEntry(
            id=self.id,
            platform=self.platform,
            store=self.store,
            actor=self.actor,
            action=self.action,
            target=self.target,
            at=self.at,
            request_id=self.request_id,
            details=json.loads(self.details),
        )


def record(
    tenant: Tenant,
    *,
    actor: str,
    action: str,
    target: str,
    request_id: str | None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the store's audit log (``action`` like ``product.update``); a platform
    tenant's entry (a platform admin's change to the platform itself) goes to the platform's log.
    Every entry is also listed in the platform-wide log platform admins read (GSI1)."""
    store = tenant.store or PLATFORM_STORE
    entry = AuditEntry(
        id=new_id(),
        platform=tenant.platform,
        store=store,
        actor=actor,
        action=action,
        target=target,
        at=datetime.now(UTC),
        request_id=request_id,
        details=details or {},
    )
    sort_key = f"{entry.at.isoformat()}#{entry.id}"
    AuditItem(
        keys.audit_pk(tenant.platform, tenant.store)
        if tenant.store
        else keys.platform_audit_pk(tenant.platform),
        sort_key,
        gsi1pk=keys.platform_audit_gsi1pk(tenant.platform),
        gsi1sk=sort_key,
        id=entry.id,
        platform=entry.platform,
        store=store,
        actor=actor,
        action=action,
        target=target,
        at=entry.at,
        request_id=request_id,
        details=json.dumps(details or {}, default=str),
    ).save()
    return entry


PLATFORM_STORE = "-"  # the ``store`` of entries about the platform itself


def list_platform_entries(
    tenant: Tenant, *, limit: int = 50, cursor: str | None = None, store: str | None = None
) -> tuple[list[AuditEntry], str | None]:
    """A page of the audit log across the platform's stores (and the platform itself), newest first;
    with ``store``, that store's log only. One Query either way."""
    if store is not None:
        return list_entries(Tenant(tenant.platform, store), limit=limit, cursor=cursor)
    gsi1pk = keys.platform_audit_gsi1pk(tenant.platform)
    last_key = None
    if cursor:
        # The entry's own partition, which must be one of this platform's (its GSI1SK is its SK).
        own_partition = re.compile(re.escape(tenant.key_prefix) + "#.+")
        pk, sk = _decoded(cursor, own_partition, SORT_KEY_WITH_ID)
        last_key = start_key(pk, sk, IndexKey("GSI1", gsi1pk, sk))
    results = AuditItem.gsi1.query(gsi1pk, scan_index_forward=False, limit=limit, last_evaluated_key=last_key)
    entries = [item.to_model() for item in results if isinstance(item, AuditItem)]
    next_key = results.last_evaluated_key
    next_cursor = encode_cursor(next_key["PK"]["S"], next_key["SK"]["S"]) if next_key else None
    return entries, next_cursor


def list_entries(
    tenant: Tenant,
    *,
    limit: int = 50,
    cursor: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[list[AuditEntry], str | None]:
    """A page of the store's audit log, newest first, and the cursor of the next page (if any).

    Always one Query: ``since``/``until`` (inclusive) bound the sort key; ``actor`` and ``action`` (an
    exact name, or a prefix ending in ``.`` such as ``order.``) filter what that Query reads, so a
    filtered page may hold fewer than ``limit`` entries while a next cursor still says there is more."""
    store = tenant.require_store()
    pk = keys.audit_pk(tenant.platform, store)
    last_key = None
    if cursor:
        (sk,) = _decoded(cursor, SORT_KEY_WITH_ID)
        last_key = start_key(pk, sk)
    if since and until and since > until:
        raise Invalid(errors=[FieldError("until", "must not be before the start date")])
    range_condition = None
    if since or until:
        low = since.astimezone(UTC).isoformat() if since else "0"
        high = (until.astimezone(UTC).isoformat() if until else "9") + "#~"
        range_condition = AuditItem.sk.between(low, high)
    condition: Condition | None = None
    if actor:
        condition = AuditItem.actor == actor
    if action:
        matches = AuditItem.action.startswith(action) if action.endswith(".") else AuditItem.action == action
        condition = matches if condition is None else condition & matches
    results = AuditItem.query(
        pk,
        range_condition,
        condition,
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=last_key,
    )
    if condition is None:
        entries = [item.to_model() for item in results if isinstance(item, AuditItem)]
        next_key = results.last_evaluated_key
    else:  # a filter: exactly the one page read, not as many as it takes to fill ``limit``
        page = next(results.page_iter)
        found = (AuditItem.from_raw_data(raw) for raw in page.get("Items", []))
        entries = [item.to_model() for item in found if isinstance(item, AuditItem)]
        next_key = results.page_iter.last_evaluated_key
    next_cursor = encode_cursor(next_key["SK"]["S"]) if next_key else None
    return entries, next_cursor


def _decoded(cursor: str, *shapes: re.Pattern[str]) -> tuple[str, ...]:
    try:
        return decode_cursor(cursor, *shapes)
    except BadRequest as exc:  # the audit API has answered a bad cursor with a 422 from the start
        raise Invalid("the cursor is not valid") from exc
