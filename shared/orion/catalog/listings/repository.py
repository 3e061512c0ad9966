"""Reading listings from the table: a storefront listing page (one Query on its listing in GSI1), the
staff listing of every product (GSI1 newest first, GSI2 by title) and the store's search index (GSI2)."""

from __future__ import annotations

from typing import Any, Literal

from orion.catalog.items import SCOPE_ALL, ListingEntryItem, ProductItem, SearchEntryItem
from orion.catalog.models import ProductList, ProductSort, ProductStatus, ProductSummary
from orion.data import keys
from orion.data.cursors import IndexKey, decode_sort_key, encode_cursor, start_key
from orion.data.table import TableItem
from orion.errors import BadRequest
from orion.tenant import Tenant

# Products a filtered staff listing page looks at in its one Query (those matching are shown).
FILTER_WINDOW = 200

# Which stored order serves each listing sort, and in which direction it is read.
SORT_ORDERS: dict[ProductSort, tuple[str, bool]] = {
    ProductSort.NEWEST: ("NEWEST", False),
    ProductSort.PRICE_ASC: ("PRICE", True),
    ProductSort.PRICE_DESC: ("PRICE", False),
    ProductSort.TITLE: ("TITLE", True),
}


class ListingRepository:
    """Reads a store's listings and search index; every call takes the tenant first."""

    def listing(
        self, tenant: Tenant, scope: str, sort: ProductSort, *, limit: int, after: str | None
    ) -> ProductList:
        """One page of a storefront listing: one Query on GSI1."""
        platform, store = tenant.platform, tenant.require_store()
        order, forward = SORT_ORDERS[sort]
        gsi1pk = keys.listing_gsi1pk(platform, store, scope, order)
        start = None
        if after:
            sort_value, product_id = decode_sort_key(after)
            start = start_key(
                keys.product_pk(platform, store, product_id),
                keys.listing_sk(scope, order),
                IndexKey("GSI1", gsi1pk, sort_value),
            )
        # One item more than the page: DynamoDB names a LastEvaluatedKey whenever it stops at Limit, even
        # with nothing after it, so only the extra item tells that a next page exists (no empty last page).
        result = ListingEntryItem.gsi1.query(
            gsi1pk,
            scan_index_forward=forward,
            limit=limit + 1,
            last_evaluated_key=start,
            page_size=limit + 1,
        )
        entries = [entry for entry in result if isinstance(entry, ListingEntryItem)]
        shown = entries[:limit]
        items = [ProductSummary.model_validate_json(entry.summary) for entry in shown]
        more = len(entries) > limit
        return ProductList(items=items, next_cursor=encode_cursor(shown[-1].gsi1sk) if more else None)

    def oldest_first(self, tenant: Tenant, *, limit: int, after: str | None) -> ProductList:
        """One page of the store's active products, oldest first (the sitemap's order: a product added
        goes at the end, so the cursors of earlier pages stay where they were): one Query on GSI1."""
        platform, store = tenant.platform, tenant.require_store()
        order, _ = SORT_ORDERS[ProductSort.NEWEST]
        gsi1pk = keys.listing_gsi1pk(platform, store, SCOPE_ALL, order)
        result = ListingEntryItem.gsi1.query(
            gsi1pk,
            scan_index_forward=True,
            limit=limit + 1,
            last_evaluated_key=self._listing_start(platform, store, gsi1pk, order, after),
            page_size=limit + 1,
        )
        entries = [entry for entry in result if isinstance(entry, ListingEntryItem)]
        shown = entries[:limit]
        items = [ProductSummary.model_validate_json(entry.summary) for entry in shown]
        more = len(entries) > limit
        return ProductList(items=items, next_cursor=encode_cursor(shown[-1].gsi1sk) if more else None)

    def oldest_first_page_starts(self, tenant: Tenant, *, page_size: int, max_pages: int) -> list[str | None]:
        """The ``after`` cursor of each page of :meth:`oldest_first` (``None`` for the first), at most
        ``max_pages``: one Query per page reading only the keys (no summaries are returned)."""
        platform, store = tenant.platform, tenant.require_store()
        order, _ = SORT_ORDERS[ProductSort.NEWEST]
        gsi1pk = keys.listing_gsi1pk(platform, store, SCOPE_ALL, order)
        starts: list[str | None] = [None]
        names = [TableItem.pk.attr_name, TableItem.sk.attr_name, TableItem.kind.attr_name, "GSI1PK", "GSI1SK"]
        while len(starts) < max_pages:
            result = ListingEntryItem.gsi1.query(
                gsi1pk,
                scan_index_forward=True,
                limit=page_size + 1,
                last_evaluated_key=self._listing_start(platform, store, gsi1pk, order, starts[-1]),
                page_size=page_size + 1,
                attributes_to_get=names,
            )
            entries = [entry for entry in result if isinstance(entry, ListingEntryItem)]
            if len(entries) <= page_size:
                break
            starts.append(encode_cursor(entries[page_size - 1].gsi1sk))
        return starts

    @staticmethod
    def _listing_start(
        platform: str, store: str, gsi1pk: str, order: str, after: str | None
    ) -> dict[str, dict[str, str]] | None:
        if not after:
            return None
        sort_value, product_id = decode_sort_key(after)
        return start_key(
            keys.product_pk(platform, store, product_id),
            keys.listing_sk(SCOPE_ALL, order),
            IndexKey("GSI1", gsi1pk, sort_value),
        )

    def staff_listing(
        self,
        tenant: Tenant,
        sort: ProductSort,
        *,
        limit: int,
        after: str | None,
        status: ProductStatus | None,
        category: str | None = None,
    ) -> ProductList:
        """Every product of the store, any status, newest first or by title: one Query page
        (optionally only those of one ``status`` and/or ``category``, filtered on the product item)."""
        platform, store = tenant.platform, tenant.require_store()
        index_name: Literal["GSI1", "GSI2"]
        if sort is ProductSort.TITLE:
            index: Any = ProductItem.gsi2
            index_name, partition = "GSI2", keys.products_by_title_gsi2pk(platform, store)
            forward = True
        elif sort is ProductSort.NEWEST:
            index = ProductItem.gsi1
            index_name, partition = "GSI1", keys.products_gsi1pk(platform, store)
            forward = False
        else:
            raise BadRequest("Products of every status can be listed newest first or by title.")
        start = None
        if after:
            sort_value, product_id = decode_sort_key(after)
            start = start_key(
                keys.product_pk(platform, store, product_id),
                keys.PRODUCT_SK,
                IndexKey(index_name, partition, sort_value),
            )
        condition: Any = ProductItem.status == status.value if status else None
        if category:
            in_category = ProductItem.categories.contains(f"|{category}|")
            condition = in_category if condition is None else condition & in_category
        if condition is not None:
            return self._filtered_page(
                index,
                partition=partition,
                index_name=index_name,
                forward=forward,
                start=start,
                condition=condition,
                limit=limit,
            )
        # One more than the page (as in listing): a next page is named only when a product follows.
        result = index.query(
            partition,
            scan_index_forward=forward,
            limit=limit + 1,
            last_evaluated_key=start,
            page_size=limit + 1,
        )
        entries = [entry for entry in result if isinstance(entry, ProductItem)]
        return _page_of(entries, limit, index_name, None)

    def _filtered_page(
        self,
        index: Any,
        *,
        partition: str,
        index_name: Literal["GSI1", "GSI2"],
        forward: bool,
        start: Any,
        condition: Any,
        limit: int,
    ) -> ProductList:
        """A filtered page in ONE Query of at most FILTER_WINDOW products looked at: however rare the
        matches, a page costs one request (it may hold fewer than ``limit``, even none, and still name
        the next cursor, where the looking goes on)."""
        result = index.query(
            partition,
            scan_index_forward=forward,
            last_evaluated_key=start,
            filter_condition=condition,
            page_size=FILTER_WINDOW,
        )
        page = next(result.page_iter, None) or {}
        entries = [ProductItem.from_raw_data(raw) for raw in page.get("Items", [])]
        stopped = result.page_iter.last_evaluated_key
        resume = stopped[f"{index_name}SK"]["S"] if stopped else None
        return _page_of([e for e in entries if isinstance(e, ProductItem)], limit, index_name, resume)

    def titles_starting(self, tenant: Tenant, prefix: str, *, limit: int) -> list[ProductSummary]:
        """Products of any status whose folded title starts with ``prefix``: one Query on the staff
        listing by title (GSI2)."""
        platform, store = tenant.platform, tenant.require_store()
        found: list[ProductSummary] = []
        for entry in ProductItem.gsi2.query(
            keys.products_by_title_gsi2pk(platform, store),
            ProductItem.gsi2sk.startswith(prefix),
            limit=limit,
            page_size=limit,
        ):
            if isinstance(entry, ProductItem):
                found.append(ProductSummary.model_validate_json(entry.summary))
        return found

    def search(self, tenant: Tenant, token: str, *, limit: int) -> list[tuple[str, ProductSummary]]:
        """Search entries whose token starts with ``token``: one Query on GSI2, ``(text, summary)``."""
        platform, store = tenant.platform, tenant.require_store()
        found: list[tuple[str, ProductSummary]] = []
        for entry in SearchEntryItem.gsi2.query(
            keys.search_gsi2pk(platform, store),
            SearchEntryItem.gsi2sk.startswith(token),
            limit=limit,
            page_size=limit,
        ):
            if isinstance(entry, SearchEntryItem):
                found.append((entry.text, ProductSummary.model_validate_json(entry.summary)))
        return found


def _page_of(entries: list[ProductItem], limit: int, index_name: str, resume: str | None) -> ProductList:
    """The first ``limit`` entries, and the cursor after them: the last shown when more entries
    follow, else where the Query stopped looking (``resume``), else none."""
    shown = entries[:limit]
    items = [ProductSummary.model_validate_json(entry.summary) for entry in shown]
    if len(entries) > limit:
        last = shown[-1].gsi2sk if index_name == "GSI2" else shown[-1].gsi1sk
        return ProductList(items=items, next_cursor=encode_cursor(last) if last else None)
    return ProductList(items=items, next_cursor=encode_cursor(resume) if resume else None)
