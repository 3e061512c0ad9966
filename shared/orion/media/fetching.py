"""Images named by address (an import feed's image links) fetched into the store's media.

Publishing an import hands each product's addresses to :func:`request_fetches`. An address is fetched
once per store: the first product to name it creates a media record (pending, with its ``source_url``)
and an item for the address, in one transaction, and writes an empty object at
``<platform>/<store>/fetches/<id>`` in the media bucket; that object's event runs
:func:`process_fetch` in the processing function (asynchronously, retried, a failure queue behind it),
as an upload's event runs its processing. Later products naming the address are added to the ones
waiting for it, or given its image at once when it is ready.

:func:`process_fetch` downloads the image under the rules of :mod:`orion.media.remote` (https, public
addresses only, redirects checked, timeouts, 20 MB), stores each distinct image once (the bytes' SHA-256:
a second address with the same picture gets the first one's image), processes it as an upload
(:func:`orion.media.service.process_original`), and gives the result to every waiting product: the
fetched image in the address's place, or a placeholder with the reason staff see on the product and on
the media record. A failed address is fetched again when an import names it again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from orion import runtime
from orion.catalog import service as catalog
from orion.ids import new_id
from orion.media.errors import RemoteRefused
from orion.media.models import MediaRecord, MediaSource, MediaStatus
from orion.media.remote import Transport, fetch_image
from orion.media.repository import MediaRepository
from orion.media.service import MAX_UPLOAD_BYTES, process_original
from orion.media.storage import MediaFiles, fetch_key, parse_fetch_key
from orion.settings import get_settings
from orion.tenant import Tenant

logger = logging.getLogger(__name__)

FETCHED_TYPE = "application/octet-stream"  # what the address claims is not trusted: the bytes are decoded


def address_hash(address: str) -> str:
    return hashlib.sha256(address.encode("utf-8")).hexdigest()


def is_fetchable(image: str) -> bool:
    """An ``images`` entry that is an address to fetch (not an uploaded image, not a local path)."""
    return image.lower().startswith(("https://", "http://"))


def request_fetches(tenant: Tenant, wanted: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Fetch each address of ``wanted`` (address -> the products naming it) into the store's media
    unless it is fetched or being fetched already; products naming a ready address get its image now.
    One BatchGetItem for the addresses, then a write only where something changes. Counts by outcome."""
    counts = {"requested": 0, "waiting": 0, "ready": 0}
    if not wanted:
        return counts
    repository = runtime.repository(MediaRepository)
    hashes = {address: address_hash(address) for address in wanted}
    known = repository.sources(tenant, list(hashes.values()))
    for address, products in wanted.items():
        source = known.get(hashes[address])
        if source is not None and source.status is MediaStatus.READY:
            counts["ready"] += _give(tenant, source, products)
        elif source is not None and source.status is MediaStatus.PENDING:
            if not set(products) <= source.product_ids:
                _wait(tenant, hashes[address], products)
            counts["waiting"] += 1
        elif _start(tenant, address, hashes[address], products):
            counts["requested"] += 1
        else:  # another publish started it meanwhile
            _wait(tenant, hashes[address], products)
            counts["waiting"] += 1
    return counts


def _wait(tenant: Tenant, hashed: str, products: Sequence[str]) -> None:
    """Join the products waiting for an address; if its fetch ended in between (it gave its image to
    the products it knew of then), give it to these now."""
    now = runtime.repository(MediaRepository).wait_for(tenant, hashed, products)
    if now is not None and now.status is not MediaStatus.PENDING:
        _give(tenant, now, products)


def _start(tenant: Tenant, address: str, hashed: str, products: Sequence[str]) -> bool:
    now = datetime.now(UTC)
    name = unquote(urlsplit(address).path.rsplit("/", 1)[-1])[:200] or "image"
    record = MediaRecord(
        id=new_id(),
        platform=tenant.platform,
        store=tenant.require_store(),
        file_name=name,
        declared_type=FETCHED_TYPE,
        source_url=address,
        created_at=now,
        updated_at=now,
    )
    if not runtime.repository(MediaRepository).start_fetch(tenant, record, hashed, products):
        return False
    runtime.repository(MediaFiles).request_fetch(fetch_key(tenant, record.id))
    return True


def process_fetch(key: str, *, transport: Transport | None = None) -> MediaRecord | None:
    """Fetch the image the request at ``key`` names, keep it, and give it to the waiting products.
    ``None`` when there is nothing to do (not a request's key, no such record, or the record held by
    another run). A request whose record is final already (a retried event) gives its image to the
    waiting products again. The request object is removed once they have it."""
    location = parse_fetch_key(key)
    if location is None:
        logger.warning("not a fetch request's key, ignored: %s", key)
        return None
    tenant, media_id = location.tenant, location.media_id
    repository, files = runtime.repository(MediaRepository), runtime.repository(MediaFiles)
    record = repository.get(tenant, media_id)
    if record is None or record.source_url is None:
        files.delete_keys([key])
        return None
    if record.status.is_final:
        # A retried event whose run failed after the record was final (giving the image to a product
        # failed): give it again; giving is idempotent (a product showing it already is left alone).
        _settle(tenant, address_hash(record.source_url), record)
        files.delete_keys([key])
        return record
    if not repository.claim(tenant, media_id, get_settings().media_processing_lease_seconds):
        return None
    try:
        finished = _fetch_and_keep(tenant, record, record.source_url, transport)
    except Exception:
        repository.release(tenant, media_id)  # S3 or DynamoDB failing: the event's retry takes it
        raise
    files.delete_keys([key])
    return finished


def _fetch_and_keep(
    tenant: Tenant, record: MediaRecord, address: str, transport: Transport | None
) -> MediaRecord:
    repository = runtime.repository(MediaRepository)
    hashed = address_hash(address)
    try:
        data = fetch_image(address, MAX_UPLOAD_BYTES, transport=transport)
    except RemoteRefused as refused:
        failed = repository.finish_failed(tenant, record.id, str(refused)) or record
        _settle(tenant, hashed, failed)
        return failed
    content = hashlib.sha256(data).hexdigest()
    kept_id = repository.keep_content(tenant, content, record.id)
    if kept_id != record.id:
        kept = repository.get(tenant, kept_id)
        if kept is not None and kept.status is MediaStatus.READY:
            # The same picture from another address: that image serves this address too.
            repository.delete(tenant, record.id)
            _settle(tenant, hashed, kept)
            return kept
    finished = process_original(tenant, record.id, data)
    if finished.status is MediaStatus.FAILED and kept_id == record.id:
        repository.forget_content(tenant, content, record.id)
    _settle(tenant, hashed, finished)
    return finished


def _settle(tenant: Tenant, hashed: str, record: MediaRecord) -> None:
    """Point the address at ``record`` (final) and give it to every product waiting for it."""
    source = runtime.repository(MediaRepository).finish_source(
        tenant, hashed, record.id, record.status, record.reason
    )
    if source is not None:
        _give(tenant, source, sorted(source.product_ids))


def _give(tenant: Tenant, source: MediaSource, products: Sequence[str]) -> int:
    """Show the address's image (or its placeholder and reason) on ``products``; how many changed."""
    image = None
    if source.status is MediaStatus.READY:
        record = runtime.repository(MediaRepository).get(tenant, source.media_id)
        image = record.image() if record is not None else None
    reason = None if image is not None else (source.reason or "The image could not be fetched.")
    changed = 0
    for product_id in products:
        done = catalog.use_fetched_image(
            tenant, product_id, source.address, source.media_id, image=image, reason=reason
        )
        changed += done is not None
    return changed
