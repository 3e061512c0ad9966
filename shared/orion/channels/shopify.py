"""The Shopify adapter: a store's products and CMS pages in a Shopify shop, through the Admin GraphQL API
at the integration's pinned version (``config.api_version``, 2025-01 unless set), within Shopify's
cost-based throttle.

- **Identity**: a product is the Shopify product whose handle is ``orion-<product id>`` (lower case), a
  page the Shopify page whose handle is the page's address (slug). ``publish`` looks the handle up
  (``productByIdentifier``, a direct read; ``pages`` by handle) and updates what it finds, so a retried
  publish never makes a second one; ``update`` writes to the remote id the record keeps.
- **Products**: one ``productSet`` (synchronous) with the title, HTML description, vendor (the brand),
  status ACTIVE, the options and variants (price and compare-at price as decimal strings from minor
  units, SKU, barcode from the GTIN) and the images as files Shopify fetches from their public
  addresses. Unpublishing archives the product (``productUpdate`` status ARCHIVED).
- **Pages**: ``pageCreate``/``pageUpdate`` with the title and HTML body, published; unpublishing hides
  the page (``isPublished: false``).
- **Throttle**: each answer's ``extensions.cost`` says what the request cost and how full the shop's
  bucket is; before a request that would not fit, the adapter waits for the bucket to refill at its
  restore rate. A ``THROTTLED`` answer is retried after the wait its cost and the restore rate give,
  a 429 after its ``Retry-After``, at most :data:`MAX_RETRIES` times and never longer than
  :data:`MAX_WAIT_SECONDS` a wait; then DestinationUnavailable with ``retry_after``.

The access token travels in the ``X-Shopify-Access-Token`` header only: never in an address, a log line
or an error.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from orion import runtime
from orion.catalog.images import image_address
from orion.catalog.models import Product
from orion.channels import http
from orion.channels.destination import (
    ConnectionCheck,
    Prepared,
    PublicAddresses,
    RemoteChange,
    RemoteItem,
    content_hash,
)
from orion.channels.errors import DestinationError, DestinationUnavailable, RemoteMissing
from orion.channels.models import DEFAULT_SHOPIFY_API_VERSION, Integration, ItemKind
from orion.cms.models import Page
from orion.money import parse_amount
from orion.observability import logger
from orion.tenant import Tenant

# Retries of one request that Shopify throttled (THROTTLED or 429), and the longest single wait: a
# publish runs within a staff request, so a longer wait is left to a later run (retry_after).
MAX_RETRIES = 3
MAX_WAIT_SECONDS = 10.0
MIN_WAIT_SECONDS = 0.5  # after a THROTTLED answer that gives no wait to compute
DEFAULT_RETRY_AFTER_SECONDS = 2.0  # a 429 without Retry-After (Shopify's REST limit is 2 calls a second)
DEFAULT_COST = 10.0  # the estimate of an operation not seen yet (Shopify's mutations cost 10)
# fetch_changes reads at most this many pages of changed products (and of pages) per call.
MAX_CHANGE_PAGES = 20
HANDLE_PREFIX = "orion-"

# --- the GraphQL documents (pinned by tests/unit/orion/channels/test_shopify_contract.py) --------------

SHOP = """query OrionShop {
  shop {
    name
    currencyCode
  }
}"""

PRODUCT_BY_HANDLE = """query OrionProductByHandle($identifier: ProductIdentifierInput!) {
  productByIdentifier(identifier: $identifier) {
    id
  }
}"""

PRODUCT_SET = """mutation OrionProductSet($input: ProductSetInput!, $synchronous: Boolean!) {
  productSet(input: $input, synchronous: $synchronous) {
    product {
      id
      handle
    }
    userErrors {
      code
      field
      message
    }
  }
}"""

PRODUCT_ARCHIVE = """mutation OrionProductArchive($product: ProductUpdateInput!) {
  productUpdate(product: $product) {
    product {
      id
      status
    }
    userErrors {
      field
      message
    }
  }
}"""

PAGE_BY_HANDLE = """query OrionPageByHandle($query: String!) {
  pages(first: 1, query: $query) {
    nodes {
      id
      handle
    }
  }
}"""

PAGE_CREATE = """mutation OrionPageCreate($page: PageCreateInput!) {
  pageCreate(page: $page) {
    page {
      id
      handle
    }
    userErrors {
      code
      field
      message
    }
  }
}"""

PAGE_UPDATE = """mutation OrionPageUpdate($id: ID!, $page: PageUpdateInput!) {
  pageUpdate(id: $id, page: $page) {
    page {
      id
      handle
    }
    userErrors {
      code
      field
      message
    }
  }
}"""

PRODUCTS_CHANGED = """query OrionProductsChanged($query: String, $after: String) {
  products(first: 25, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id
      title
      descriptionHtml
      vendor
      status
      updatedAt
      variants(first: 1) {
        nodes {
          price
          compareAtPrice
        }
      }
      media(first: 10) {
        nodes {
          ... on MediaImage {
            image {
              url
            }
          }
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}"""

PAGES_CHANGED = """query OrionPagesChanged($query: String, $after: String) {
  pages(first: 50, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id
      title
      body
      updatedAt
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}"""

DOCUMENTS = (
    SHOP,
    PRODUCT_BY_HANDLE,
    PRODUCT_SET,
    PRODUCT_ARCHIVE,
    PAGE_BY_HANDLE,
    PAGE_CREATE,
    PAGE_UPDATE,
    PRODUCTS_CHANGED,
    PAGES_CHANGED,
)
_OPERATION = re.compile(r"^(?:query|mutation) (\w+)")


def operation_name(document: str) -> str:
    found = _OPERATION.match(document)
    if found is None:
        raise ValueError("a document starts with its operation's name")
    return found.group(1)


class ShopEndpoint:
    """Where a shop's Admin API answers: ``https://<shop domain>``. The tests substitute the local
    stand-in's address (``runtime.substitute``); the transport still refuses plain http and private
    addresses to any host not named in ``ORION_CHANNELS_TRUSTED_HOSTS``."""

    def origin(self, shop_domain: str) -> str:
        return f"https://{shop_domain}"


@dataclass
class _Bucket:
    """The shop's throttle bucket as the last answer reported it."""

    available: float
    maximum: float
    restore_rate: float  # points a second
    at: float  # the clock when it was reported

    def available_at(self, now: float) -> float:
        return min(self.maximum, self.available + self.restore_rate * max(0.0, now - self.at))


def decimal_amount(minor_units: int) -> str:
    """``2500`` -> ``"25.00"``: Shopify's Money input (every currency Orion prices in has two decimals)."""
    return str(Decimal(minor_units).scaleb(-2).quantize(Decimal("0.01")))


def product_handle(product_id: str) -> str:
    return f"{HANDLE_PREFIX}{product_id.lower()}"


class ShopifyAdapter:
    """Publishes a store's products and pages to one Shopify shop (see the module's docstring)."""

    def __init__(
        self,
        tenant: Tenant,
        integration: Integration,
        credentials: Mapping[str, str],
        *,
        transport: http.Transport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tenant = tenant
        self.integration = integration
        self.shop_domain = integration.config.shop_domain or ""
        version = integration.config.api_version or DEFAULT_SHOPIFY_API_VERSION
        origin = runtime.repository(ShopEndpoint).origin(self.shop_domain)
        self.url = f"{origin}/admin/api/{version}/graphql.json"
        self._token = credentials.get("access_token", "")
        self._transport = transport or http.PublicTransport()
        self._sleep = sleep
        self._clock = clock
        self._bucket: _Bucket | None = None
        self._costs: dict[str, float] = {}  # the requested cost each operation was last charged
        self._public_address = PublicAddresses(tenant)

    # --- preparing ---------------------------------------------------------------------------------

    def prepare(self, product: Product) -> Prepared:
        """The ``ProductSetInput`` of the product (its hash is the hash of exactly that)."""
        names = list(dict.fromkeys(name for v in product.variants for name in v.options))
        if not names:
            # Shopify's own default option for a product without options; several variants without
            # options are told apart by their SKUs.
            names = ["Title"] if len(product.variants) == 1 else ["SKU"]

        def value(variant_options: Mapping[str, str], sku: str, name: str) -> str:
            if name == "Title" and not variant_options:
                return "Default Title"
            if name == "SKU" and not variant_options:
                return sku
            return variant_options.get(name, "-")

        chosen = [[(name, value(v.options, v.sku, name)) for name in names] for v in product.variants]
        variants: list[dict[str, Any]] = []
        for variant, pairs in zip(product.variants, chosen, strict=True):
            barcode = variant.gtin or (product.gtin if len(product.variants) == 1 else None)
            compare_at = variant.compare_at_price
            variants.append(
                {
                    "optionValues": [{"optionName": name, "name": text} for name, text in pairs],
                    "price": decimal_amount(variant.price),
                    "compareAtPrice": decimal_amount(compare_at) if compare_at is not None else None,
                    "sku": variant.sku,
                    "barcode": barcode,
                }
            )
        options = [
            {
                "name": name,
                "values": [{"name": text} for text in dict.fromkeys(p[i][1] for p in chosen)],
            }
            for i, name in enumerate(names)
        ]
        files = []
        for image in product.images:
            address = self._public_address(image_address(self.tenant, image, product.media))
            if address is None:
                continue
            file: dict[str, Any] = {"originalSource": address, "contentType": "IMAGE"}
            if image in product.image_alts:
                file["alt"] = product.image_alts[image]
            files.append(file)
        content: dict[str, Any] = {
            "handle": product_handle(product.id),
            "title": product.title,
            "descriptionHtml": product.description,
            "vendor": product.brand,
            "status": "ACTIVE",
            "productOptions": options,
            "variants": variants,
            "files": files,
        }
        if product.brand is None:
            del content["vendor"]  # left to Shopify (the shop's name), not cleared
        return Prepared(ItemKind.PRODUCT, product.id, content, content_hash(content))

    def prepare_page(self, page: Page) -> Prepared:
        content = {"handle": page.slug, "title": page.title, "body": page.body_html, "isPublished": True}
        return Prepared(ItemKind.PAGE, page.slug, content, content_hash(content))

    # --- the ChannelAdapter operations -------------------------------------------------------------

    def publish(self, item: Prepared) -> RemoteItem:
        if item.item_kind is ItemKind.PAGE:
            found = self._page_by_handle(item.content["handle"])
            if found is None:
                return self._create_page(item)
            return self._update_page(found, item)
        data = self._call(
            PRODUCT_BY_HANDLE, {"identifier": {"handle": item.content["handle"]}}, "the product"
        )
        existing = (data.get("productByIdentifier") or {}).get("id")
        return self._set_product(item, existing)

    def update(self, remote_id: str, item: Prepared) -> RemoteItem:
        if item.item_kind is ItemKind.PAGE:
            return self._update_page(remote_id, item)
        return self._set_product(item, remote_id)

    def unpublish(self, item_kind: ItemKind, remote_id: str) -> None:
        try:
            if item_kind is ItemKind.PAGE:
                self._update_page(remote_id, None)
            else:
                data = self._call(
                    PRODUCT_ARCHIVE, {"product": {"id": remote_id, "status": "ARCHIVED"}}, "the product"
                )
                self._check_user_errors(data["productUpdate"], "the product", missing_fields=("id",))
        except RemoteMissing:
            return  # deleted in Shopify by hand: nothing left to unpublish

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]:
        """Products and pages changed in the shop after ``since`` (every one when None), oldest change
        first, in Orion's terms (see RemoteChange); at most :data:`MAX_CHANGE_PAGES` pages of each."""
        query = f"updated_at:>'{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'" if since else None
        changes = [
            product_change(node)
            for node in self._changed(PRODUCTS_CHANGED, "products", query, "the changed products")
        ]
        changes += [
            page_change(node) for node in self._changed(PAGES_CHANGED, "pages", query, "the changed pages")
        ]
        return sorted(changes, key=lambda c: c.changed_at)

    def test_connection(self) -> ConnectionCheck:
        try:
            shop = self._call(SHOP, {}, "the shop")["shop"]
        except DestinationError as exc:
            return ConnectionCheck(False, str(exc))
        detail = (
            f"Shopify shop {shop.get('name')} ({self.shop_domain}) can be published to; it sells in "
            f"{shop.get('currencyCode')} (prices are sent as they are, never converted)"
        )
        return ConnectionCheck(True, detail)

    # --- products and pages ------------------------------------------------------------------------

    def _set_product(self, item: Prepared, remote_id: str | None) -> RemoteItem:
        product_input = dict(item.content)
        if remote_id:
            product_input["id"] = remote_id
        data = self._call(PRODUCT_SET, {"input": product_input, "synchronous": True}, "the product")
        payload = data["productSet"]
        self._check_user_errors(payload, "the product")
        product = payload.get("product") or {}
        if not product.get("id"):
            raise DestinationError("Shopify answered productSet without the product.")
        handle = product.get("handle") or item.content["handle"]
        return RemoteItem(str(product["id"]), f"https://{self.shop_domain}/products/{handle}")

    def _page_by_handle(self, handle: str) -> str | None:
        data = self._call(PAGE_BY_HANDLE, {"query": f"handle:'{handle}'"}, "the page")
        nodes = (data.get("pages") or {}).get("nodes") or []
        found = [n["id"] for n in nodes if n.get("handle") == handle]
        return str(found[0]) if found else None

    def _create_page(self, item: Prepared) -> RemoteItem:
        data = self._call(PAGE_CREATE, {"page": item.content}, "the page")
        return self._page_answer(data["pageCreate"], item)

    def _update_page(self, remote_id: str, item: Prepared | None) -> RemoteItem:
        """The page updated with the item, or hidden (``item`` None)."""
        page = dict(item.content) if item is not None else {"isPublished": False}
        data = self._call(PAGE_UPDATE, {"id": remote_id, "page": page}, "the page")
        return self._page_answer(data["pageUpdate"], item)

    def _page_answer(self, payload: dict[str, Any], item: Prepared | None) -> RemoteItem:
        self._check_user_errors(payload, "the page")
        page = payload.get("page") or {}
        if not page.get("id"):
            raise DestinationError("Shopify answered without the page.")
        handle = page.get("handle") or (item.content["handle"] if item else "")
        return RemoteItem(str(page["id"]), f"https://{self.shop_domain}/pages/{handle}")

    def _check_user_errors(
        self, payload: Mapping[str, Any], what: str, missing_fields: tuple[str, ...] = ()
    ) -> None:
        """RemoteMissing for an item deleted by hand, DestinationError with Shopify's reasons for
        anything else it refused."""
        errors = [e for e in payload.get("userErrors") or [] if isinstance(e, dict)]
        if not errors:
            return
        gone = {"PRODUCT_DOES_NOT_EXIST", "NOT_FOUND", "PRODUCT_NOT_FOUND"}
        if any(e.get("code") in gone for e in errors) or (
            missing_fields and all(tuple(e.get("field") or ()) == missing_fields for e in errors)
        ):
            raise RemoteMissing(f"{what.capitalize()} is no longer in the Shopify shop (deleted there).")
        reasons = "; ".join(_reason(e) for e in errors[:3])
        raise DestinationError(f"Shopify refused {what}: {reasons}"[:500])

    def _changed(self, document: str, field: str, query: str | None, what: str) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        for _ in range(MAX_CHANGE_PAGES):
            connection = self._call(document, {"query": query, "after": after}, what).get(field) or {}
            nodes += [n for n in connection.get("nodes") or [] if isinstance(n, dict) and n.get("id")]
            info = connection.get("pageInfo") or {}
            after = info.get("endCursor")
            if not info.get("hasNextPage") or not after:
                break
        return nodes

    # --- the request, within the throttle ----------------------------------------------------------

    def _call(self, document: str, variables: Mapping[str, Any], what: str) -> dict[str, Any]:
        """The ``data`` of one GraphQL request, waiting for the throttle bucket and retrying a
        throttled request (see the module's docstring)."""
        if not self._token:
            raise DestinationError("The integration has no Shopify access token: set its credentials.")
        operation = operation_name(document)
        body = json.dumps({"query": document, "variables": variables}).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Shopify-Access-Token": self._token,
        }
        retries = 0
        while True:
            self._wait_for_room(operation)
            answer = self._transport.send(http.HttpRequest("POST", self.url, headers, body))
            if answer.status == 429:
                asked = http.retry_after(answer)
                wait = DEFAULT_RETRY_AFTER_SECONDS if asked is None else asked
                retries = self._back_off(wait, retries, f"Shopify is throttling requests (429) for {what}.")
                continue
            if answer.status == 404:
                raise DestinationError(
                    f"Shopify has no Admin API at {self.shop_domain} for version "
                    f"{self.url.rsplit('/', 2)[-2]} (404): check the shop domain and the API version."
                )
            http.check_answer(answer, what)
            data = answer.json()
            if not isinstance(data, dict):
                raise DestinationError(f"Shopify answered {what} with something other than GraphQL.")
            requested = self._note_cost(operation, data.get("extensions"))
            errors = [e for e in data.get("errors") or [] if isinstance(e, dict)]
            if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                retries = self._back_off(
                    self._throttled_wait(requested), retries, f"Shopify is throttling requests for {what}."
                )
                continue
            if errors:
                raise DestinationError(f"Shopify refused {what}: {_reason(errors[0])}"[:500])
            if isinstance(data.get("errors"), str):  # the REST-style error text of some refusals
                raise DestinationError(f"Shopify refused {what}: {data['errors'][:300]}")
            result = data.get("data")
            if not isinstance(result, dict):
                raise DestinationError(f"Shopify answered {what} without data.")
            return result

    def _wait_for_room(self, operation: str) -> None:
        """Sleep until the bucket holds what the operation cost last time (nothing before the first
        answer says how full it is)."""
        if self._bucket is None or self._bucket.restore_rate <= 0:
            return
        needed = min(self._costs.get(operation, DEFAULT_COST), self._bucket.maximum)
        available = self._bucket.available_at(self._clock())
        if needed <= available:
            return
        wait = (needed - available) / self._bucket.restore_rate
        if wait > MAX_WAIT_SECONDS:
            raise DestinationUnavailable(
                "Shopify's request budget for this shop is used up; it will be retried.", retry_after=wait
            )
        logger.info("waiting for shopify's throttle", extra={"shop": self.shop_domain, "wait": wait})
        self._sleep(wait)

    def _note_cost(self, operation: str, extensions: object) -> float | None:
        """Remember the bucket and the operation's requested cost from ``extensions.cost``; the
        requested cost."""
        cost = extensions.get("cost") if isinstance(extensions, dict) else None
        if not isinstance(cost, dict):
            return None
        requested = _number(cost.get("requestedQueryCost"))
        if requested is not None:
            self._costs[operation] = requested
        status = cost.get("throttleStatus")
        if isinstance(status, dict):
            available = _number(status.get("currentlyAvailable"))
            maximum = _number(status.get("maximumAvailable"))
            rate = _number(status.get("restoreRate"))
            if available is not None and maximum is not None and rate is not None:
                self._bucket = _Bucket(available, maximum, rate, self._clock())
        return requested

    def _throttled_wait(self, requested: float | None) -> float:
        """How long until the bucket holds the request's cost again, at its restore rate."""
        bucket = self._bucket
        if bucket is None or bucket.restore_rate <= 0 or requested is None:
            return MIN_WAIT_SECONDS
        wait = (requested - bucket.available) / bucket.restore_rate
        return wait if wait > 0 else MIN_WAIT_SECONDS

    def _back_off(self, wait: float, retries: int, message: str) -> int:
        """Sleep ``wait`` before retrying, or DestinationUnavailable after the last retry or when the
        wait is too long for this run."""
        if retries >= MAX_RETRIES or wait > MAX_WAIT_SECONDS:
            raise DestinationUnavailable(f"{message} It will be retried.", retry_after=wait)
        logger.info("shopify throttled a request", extra={"shop": self.shop_domain, "wait": wait})
        self._sleep(wait)
        return retries + 1


# --- what Shopify has, in Orion's terms (two-way sync) ------------------------------------------------


def product_change(node: Mapping[str, Any]) -> RemoteChange:
    """A product node of ``OrionProductsChanged`` as a RemoteChange."""
    fields: dict[str, Any] = {}
    if isinstance(node.get("title"), str):
        fields["title"] = node["title"]
    if isinstance(node.get("descriptionHtml"), str):
        fields["description"] = node["descriptionHtml"]
    if "vendor" in node:
        fields["brand"] = node["vendor"] or None
    if isinstance(node.get("status"), str):
        fields["status"] = node["status"].lower()
    variants = (node.get("variants") or {}).get("nodes") or []
    if variants:
        fields.update(_prices(variants[0].get("price"), variants[0].get("compareAtPrice")))
    media = (node.get("media") or {}).get("nodes")
    if isinstance(media, list):
        fields["images"] = [
            m["image"]["url"] for m in media if isinstance(m, dict) and (m.get("image") or {}).get("url")
        ]
    return RemoteChange(ItemKind.PRODUCT, str(node["id"]), fields, _time(node.get("updatedAt")))


def page_change(node: Mapping[str, Any]) -> RemoteChange:
    fields = {name: node[key] for name, key in (("title", "title"), ("body_html", "body")) if key in node}
    return RemoteChange(ItemKind.PAGE, str(node["id"]), fields, _time(node.get("updatedAt")))


def webhook_product_change(payload: Mapping[str, Any]) -> RemoteChange:
    """The body of a ``products/update`` webhook (the REST shape of a product) as a RemoteChange;
    ValueError for a body that is not a product."""
    remote_id = payload.get("admin_graphql_api_id")
    if not isinstance(remote_id, str) or not remote_id.startswith("gid://shopify/Product/"):
        raise ValueError("the webhook names no product")
    fields: dict[str, Any] = {}
    if isinstance(payload.get("title"), str):
        fields["title"] = payload["title"]
    if "body_html" in payload:
        fields["description"] = payload.get("body_html") or ""
    if "vendor" in payload:
        fields["brand"] = payload["vendor"] or None
    if isinstance(payload.get("status"), str):
        fields["status"] = payload["status"].lower()
    variants = [v for v in payload.get("variants") or [] if isinstance(v, dict)]
    if variants:
        first = min(variants, key=lambda v: v.get("position") or 0)
        fields.update(_prices(first.get("price"), first.get("compare_at_price")))
    images = payload.get("images")
    if isinstance(images, list):
        ordered = sorted((i for i in images if isinstance(i, dict)), key=lambda i: i.get("position") or 0)
        fields["images"] = [i["src"] for i in ordered if isinstance(i.get("src"), str)]
    return RemoteChange(ItemKind.PRODUCT, remote_id, fields, _time(payload.get("updated_at")))


def _prices(price: object, compare_at: object) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    amount = _minor_units(price)
    if amount is not None:
        found["price"] = amount
    if compare_at is None or isinstance(compare_at, str):
        compared = _minor_units(compare_at)
        found["compare_at_price"] = compared or None  # Shopify's "0.00" is no compare-at price
    return found


def _minor_units(value: object) -> int | None:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    try:
        return parse_amount(str(value))
    except ValueError:
        return None


def _time(value: object) -> datetime:
    """An ISO-8601 time (Shopify's carry their shop's offset) in UTC; now when there is none."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            pass
    return datetime.now(UTC)


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _reason(error: Mapping[str, Any]) -> str:
    """A userError or GraphQL error as words: its message, and the field it names."""
    message = str(error.get("message") or error.get("code") or "refused")[:300]
    field = error.get("field")
    if isinstance(field, list) and field:
        return f"{message} ({'.'.join(str(f) for f in field)})"
    return message
