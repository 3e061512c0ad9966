"""Record and read a store's audit log (``P#<p>#S#<s>#AUDIT``, sorted by time)."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from orion.data import keys
from orion.data.table import TableItem
from orion.errors import Invalid
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
        try:
            pk, sk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise Invalid("the cursor is not valid") from exc
        if not pk.startswith(tenant.key_prefix + "#"):
            raise Invalid("the cursor is not valid")
        last_key = {"PK": {"S": pk}, "SK": {"S": sk}, "GSI1PK": {"S": gsi1pk}, "GSI1SK": {"S": sk}}
    results = AuditItem.gsi1.query(gsi1pk, scan_index_forward=False, limit=limit, last_evaluated_key=last_key)
    entries = [item.to_model() for item in results if isinstance(item, AuditItem)]
    next_key = results.last_evaluated_key
    next_cursor = (
        base64.urlsafe_b64encode(f"{next_key['PK']['S']}|{next_key['SK']['S']}".encode()).decode()
        if next_key
        else None
    )
    return entries, next_cursor


def list_entries(
    tenant: Tenant, *, limit: int = 50, cursor: str | None = None
) -> tuple[list[AuditEntry], str | None]:
    """A page of the store's audit log, newest first, and the cursor of the next page (if any)."""
    store = tenant.require_store()
    pk = keys.audit_pk(tenant.platform, store)
    last_key = None
    if cursor:
        try:
            sk = base64.urlsafe_b64decode(cursor.encode()).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Invalid("the cursor is not valid") from exc
        last_key = {"PK": {"S": pk}, "SK": {"S": sk}}
    results = AuditItem.query(pk, scan_index_forward=False, limit=limit, last_evaluated_key=last_key)
    entries = [item.to_model() for item in results if isinstance(item, AuditItem)]
    next_key = results.last_evaluated_key
    next_cursor = base64.urlsafe_b64encode(next_key["SK"]["S"].encode()).decode() if next_key else None
    return entries, next_cursor
