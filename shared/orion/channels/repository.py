"""The table layout of channels (integrations, publishing records, publish jobs, webhook deliveries acted
on) and the data access of an integration's credentials in Secrets Manager (one secret per integration,
under the store's prefix)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError

from orion.channels.models import (
    Integration,
    ItemKind,
    PublishJob,
    PublishRecord,
    RecordStatus,
)
from orion.data import keys
from orion.data.clients import aws_client
from orion.data.conditions import condition_failed
from orion.data.cursors import IndexKey, decode_cursor, encode_cursor, start_key
from orion.data.table import TableItem, get_or_none
from orion.settings import get_settings
from orion.tenant import Tenant

# The sort key a records cursor carries: ``RECORD#<kind>#<id>`` (or ``<kind>#<id>`` on the status index).
_RECORD_SORT_KEY = re.compile(r"(RECORD#)?(product|page)#[A-Za-z0-9_-]{1,100}")


class IntegrationItem(TableItem, discriminator="ChannelIntegration"):
    data = UnicodeAttribute()

    def to_model(self) -> Integration:
        return Integration.model_validate_json(self.data)


class PublishRecordItem(TableItem, discriminator="ChannelRecord"):
    data = UnicodeAttribute()
    status = UnicodeAttribute()

    def to_model(self) -> PublishRecord:
        return PublishRecord.model_validate_json(self.data)


class RemoteIdItem(TableItem, discriminator="ChannelRemoteId"):
    """Which item a remote id stands for at one integration."""

    item_kind = UnicodeAttribute()
    item_id = UnicodeAttribute()


class PublishJobItem(TableItem, discriminator="ChannelJob"):
    data = UnicodeAttribute()

    def to_model(self) -> PublishJob:
        return PublishJob.model_validate_json(self.data)


class ChannelRepository:
    """A store's integrations, their records and jobs; every call takes the tenant (a store) first."""

    # --- integrations ---

    def get(self, tenant: Tenant, integration_id: str) -> Integration | None:
        pk = keys.integrations_pk(tenant.platform, tenant.require_store())
        item = get_or_none(IntegrationItem, pk, keys.integration_sk(integration_id), consistent_read=True)
        return item.to_model() if item else None

    def all(self, tenant: Tenant) -> list[Integration]:
        """Every integration of the store (a handful), oldest first: one Query."""
        pk = keys.integrations_pk(tenant.platform, tenant.require_store())
        found = IntegrationItem.query(pk, IntegrationItem.sk.startswith(keys.INTEGRATION_SK_PREFIX))
        items = [item.to_model() for item in found if isinstance(item, IntegrationItem)]
        return sorted(items, key=lambda i: (i.created_at, i.id))

    def save(self, tenant: Tenant, integration: Integration) -> None:
        pk = keys.integrations_pk(tenant.platform, tenant.require_store())
        IntegrationItem(pk, keys.integration_sk(integration.id), data=integration.model_dump_json()).save()

    def delete(self, tenant: Tenant, integration_id: str) -> None:
        """The integration, then every record and job it had."""
        store = tenant.require_store()
        IntegrationItem(
            keys.integrations_pk(tenant.platform, store), keys.integration_sk(integration_id)
        ).delete()
        partition = keys.channel_pk(tenant.platform, store, integration_id)
        with TableItem.batch_write() as batch:
            for item in TableItem.query(partition):
                batch.delete(item)

    # --- publishing records ---

    def records(
        self,
        tenant: Tenant,
        integration_id: str,
        item_ids: Sequence[str],
        item_kind: ItemKind = ItemKind.PRODUCT,
    ) -> dict[str, PublishRecord]:
        """The items' records at the integration (products by default), by item id: one BatchGetItem
        per 100."""
        pk = keys.channel_pk(tenant.platform, tenant.require_store(), integration_id)
        wanted = [(pk, keys.channel_record_sk(item_kind, i)) for i in dict.fromkeys(item_ids)]
        found: dict[str, PublishRecord] = {}
        for start in range(0, len(wanted), 100):
            for item in TableItem.batch_get(wanted[start : start + 100], consistent_read=True):
                if isinstance(item, PublishRecordItem):
                    record = item.to_model()
                    found[record.item_id] = record
        return found

    def save_record(self, tenant: Tenant, record: PublishRecord) -> None:
        self._record_item(tenant, record).save()
        self._index_remote_id(tenant, record)

    def _record_item(self, tenant: Tenant, record: PublishRecord) -> PublishRecordItem:
        platform, store = tenant.platform, tenant.require_store()
        return PublishRecordItem(
            keys.channel_pk(platform, store, record.integration_id),
            keys.channel_record_sk(record.item_kind, record.item_id),
            data=record.model_dump_json(),
            status=record.status.value,
            gsi1pk=keys.channel_records_by_status_gsi1pk(
                platform, store, record.integration_id, record.status
            ),
            gsi1sk=f"{record.item_kind}#{record.item_id}",
            gsi2pk=keys.item_channels_gsi2pk(platform, store, record.item_kind, record.item_id),
            gsi2sk=record.integration_id,
        )

    def _index_remote_id(self, tenant: Tenant, record: PublishRecord) -> None:
        platform, store = tenant.platform, tenant.require_store()
        if record.remote_id and record.status is RecordStatus.SYNCED:  # (re)index its remote id
            RemoteIdItem(
                keys.channel_pk(platform, store, record.integration_id),
                keys.channel_remote_sk(record.remote_id),
                item_kind=record.item_kind.value,
                item_id=record.item_id,
            ).save()

    def record_by_remote_id(
        self, tenant: Tenant, integration_id: str, remote_id: str
    ) -> PublishRecord | None:
        """The record of the item the destination knows as ``remote_id`` (two GetItems)."""
        pk = keys.channel_pk(tenant.platform, tenant.require_store(), integration_id)
        found = get_or_none(RemoteIdItem, pk, keys.channel_remote_sk(remote_id), consistent_read=True)
        if found is None:
            return None
        record = self.records(tenant, integration_id, [found.item_id], ItemKind(found.item_kind))
        current = record.get(found.item_id)
        return current if current is not None and current.remote_id == remote_id else None

    def record_page(
        self,
        tenant: Tenant,
        integration_id: str,
        *,
        status: RecordStatus | None,
        limit: int,
        after: str | None,
    ) -> tuple[list[PublishRecord], str | None]:
        """One page of the integration's records (all, or of one status) in item order, and the cursor of
        the next: one Query (on GSI1 for a status)."""
        platform, store = tenant.platform, tenant.require_store()
        pk = keys.channel_pk(platform, store, integration_id)
        start = None
        if after:
            (sort_key,) = decode_cursor(after, _RECORD_SORT_KEY)
            kind, item_id = sort_key.removeprefix(keys.RECORD_SK_PREFIX).split("#", 1)
            record_sk = keys.channel_record_sk(kind, item_id)
            if status is None:
                start = start_key(pk, record_sk)
            else:
                gsi1pk = keys.channel_records_by_status_gsi1pk(platform, store, integration_id, status)
                start = start_key(pk, record_sk, IndexKey("GSI1", gsi1pk, f"{kind}#{item_id}"))
        result: Any
        if status is None:
            result = PublishRecordItem.query(
                pk,
                PublishRecordItem.sk.startswith(keys.RECORD_SK_PREFIX),
                limit=limit + 1,
                page_size=limit + 1,
                last_evaluated_key=start,
            )
        else:
            result = PublishRecordItem.gsi1.query(
                keys.channel_records_by_status_gsi1pk(platform, store, integration_id, status),
                limit=limit + 1,
                page_size=limit + 1,
                last_evaluated_key=start,
            )
        items = [item for item in result if isinstance(item, PublishRecordItem)]
        shown = items[:limit]
        more = len(items) > limit
        cursor = encode_cursor(shown[-1].sk) if more and shown else None
        return [item.to_model() for item in shown], cursor

    def item_records(self, tenant: Tenant, item_kind: ItemKind, item_id: str) -> list[PublishRecord]:
        """One item's records across the store's integrations: one Query on GSI2."""
        gsi2pk = keys.item_channels_gsi2pk(tenant.platform, tenant.require_store(), item_kind, item_id)
        return [
            item.to_model()
            for item in PublishRecordItem.gsi2.query(gsi2pk)
            if isinstance(item, PublishRecordItem)
        ]

    def records_at(
        self, tenant: Tenant, item_kind: ItemKind, item_id: str, integration_ids: Sequence[str]
    ) -> dict[str, PublishRecord]:
        """One item's records at the given integrations, by integration id: one consistent BatchGetItem
        (the channel worker reads what the last run wrote, never an index that may lag)."""
        platform, store = tenant.platform, tenant.require_store()
        sk = keys.channel_record_sk(item_kind, item_id)
        wanted = [(keys.channel_pk(platform, store, i), sk) for i in dict.fromkeys(integration_ids)]
        found: dict[str, PublishRecord] = {}
        for start in range(0, len(wanted), 100):
            for item in TableItem.batch_get(wanted[start : start + 100], consistent_read=True):
                if isinstance(item, PublishRecordItem):
                    record = item.to_model()
                    found[record.integration_id] = record
        return found

    def mark_outdated(self, tenant: Tenant, item_kind: ItemKind, item_id: str) -> int:
        """Turn the item's ``synced`` records ``outdated`` (it changed since it was sent): one Query on
        GSI2, then one conditional PutItem per synced record, written only if the record is still the
        one read (a worker saving it meanwhile wins). How many were marked."""
        gsi2pk = keys.item_channels_gsi2pk(tenant.platform, tenant.require_store(), item_kind, item_id)
        marked = 0
        for item in PublishRecordItem.gsi2.query(gsi2pk):
            if not isinstance(item, PublishRecordItem) or item.status != RecordStatus.SYNCED.value:
                continue
            record = item.to_model()
            outdated = record.model_copy(
                update={"status": RecordStatus.OUTDATED, "updated_at": datetime.now(UTC)}
            )
            try:
                self._record_item(tenant, outdated).save(condition=PublishRecordItem.data == item.data)
            except PutError as exc:
                if not condition_failed(exc):
                    raise
                continue
            marked += 1
        return marked

    # --- jobs ---

    def save_job(self, tenant: Tenant, job: PublishJob) -> None:
        pk = keys.channel_pk(tenant.platform, tenant.require_store(), job.integration_id)
        PublishJobItem(pk, keys.channel_job_sk(job.id), data=job.model_dump_json()).save()

    def get_job(self, tenant: Tenant, integration_id: str, job_id: str) -> PublishJob | None:
        pk = keys.channel_pk(tenant.platform, tenant.require_store(), integration_id)
        item = get_or_none(PublishJobItem, pk, keys.channel_job_sk(job_id), consistent_read=True)
        return item.to_model() if item else None


