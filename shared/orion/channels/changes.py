"""Changes of a store's products and CMS pages, as the table's stream shows them, turned into work for
the channel worker: the item's ``synced`` records turn ``outdated`` and one message per changed item
goes to the channel queue.

Only stores that can publish are looked at (the channels module on their platform, and at least one
integration), and only real changes: a product item whose fields (its ``updated_at`` aside) are the
same, a variant whose only change is its stock (a sale), a page saved as it was, make no message. The
tenant comes from the item's key, never from its content. The stream's images are plain attribute
dicts here (the handler reads the AWS record); their layout is the catalogue's and the CMS's (``PK``,
``SK``, ``data`` as JSON), which tests/integration/channels keeps in step with those features.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orion import runtime
from orion.channels.models import ItemKind
from orion.channels.module import MANIFEST
from orion.channels.queue import ChannelQueue, ItemChanged
from orion.channels.repository import ChannelRepository
from orion.errors import NotFound
from orion.observability import logger
from orion.tenancy import platforms
from orion.tenant import Tenant

# The item keys that carry channel content (orion.data.keys): a product (``SK=PRODUCT``) and its
# variants (``SK=PRODUCT#VARIANT#<sku>``) in ``P#<p>#S#<s>#PRODUCT#<id>``; a store's own CMS page
# (``SK=PAGE``) in ``P#<p>#S#<s>#PAGE#<slug>``. A platform's default pages have no store: not looked at.
_STORE = r"^P#(?P<platform>[a-z0-9-]{2,40})#S#(?P<store>[a-z0-9-]{2,40})"
_PRODUCT_PK = re.compile(_STORE + r"#PRODUCT#(?P<item>[A-Za-z0-9_-]{1,100})$")
_PAGE_PK = re.compile(_STORE + r"#PAGE#(?P<item>[A-Za-z0-9_-]{1,100})$")
PRODUCT_SK = "PRODUCT"
VARIANT_SK_PREFIX = "PRODUCT#VARIANT#"
PAGE_SK = "PAGE"
# Fields of an item's ``data`` that change at every save without being content, or that are not
# published (a variant's stock is the destination's own once published).
_NOT_CONTENT = {"product": {"updated_at"}, "variant": {"stock"}, "page": {"updated_at"}}


@dataclass(frozen=True)
class ItemChange:
    """One item of one store whose channel content changed."""

    tenant: Tenant
    kind: ItemKind
    item_id: str


@dataclass
class Forwarded:
    """What :func:`forward_changes` did: messages sent, records marked outdated, and the changes it
    could not hand on (their stream records are to be retried)."""

    messages: int = 0
    outdated: int = 0
    failed: list[ItemChange] = field(default_factory=list)


def change_of(
    event: str, keys: Mapping[str, Any], old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> ItemChange | None:
    """The channel change one write made (``event``: INSERT, MODIFY or REMOVE; the item's key and its
    images before and after, as attribute dicts), or None for anything else."""
    pk, sk = str(keys.get("PK", "")), str(keys.get("SK", ""))
    if sk == PRODUCT_SK or sk.startswith(VARIANT_SK_PREFIX):
        found, part = _PRODUCT_PK.fullmatch(pk), "product" if sk == PRODUCT_SK else "variant"
        kind = ItemKind.PRODUCT
    elif sk == PAGE_SK:
        found, part, kind = _PAGE_PK.fullmatch(pk), "page", ItemKind.PAGE
    else:
        return None
    if found is None:
        return None
    if event == "MODIFY" and old is not None and new is not None and not _content_changed(part, old, new):
        return None
    return ItemChange(Tenant(found["platform"], found["store"]), kind, found["item"])


def _content_changed(part: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    if part == "product" and old.get("status") != new.get("status"):
        return True
    return bool(_content(part, old) != _content(part, new))


def _content(part: str, image: Mapping[str, Any]) -> Any:
    try:
        data = json.loads(str(image.get("data") or "{}"))
    except ValueError:
        return image.get("data")  # not JSON: compared as it is
    if isinstance(data, dict):
        for name in _NOT_CONTENT[part]:
            data.pop(name, None)
    return data


def forward_changes(changes: Iterable[ItemChange]) -> Forwarded:
    """Hand each changed item (once, however many of its writes a batch holds) to the channel worker:
    per store with the channels module on and any integration, its synced records turn outdated (one
    Query on GSI2 per item) and one message per item is sent (while any integration is active). Reads:
    one GetItem per platform and one Query per store of the batch."""
    result = Forwarded()
    by_store: dict[Tenant, list[ItemChange]] = {}
    for change in dict.fromkeys(changes):
        by_store.setdefault(change.tenant, []).append(change)
    enabled: dict[str, bool] = {}
    repository = runtime.repository(ChannelRepository)
    for tenant, items in by_store.items():
        if tenant.platform not in enabled:
            enabled[tenant.platform] = _channels_on(tenant.platform)
        if not enabled[tenant.platform]:
            continue
        try:
            integrations = repository.all(tenant)
            if not integrations:
                continue
            for item in items:
                result.outdated += repository.mark_outdated(tenant, item.kind, item.item_id)
            if not any(i.is_active for i in integrations):
                continue  # records are outdated; resuming an integration catches up (the recovery task)
            messages = [
                ItemChanged(
                    platform=tenant.platform, store=tenant.require_store(), kind=i.kind, item_id=i.item_id
                )
                for i in items
            ]
            refused = runtime.repository(ChannelQueue).send(messages)
        except Exception:  # this store's changes are retried; the other stores' go on
            logger.exception(
                "channel changes of a store could not be forwarded", extra={"tenant": str(tenant)}
            )
            result.failed += items
            continue
        result.messages += len(messages) - len(refused)
        result.failed += [items[position] for position in refused]
    return result


def _channels_on(platform: str) -> bool:
    try:
        found = platforms.get_platform(Tenant(platform))
    except NotFound:
        return False
    return MANIFEST.is_enabled(found.enabled_modules)
