"""The table layout of media: one item per uploaded image (``P#<p>#S#<s>#MEDIA#<id>`` / ``MEDIA``), in its
store's listing (GSI1 ``P#<p>#S#<s>#MEDIA`` / ``<created>#<id>``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError

from orion.data import keys
from orion.data.conditions import condition_failed, refused, update_if
from orion.data.table import TableItem, get_or_none, transaction
from orion.media.models import MediaRecord, MediaSource, MediaStatus
from orion.tenant import Tenant


class MediaItem(TableItem, discriminator="Media"):
    id = UnicodeAttribute()
    platform = UnicodeAttribute()
    store = UnicodeAttribute()
    file_name = UnicodeAttribute()
    declared_type = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    widths = NumberSetAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    # The address an import named, for an image fetched from it (None for an upload).
    source_url = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    processed_at = UTCDateTimeAttribute(null=True)
    # A processing run holds the upload until then (a redelivered event waits it out).
    claimed_until = UTCDateTimeAttribute(null=True)

    def to_model(self) -> MediaRecord:
        return MediaRecord(
            id=self.id,
            platform=self.platform,
            store=self.store,
            file_name=self.file_name,
            declared_type=self.declared_type,
            status=MediaStatus(self.status),
            reason=self.reason,
            content_type=self.content_type,
            width=int(self.width) if self.width is not None else None,
            height=int(self.height) if self.height is not None else None,
            widths=tuple(sorted(int(w) for w in self.widths or ())),
            created_by=self.created_by,
            source_url=self.source_url,
            created_at=self.created_at,
            updated_at=self.updated_at,
            processed_at=self.processed_at,
        )


def _now() -> datetime:
    return datetime.now(UTC)


class MediaSourceItem(TableItem, discriminator="MediaSource"):
    """The image fetched (or being fetched) from one address, and the products waiting for it."""

    address = UnicodeAttribute()
    media_id = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    product_ids = UnicodeSetAttribute(null=True)
    updated_at = UTCDateTimeAttribute()

    def to_model(self) -> MediaSource:
        return MediaSource(
            address=self.address,
            media_id=self.media_id,
            status=MediaStatus(self.status),
            reason=self.reason,
            product_ids=frozenset(self.product_ids or ()),
        )


class MediaContentItem(TableItem, discriminator="MediaContent"):
    """The one image a store keeps of some bytes (fetched images are stored once)."""

    media_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class MediaRepository:
    """Reads and writes media records; every call names its tenant."""

    def _new_item(self, tenant: Tenant, record: MediaRecord) -> MediaItem:
        store = tenant.require_store()
        return MediaItem(
            keys.media_pk(tenant.platform, store, record.id),
            keys.MEDIA_SK,
            gsi1pk=keys.media_gsi1pk(tenant.platform, store),
            gsi1sk=f"{record.created_at.isoformat()}#{record.id}",
            id=record.id,
            platform=tenant.platform,
            store=store,
            file_name=record.file_name,
            declared_type=record.declared_type,
            status=record.status.value,
            created_by=record.created_by,
            source_url=record.source_url,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )

    def create(self, tenant: Tenant, record: MediaRecord) -> None:
        self._new_item(tenant, record).save(condition=MediaItem.pk.does_not_exist())

    def _item(self, tenant: Tenant, media_id: str) -> MediaItem | None:
        return get_or_none(
            MediaItem,
            keys.media_pk(tenant.platform, tenant.require_store(), media_id),
            keys.MEDIA_SK,
            consistent_read=True,
        )

    def get(self, tenant: Tenant, media_id: str) -> MediaRecord | None:
        item = self._item(tenant, media_id)
        return item.to_model() if item else None

    def get_many(self, tenant: Tenant, media_ids: Sequence[str]) -> dict[str, MediaRecord]:
        """Records by id (absent ones left out): one BatchGetItem."""
        store = tenant.require_store()
        wanted = [(keys.media_pk(tenant.platform, store, media_id), keys.MEDIA_SK) for media_id in media_ids]
        if not wanted:
            return {}
        found: dict[str, MediaRecord] = {}
        for item in TableItem.batch_get(list(dict.fromkeys(wanted)), consistent_read=True):
            if isinstance(item, MediaItem):
                found[item.id] = item.to_model()
        return found

    def newest(self, tenant: Tenant, limit: int) -> list[MediaRecord]:
        """The store's uploads, newest first (one Query on GSI1)."""
        query = MediaItem.gsi1.query(
            keys.media_gsi1pk(tenant.platform, tenant.require_store()), scan_index_forward=False, limit=limit
        )
        return [item.to_model() for item in query if isinstance(item, MediaItem)]

    def claim(self, tenant: Tenant, media_id: str, lease_seconds: int) -> bool:
        """Hold a pending upload for one processing run; ``False`` when it is final already or another
        run holds it (a redelivered or duplicate event)."""
        item = self._item(tenant, media_id)
        if item is None:
            return False
        now = _now()
        free = MediaItem.claimed_until.does_not_exist() | (MediaItem.claimed_until < now)
        return update_if(
            item,
            actions=[
                MediaItem.claimed_until.set(now + timedelta(seconds=lease_seconds)),
                MediaItem.updated_at.set(now),
            ],
            condition=(MediaItem.status == MediaStatus.PENDING.value) & free,
        )

    def release(self, tenant: Tenant, media_id: str) -> None:
        """Give a pending upload back (a run that failed for a passing reason: the retry takes it)."""
        item = self._item(tenant, media_id)
        if item is None:
            return
        update_if(
            item,
            actions=[MediaItem.claimed_until.remove()],
            condition=MediaItem.status == MediaStatus.PENDING.value,
        )

    def finish_ready(
        self,
        tenant: Tenant,
        media_id: str,
        *,
        content_type: str,
        width: int,
        height: int,
        widths: Sequence[int],
    ) -> MediaRecord | None:
        """pending -> ready; ``None`` when the record is final already (the first word stands)."""
        return self._finish(
            tenant,
            media_id,
            [
                MediaItem.status.set(MediaStatus.READY.value),
                MediaItem.content_type.set(content_type),
                MediaItem.width.set(width),
                MediaItem.height.set(height),
                MediaItem.widths.set({float(width) for width in widths}),
            ],
        )

    def finish_failed(self, tenant: Tenant, media_id: str, reason: str) -> MediaRecord | None:
        """pending -> failed with ``reason``; ``None`` when the record is final already."""
        return self._finish(
            tenant,
            media_id,
            [MediaItem.status.set(MediaStatus.FAILED.value), MediaItem.reason.set(reason)],
        )

    def _finish(self, tenant: Tenant, media_id: str, actions: list[Any]) -> MediaRecord | None:
        item = self._item(tenant, media_id)
        if item is None:
            return None
        now = _now()
        if not update_if(
            item,
            actions=[
                *actions,
                MediaItem.updated_at.set(now),
                MediaItem.processed_at.set(now),
                MediaItem.claimed_until.remove(),
            ],
            condition=MediaItem.status == MediaStatus.PENDING.value,
        ):
            return None
        return item.to_model()

    def delete(self, tenant: Tenant, media_id: str) -> None:
        item = self._item(tenant, media_id)
        if item is not None:
            item.delete()

    # --- images fetched from addresses ------------------------------------------------------------------

    def _source_keys(self, tenant: Tenant, address_hash: str) -> tuple[str, str]:
        return keys.media_source_pk(
            tenant.platform, tenant.require_store(), address_hash
        ), keys.MEDIA_SOURCE_SK

    def sources(self, tenant: Tenant, address_hashes: Sequence[str]) -> dict[str, MediaSource]:
        """What is known of each address (by its hash; absent ones left out): one BatchGetItem per 100."""
        wanted = [self._source_keys(tenant, h) for h in dict.fromkeys(address_hashes)]
        found: dict[str, MediaSource] = {}
        for item in TableItem.batch_get(wanted, consistent_read=True) if wanted else ():
            if isinstance(item, MediaSourceItem):
                found[item.pk.rsplit("#", 1)[-1]] = item.to_model()
        return found

    def source(self, tenant: Tenant, address_hash: str) -> MediaSource | None:
        item = get_or_none(MediaSourceItem, *self._source_keys(tenant, address_hash), consistent_read=True)
        return item.to_model() if isinstance(item, MediaSourceItem) else None

    def start_fetch(
        self, tenant: Tenant, record: MediaRecord, address_hash: str, product_ids: Sequence[str]
    ) -> bool:
        """Create ``record`` (pending, with its ``source_url``) and make it the address's image, in one
        transaction: ``False`` (nothing written) when another fetch of the address is pending or done."""
        pk, sk = self._source_keys(tenant, address_hash)
        source = MediaSourceItem(
            pk,
            sk,
            address=record.source_url or "",
            media_id=record.id,
            status=MediaStatus.PENDING.value,
            product_ids=set(product_ids) or None,
            updated_at=record.created_at,
        )
        again = MediaSourceItem.pk.does_not_exist() | (MediaSourceItem.status == MediaStatus.FAILED.value)
        try:
            with transaction() as tx:
                tx.save(self._new_item(tenant, record), condition=MediaItem.pk.does_not_exist())
                tx.save(source, condition=again)
        except TransactWriteError as exc:
            if refused(exc):
                return False
            raise
        return True

    def wait_for(self, tenant: Tenant, address_hash: str, product_ids: Sequence[str]) -> MediaSource | None:
        """Add products to those an address's image is given to when it is done; the address as it is
        now (``None`` if it has no item)."""
        if not product_ids:
            return self.source(tenant, address_hash)
        item = MediaSourceItem(*self._source_keys(tenant, address_hash))
        if not update_if(
            item,
            actions=[MediaSourceItem.product_ids.add(set(product_ids))],
            condition=MediaSourceItem.pk.exists(),
        ):
            return None
        return item.to_model()

    def finish_source(
        self, tenant: Tenant, address_hash: str, media_id: str, status: MediaStatus, reason: str | None
    ) -> MediaSource | None:
        """The address's image is ``media_id``, ready or failed: the address as it is now, with the
        products waiting for it (``None`` when its item is gone)."""
        item = MediaSourceItem(*self._source_keys(tenant, address_hash))
        actions: list[Any] = [
            MediaSourceItem.media_id.set(media_id),
            MediaSourceItem.status.set(status.value),
            MediaSourceItem.updated_at.set(_now()),
            MediaSourceItem.reason.set(reason) if reason else MediaSourceItem.reason.remove(),
        ]
        if not update_if(item, actions=actions, condition=MediaSourceItem.pk.exists()):
            return None
        return item.to_model()

    def keep_content(self, tenant: Tenant, content_hash: str, media_id: str) -> str:
        """The image the store keeps of these bytes: ``media_id`` when it is the first, else the first's."""
        pk = keys.media_content_pk(tenant.platform, tenant.require_store(), content_hash)
        try:
            MediaContentItem(pk, keys.MEDIA_CONTENT_SK, media_id=media_id, created_at=_now()).save(
                condition=MediaContentItem.pk.does_not_exist()
            )
        except PutError as exc:
            if not condition_failed(exc):
                raise
            kept = get_or_none(MediaContentItem, pk, keys.MEDIA_CONTENT_SK, consistent_read=True)
            return kept.media_id if isinstance(kept, MediaContentItem) else media_id
        return media_id

    def forget_content(self, tenant: Tenant, content_hash: str, media_id: str) -> None:
        """Drop the bytes' item if it names ``media_id`` (an image that turned out refused)."""
        pk = keys.media_content_pk(tenant.platform, tenant.require_store(), content_hash)
        try:
            MediaContentItem(pk, keys.MEDIA_CONTENT_SK).delete(
                condition=MediaContentItem.media_id == media_id
            )
        except DeleteError as exc:
            if not condition_failed(exc):
                raise
