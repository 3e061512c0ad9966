"""The one DynamoDB table as a PynamoDB base model; feature repositories subclass it per entity."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from pynamodb.attributes import DiscriminatorAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import TableConnection
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from orion.settings import OrionSettings, get_settings

# DynamoDB's bound on the items of one TransactWriteItems.
MAX_TRANSACTION_ITEMS = 100


class Gsi1(GlobalSecondaryIndex["TableItem"]):
    """Listings by a second key: products by category, members of a store, jobs of a store."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class Gsi2(GlobalSecondaryIndex["TableItem"]):
    """Listings by a third key: orders by status and date, products by sort order."""

    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(range_key=True, attr_name="GSI2SK")


class TableItem(Model):
    """Every item in the table: tenant-prefixed PK/SK, two optional GSI key pairs, an optional ttl.

    Entities subclass this with ``discriminator="<Kind>"``, so a Query over a partition returns the right
    classes, and share the table's name, region and endpoint, bound from the settings on the first
    request (:func:`bind_table`); nothing here names a table or a region.
    """

    class Meta:
        table_name: str | None = None
        region: str | None = None
        host: str | None = None

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    kind = DiscriminatorAttribute(attr_name="kind")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    ttl = TTLAttribute(null=True, attr_name="ttl")

    gsi1: ClassVar[Gsi1] = Gsi1()
    gsi2: ClassVar[Gsi2] = Gsi2()

    @classmethod
    def _get_connection(cls) -> TableConnection:
        # PynamoDB keeps a connection (with its own botocore session, which re-parses the DynamoDB
        # service model) per model class. Every entity lives in the same table, so they share one:
        # this saves a client per entity class on each cold start.
        if cls is not TableItem:
            return TableItem._get_connection()
        if _bound is None:
            bind_table()
        return super()._get_connection()


_bound: tuple[str, str | None, str | None] | None = None


def _all_model_classes() -> list[type[Any]]:
    found: list[type[Any]] = []
    pending: list[type[Any]] = [TableItem]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def bind_table(settings: OrionSettings | None = None) -> None:
    """Point every model at the configured table, region and endpoint (idempotent and cheap; the first
    request binds it, so only code that swaps settings calls this).

    PynamoDB reads these from ``Meta`` and caches a connection per class, so a change of settings
    (tests, the local cloud) must drop those connections too.
    """
    global _bound
    settings = settings or get_settings()
    wanted = (settings.table_name, settings.aws_region, settings.aws_endpoint_url)
    if wanted == _bound:
        return
    TableItem.Meta.table_name, TableItem.Meta.region, TableItem.Meta.host = wanted
    _drop_connections()
    _bound = wanted


def unbind_table() -> None:
    """Forget the binding: the next request binds again from the settings (``orion.runtime.reset``)."""
    global _bound
    _drop_connections()
    _bound = None


def _drop_connections() -> None:
    for cls in _all_model_classes():
        cls._connection = None


ItemT = TypeVar("ItemT", bound=TableItem)


# Items one BatchGetItem read ahead for the request (see :func:`prefetched`), by (PK, SK); a None value
# is an item read as absent.
_PREFETCHED: ContextVar[dict[tuple[str, str], TableItem | None] | None] = ContextVar(
    "orion_prefetched", default=None
)


@contextmanager
def prefetched(wanted: Iterable[tuple[str, str]]) -> Iterator[None]:
    """Read the items ``wanted`` (PK, SK) in one strongly consistent BatchGetItem, and let each
    :func:`get_or_none` of one of them inside the block take it from there instead of its own GetItem.

    A page that needs items of several features (a signed-in shopper's session and account, and the
    cart) reads them in one request while each feature keeps its own data access. Each prefetched item
    answers one read only: a second read of it (after a write, on a retry) goes to the table again."""
    outer = _PREFETCHED.get()
    keys = [key for key in dict.fromkeys(wanted) if outer is None or key not in outer]
    found: dict[tuple[str, str], TableItem | None] = outer if outer is not None else {}
    found.update(dict.fromkeys(keys))
    if keys:  # inside another prefetch, only what it did not read already
        for item in TableItem.batch_get(keys, consistent_read=True):
            found[(item.pk, item.sk)] = item
    token = _PREFETCHED.set(found)
    try:
        yield
    finally:
        _PREFETCHED.reset(token)


def get_or_none(model: type[ItemT], pk: str, sk: str, *, consistent_read: bool = False) -> ItemT | None:
    """One GetItem (none when the item was prefetched); ``None`` when the item is absent (or is of
    another kind)."""
    ahead = _PREFETCHED.get()
    if ahead is not None and (pk, sk) in ahead:
        early = ahead.pop((pk, sk))
        return early if isinstance(early, model) else None
    try:
        item = model.get(pk, sk, consistent_read=consistent_read)
    except DoesNotExist:
        return None
    return item if isinstance(item, model) else None


def transaction() -> TransactWrite:
    """A write transaction on the table's shared connection (``with transaction() as tx:`` commits on
    leaving the block)."""
    return TransactWrite(connection=TableItem._get_connection().connection)
