"""The table layout of outbox messages: ``P#<p>#OUTBOX`` / ``<id>`` (ids sort by creation time)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from orion.data import keys
from orion.data.table import TableItem, bind_table
from orion.outbox.models import OutboxMessage

OUTBOX_KIND = "OutboxEmail"


class OutboxItem(TableItem, discriminator=OUTBOX_KIND):
    id = UnicodeAttribute()
    platform = UnicodeAttribute()
    store = UnicodeAttribute(null=True)
    message_kind = UnicodeAttribute()
    to = UnicodeAttribute()
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    data = UnicodeAttribute(default="{}")
    created_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)

    def to_model(self) -> OutboxMessage:
        return OutboxMessage(
            id=self.id,
            platform=self.platform,
            store=self.store,
            kind=self.message_kind,
            to=self.to,
            subject=self.subject,
            text=self.text,
            data=json.loads(self.data),
            created_at=self.created_at,
            sent_at=self.sent_at,
        )


class OutboxRepository:
    def __init__(self) -> None:
        bind_table()

    def add(self, message: OutboxMessage) -> None:
        OutboxItem(
            keys.outbox_pk(message.platform),
            message.id,
            id=message.id,
            platform=message.platform,
            store=message.store,
            message_kind=message.kind,
            to=message.to,
            subject=message.subject,
            text=message.text,
            data=json.dumps(message.data),
            created_at=message.created_at,
        ).save(condition=OutboxItem.pk.does_not_exist())

    def list(self, platform: str, limit: int = 100) -> list[OutboxMessage]:
        """The newest ``limit`` messages of a platform, newest first."""
        return [
            item.to_model()
            for item in OutboxItem.query(keys.outbox_pk(platform), scan_index_forward=False, limit=limit)
            if isinstance(item, OutboxItem)
        ]

    def mark_sent(self, platform: str, message_id: str) -> None:
        OutboxItem(keys.outbox_pk(platform), message_id).update(
            actions=[OutboxItem.sent_at.set(datetime.now(UTC))]
        )