class ChannelWebhookItem(TableItem, discriminator="ChannelWebhook"):
    """A webhook delivery acted on (kept :data:`WEBHOOK_TTL`): the same delivery again is not."""

    topic = UnicodeAttribute()


# Shopify retries a delivery it got no 2xx for over hours; a week covers every retry and replay.
WEBHOOK_TTL = timedelta(days=7)


class ChannelWebhooks:
    """The webhook deliveries an integration acted on, in its partition (deleted with it)."""

    def claim(self, tenant: Tenant, integration_id: str, webhook_id: str, topic: str) -> bool:
        """Note the delivery as taken; False when it was taken before (a retry, a replay)."""
        item = ChannelWebhookItem(
            keys.channel_pk(tenant.platform, tenant.require_store(), integration_id),
            keys.channel_webhook_sk(webhook_id),
            topic=topic[:100],
            ttl=datetime.now(UTC) + WEBHOOK_TTL,
        )
        try:
            item.save(condition=ChannelWebhookItem.pk.does_not_exist())
        except PutError as exc:
            if condition_failed(exc):
                return False
            raise
        return True

    def release(self, tenant: Tenant, integration_id: str, webhook_id: str) -> None:
        """Forget a claimed delivery whose processing failed, so Shopify's retry is acted on."""
        ChannelWebhookItem(
            keys.channel_pk(tenant.platform, tenant.require_store(), integration_id),
            keys.channel_webhook_sk(webhook_id),
        ).delete()


