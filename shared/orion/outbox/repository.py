"""The table layout of outbox messages: ``P#<p>#OUTBOX`` / ``<id>`` (ids sort by creation time), and
of the platform's suppressed addresses: ``P#<p>#MAILSUPPRESSED`` / ``<address>``.

An undelivered message also sits in a sparse GSI2 partition, ``P#<p>#OUTBOX#DUE``, sorted by when its
next attempt is due; delivery removes it, and giving up moves it to ``P#<p>#OUTBOX#FAILED``. The retry
task reads only those partitions, never the whole outbox.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from orion.data import keys
from orion.data.conditions import update_if
from orion.data.table import Gsi2, TableItem, get_or_none
from orion.outbox.models import FeedbackKind, OutboxMessage, Suppression

OUTBOX_KIND = "OutboxEmail"
SUPPRESSION_KIND = "MailSuppression"
MAX_ERROR_CHARS = 500


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
    attempts = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    next_attempt_at = UTCDateTimeAttribute(null=True)
    failed_at = UTCDateTimeAttribute(null=True)
    suppressed_at = UTCDateTimeAttribute(null=True)

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
            attempts=int(self.attempts or 0),
            last_error=self.last_error,
            next_attempt_at=self.next_attempt_at,
            failed_at=self.failed_at,
            suppressed_at=self.suppressed_at,
        )


class SuppressionItem(TableItem, discriminator=SUPPRESSION_KIND):
    platform = UnicodeAttribute()
    address = UnicodeAttribute()
    reason = UnicodeAttribute()
    detail = UnicodeAttribute(default="")
    message_id = UnicodeAttribute(null=True)
    suppressed_at = UTCDateTimeAttribute()

    def to_model(self) -> Suppression:
        return Suppression(
            platform=self.platform,
            address=self.address,
            reason=FeedbackKind(self.reason),
            detail=self.detail,
            message_id=self.message_id,
            suppressed_at=self.suppressed_at,
        )


def _due_sk(message_id: str, due: datetime) -> str:
    return f"{keys.sortable_time(due)}#{message_id}"


class OutboxRepository:
    def add(self, message: OutboxMessage, due: datetime) -> None:
        """Write a new message, due for a (re)try at ``due`` unless it is delivered before."""
        OutboxItem(
            keys.outbox_pk(message.platform),
            message.id,
            gsi2pk=keys.outbox_due_gsi2pk(message.platform),
            gsi2sk=_due_sk(message.id, due),
            id=message.id,
            platform=message.platform,
            store=message.store,
            message_kind=message.kind,
            to=message.to,
            subject=message.subject,
            text=message.text,
            data=json.dumps(message.data),
            created_at=message.created_at,
            next_attempt_at=due,
        ).save(condition=OutboxItem.pk.does_not_exist())

    def get(self, platform: str, message_id: str) -> OutboxMessage | None:
        item = get_or_none(OutboxItem, keys.outbox_pk(platform), message_id, consistent_read=True)
        return item.to_model() if item else None

    def newest(self, platform: str, limit: int = 100) -> list[OutboxMessage]:
        """The newest ``limit`` messages of a platform, newest first."""
        return [
            item.to_model()
            for item in OutboxItem.query(keys.outbox_pk(platform), scan_index_forward=False, limit=limit)
            if isinstance(item, OutboxItem)
        ]

    def list_due(self, platform: str, now: datetime, limit: int) -> list[OutboxMessage]:
        """Undelivered messages whose next attempt is due by ``now``, oldest due first (one Query)."""
        return self._index(
            keys.outbox_due_gsi2pk(platform), Gsi2.gsi2sk <= f"{keys.sortable_time(now)}#~", limit, True
        )

    def list_undelivered(self, platform: str, limit: int) -> list[OutboxMessage]:
        """Every message still waiting for delivery, whenever due (soonest first)."""
        return self._index(keys.outbox_due_gsi2pk(platform), None, limit, True)

    def list_failed(self, platform: str, limit: int) -> list[OutboxMessage]:
        """Messages given up after their last attempt, most recent first."""
        return self._index(keys.outbox_failed_gsi2pk(platform), None, limit, False)

    def claim(self, platform: str, message: OutboxMessage, until: datetime) -> bool:
        """Take a due message for one attempt: its due time moves to ``until`` if nobody moved it
        since it was read (overlapping task runs), so only one of them sends it."""
        if message.next_attempt_at is None:
            return False
        return update_if(
            OutboxItem(keys.outbox_pk(platform), message.id),
            actions=[
                OutboxItem.gsi2sk.set(_due_sk(message.id, until)),
                OutboxItem.next_attempt_at.set(until),
            ],
            condition=(OutboxItem.gsi2sk == _due_sk(message.id, message.next_attempt_at))
            & OutboxItem.sent_at.does_not_exist(),
        )

    def mark_sent(self, platform: str, message_id: str) -> None:
        OutboxItem(keys.outbox_pk(platform), message_id).update(
            actions=[
                OutboxItem.sent_at.set(datetime.now(UTC)),
                OutboxItem.next_attempt_at.remove(),
                OutboxItem.gsi2pk.remove(),
                OutboxItem.gsi2sk.remove(),
            ]
        )

    def record_failure(
        self,
        platform: str,
        message_id: str,
        *,
        attempts: int,
        error: str,
        retry_at: datetime | None,
        now: datetime,
    ) -> None:
        """Note a failed attempt: due again at ``retry_at``, or given up (``retry_at`` None) and moved to
        the failed partition. A message sent meanwhile (a concurrent attempt won) is left alone."""
        common = [OutboxItem.attempts.set(attempts), OutboxItem.last_error.set(error[:MAX_ERROR_CHARS])]
        actions: list[Action]
        if retry_at is not None:
            actions = [
                *common,
                OutboxItem.next_attempt_at.set(retry_at),
                OutboxItem.gsi2sk.set(_due_sk(message_id, retry_at)),
            ]
        else:
            actions = [
                *common,
                OutboxItem.failed_at.set(now),
                OutboxItem.next_attempt_at.remove(),
                OutboxItem.gsi2pk.set(keys.outbox_failed_gsi2pk(platform)),
                OutboxItem.gsi2sk.set(f"{keys.sortable_time(now)}#{message_id}"),
            ]
        update_if(
            OutboxItem(keys.outbox_pk(platform), message_id),
            actions=actions,
            condition=OutboxItem.pk.exists() & OutboxItem.sent_at.does_not_exist(),
        )

    def requeue(self, platform: str, message_id: str, due: datetime) -> bool:
        """Put a given-up message back in line with a fresh set of attempts; False unless it failed."""
        return update_if(
            OutboxItem(keys.outbox_pk(platform), message_id),
            actions=[
                OutboxItem.attempts.set(0),
                OutboxItem.failed_at.remove(),
                OutboxItem.next_attempt_at.set(due),
                OutboxItem.gsi2pk.set(keys.outbox_due_gsi2pk(platform)),
                OutboxItem.gsi2sk.set(_due_sk(message_id, due)),
            ],
            condition=OutboxItem.failed_at.exists() & OutboxItem.sent_at.does_not_exist(),
        )

    def mark_suppressed(self, platform: str, message_id: str, now: datetime) -> None:
        """Close a message unsent because its address is suppressed: it leaves the due partition, so
        nobody tries it again. A message sent meanwhile is left alone."""
        update_if(
            OutboxItem(keys.outbox_pk(platform), message_id),
            actions=[
                OutboxItem.suppressed_at.set(now),
                OutboxItem.next_attempt_at.remove(),
                OutboxItem.gsi2pk.remove(),
                OutboxItem.gsi2sk.remove(),
            ],
            condition=OutboxItem.pk.exists() & OutboxItem.sent_at.does_not_exist(),
        )

    def suppress(self, suppression: Suppression) -> None:
        """Remember that the platform no longer sends to an address (the latest reason wins)."""
        SuppressionItem(
            keys.mail_suppression_pk(suppression.platform),
            keys.mail_suppression_sk(suppression.address),
            platform=suppression.platform,
            address=suppression.address.strip().lower(),
            reason=suppression.reason.value,
            detail=suppression.detail[:MAX_ERROR_CHARS],
            message_id=suppression.message_id,
            suppressed_at=suppression.suppressed_at,
        ).save()

    def suppression(self, platform: str, address: str) -> Suppression | None:
        item = get_or_none(
            SuppressionItem, keys.mail_suppression_pk(platform), keys.mail_suppression_sk(address)
        )
        return item.to_model() if item else None

    @staticmethod
    def _index(partition: str, condition: Condition | None, limit: int, forward: bool) -> list[OutboxMessage]:
        query = OutboxItem.gsi2.query(
            partition, condition, scan_index_forward=forward, limit=limit, page_size=limit
        )
        return [item.to_model() for item in query if isinstance(item, OutboxItem)]