class ChannelCredentials:
    """An integration's credentials: one secret ``<prefix>/<platform>/<store>/channel-<id>`` (the store's
    own secrets, see infra/wiring.py ``store_secrets``). Written and read here only; never logged."""

    def _name(self, tenant: Tenant, integration_id: str) -> str:
        prefix = get_settings().store_secrets_prefix.rstrip("/")
        return f"{prefix}/{tenant.platform}/{tenant.require_store()}/channel-{integration_id}"

    def put(self, tenant: Tenant, integration_id: str, values: dict[str, str]) -> None:
        client, name, text = (
            aws_client("secretsmanager"),
            self._name(tenant, integration_id),
            json.dumps(values),
        )
        try:
            client.put_secret_value(SecretId=name, SecretString=text)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            client.create_secret(
                Name=name,
                SecretString=text,
                Description=f"Channel credentials of store {tenant.require_store()}",
            )

    def get(self, tenant: Tenant, integration_id: str) -> dict[str, str] | None:
        try:
            found = aws_client("secretsmanager").get_secret_value(SecretId=self._name(tenant, integration_id))
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("ResourceNotFoundException", "InvalidRequestException"):
                return None
            raise
        values = json.loads(found["SecretString"])
        return {str(k): str(v) for k, v in values.items()}

    def delete(self, tenant: Tenant, integration_id: str) -> None:
        try:
            aws_client("secretsmanager").delete_secret(
                SecretId=self._name(tenant, integration_id), ForceDeleteWithoutRecovery=True
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
