"""A local Shopify: an in-process HTTP server that answers the Admin GraphQL operations the Shopify
adapter sends (matched by their operation name), with Shopify's documented answer shapes, keeping
products and pages in memory.

What it does as Shopify does: ``X-Shopify-Access-Token`` checked (401 otherwise), the version in the
path (404 for one it does not serve), every answer's ``extensions.cost`` with a throttle bucket that
really drains by each request's cost and refills at ``restore_rate`` a second (a request that does not
fit is answered THROTTLED), ``userErrors`` for a product id that does not exist (PRODUCT_DOES_NOT_EXIST),
a handle already taken (HANDLE_NOT_UNIQUE) and more variants than the shop allows (``variant_limit``,
Shopify's default 2048; the wording of that message is the stand-in's own), and webhooks signed as
Shopify signs them (base64 HMAC-SHA256 of the raw body).

Switches for faults: :meth:`ShopifyStandin.fail_next` (``throttled`` empties the bucket, ``429`` with
``Retry-After``, ``500``, ``401``), :meth:`ShopifyStandin.delete_product_by_hand` and
:meth:`ShopifyStandin.edit_product_by_hand`.

The adapter reaches it through ``runtime.substitute(ShopEndpoint, standin.endpoint())`` with
``ORION_CHANNELS_TRUSTED_HOSTS`` naming ``127.0.0.1:<port>`` (the fixture in
tests/integration/channels/conftest.py does both).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from orion.channels.shopify import ShopEndpoint

SHOP_DOMAIN = "orion-test.myshopify.com"
ACCESS_TOKEN = "shpat_0123456789abcdef0123456789abcdef"
WEBHOOK_SECRET = "shpss_standin_webhook_signing_key_0123"
VERSIONS = ("2025-01", "2025-04", "2025-07", "2025-10")
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
_PATH = re.compile(r"^/admin/api/(\d{4}-\d{2})/graphql\.json$")
_OPERATION = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")
_UPDATED_AFTER = re.compile(r"updated_at:>'([^']+)'")
_HANDLE = re.compile(r"handle:'([^']+)'")

# The requested cost of each operation (Shopify computes it from the selection; these are in its range).
COSTS = {
    "OrionShop": 1,
    "OrionProductByHandle": 1,
    "OrionProductSet": 10,
    "OrionProductArchive": 10,
    "OrionPageByHandle": 3,
    "OrionPageCreate": 10,
    "OrionPageUpdate": 10,
    "OrionProductsChanged": 302,
    "OrionPagesChanged": 52,
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Request:
    """One GraphQL request the stand-in received."""

    operation: str
    variables: dict[str, Any]
    version: str


@dataclass
class ShopifyStandin:
    shop_domain: str = SHOP_DOMAIN
    access_token: str = ACCESS_TOKEN
    webhook_secret: str = WEBHOOK_SECRET
    shop_name: str = "Orion Test Shop"
    currency: str = "EUR"
    maximum: float = 1000.0
    restore_rate: float = 1000.0  # points a second (Shopify's standard plans: 100)
    variant_limit: int = 2048
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(8_000_000_000_001)
        self._available = self.maximum
        self._restored_at = time.monotonic()
        self._failures: list[tuple[str, str]] = []
        self._server: ThreadingHTTPServer | None = None

    # --- the server ---

    def start(self) -> ShopifyStandin:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, headers, body = standin.answer(self.path, dict(self.headers.items()), raw)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def host(self) -> str:
        """``127.0.0.1:<port>``, for ORION_CHANNELS_TRUSTED_HOSTS."""
        assert self._server is not None, "start the stand-in first"
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def origin(self) -> str:
        return f"http://{self.host}"

    def endpoint(self) -> ShopEndpoint:
        """The ShopEndpoint that sends this shop's domain here (other domains stay where they are)."""
        standin = self

        class StandinEndpoint(ShopEndpoint):
            def origin(self, shop_domain: str) -> str:
                return standin.origin if shop_domain == standin.shop_domain else super().origin(shop_domain)

        return StandinEndpoint()

    # --- switches ---

    def fail_next(self, kind: str, times: int = 1, retry_after: str = "1") -> None:
        """Answer the next ``times`` requests with ``kind``: ``throttled`` (the bucket is emptied first,
        so the request does not fit), ``429`` (with ``Retry-After``), ``500`` or ``401``."""
        assert kind in ("throttled", "429", "500", "401")
        self._failures += [(kind, retry_after)] * times

    def delete_product_by_hand(self, product_id: str) -> None:
        del self.products[product_id]

    def edit_product_by_hand(self, product_id: str, **fields: Any) -> dict[str, Any]:
        """Change a product as a merchant would in Shopify's admin (``price`` changes the first variant)."""
        product = self.products[product_id]
        price = fields.pop("price", None)
        product.update(fields)
        if price is not None:
            product["variants"][0]["price"] = price
        product["updatedAt"] = _now()
        return product

    def operations(self) -> list[str]:
        return [r.operation for r in self.requests]

    def product_by_handle(self, handle: str) -> dict[str, Any] | None:
        return next((p for p in self.products.values() if p["handle"] == handle), None)

    # --- answering ---

    def answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], bytes]:
        lowered = {k.lower(): v for k, v in headers.items()}
        json_type = {"Content-Type": "application/json; charset=utf-8"}
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            if failure and failure[0] == "throttled":
                self._restore()
                self._available = 0.0
                failure = None
            if failure:
                kind, retry_after = failure
                if kind == "429":
                    body = {"errors": "Exceeded 2 calls per second for api client. Reduce request rates."}
                    return 429, {**json_type, "Retry-After": retry_after}, json.dumps(body).encode()
                if kind == "500":
                    return 500, json_type, b'{"errors":"Internal Server Error"}'
                return 401, json_type, json.dumps({"errors": INVALID_TOKEN}).encode()
            found = _PATH.fullmatch(path)
            if found is None or found.group(1) not in VERSIONS:
                return 404, json_type, b'{"errors":"Not Found"}'
            if not hmac.compare_digest(lowered.get("x-shopify-access-token", ""), self.access_token):
                return 401, json_type, json.dumps({"errors": INVALID_TOKEN}).encode()
            try:
                document = json.loads(raw)
                query, variables = document["query"], document.get("variables") or {}
                operation = _OPERATION.match(query).group(1)  # type: ignore[union-attr]
            except (ValueError, KeyError, TypeError, AttributeError):
                syntax = {"errors": [{"message": "syntax error, unexpected end of file"}]}
                return 400, json_type, json.dumps(syntax).encode()
            self.requests.append(Request(operation, variables, found.group(1)))
            requested = COSTS.get(operation, 10)
            self._restore()
            if requested > self._available:
                throttled: dict[str, Any] = {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": {"cost": self._cost(requested, None)},
                }
                return 200, json_type, json.dumps(throttled).encode()
            data, actual = self._resolve(operation, variables)
            self._available -= actual
            body_out = {"data": data, "extensions": {"cost": self._cost(requested, actual)}}
            return 200, json_type, json.dumps(body_out).encode()

    def _restore(self) -> None:
        now = time.monotonic()
        self._available = min(self.maximum, self._available + (now - self._restored_at) * self.restore_rate)
        self._restored_at = now

    def _cost(self, requested: int, actual: int | None) -> dict[str, Any]:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": int(self._available),
                "restoreRate": self.restore_rate,
            },
        }

    def _resolve(self, operation: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """The ``data`` of an operation and its actual cost."""
        requested = COSTS.get(operation, 10)
        if operation == "OrionShop":
            return {"shop": {"name": self.shop_name, "currencyCode": self.currency}}, 1
        if operation == "OrionProductByHandle":
            found = self.product_by_handle(variables["identifier"]["handle"])
            return {"productByIdentifier": {"id": found["id"]} if found else None}, 1
        if operation == "OrionProductSet":
            return {"productSet": self._product_set(variables["input"])}, requested
        if operation == "OrionProductArchive":
            product = self.products.get(variables["product"]["id"])
            if product is None:
                errors = [{"field": ["id"], "message": "Product does not exist"}]
                return {"productUpdate": {"product": None, "userErrors": errors}}, requested
            product.update(status=variables["product"]["status"], updatedAt=_now())
            result = {"product": {"id": product["id"], "status": product["status"]}, "userErrors": []}
            return {"productUpdate": result}, requested
        if operation == "OrionPageByHandle":
            wanted = _HANDLE.search(variables["query"])
            nodes = [
                {"id": p["id"], "handle": p["handle"]}
                for p in self.pages.values()
                if wanted and p["handle"] == wanted.group(1)
            ][:1]
            return {"pages": {"nodes": nodes}}, 1 + len(nodes)
        if operation == "OrionPageCreate":
            return {"pageCreate": self._page_create(variables["page"])}, requested
        if operation == "OrionPageUpdate":
            return {"pageUpdate": self._page_update(variables["id"], variables["page"])}, requested
        if operation == "OrionProductsChanged":
            nodes, info = self._changed(list(self.products.values()), variables, 25)
            return {"products": {"nodes": [self._product_node(p) for p in nodes], "pageInfo": info}}, 2 + len(
                nodes
            ) * 12
        if operation == "OrionPagesChanged":
            nodes, info = self._changed(list(self.pages.values()), variables, 50)
            shown = [{k: p[k] for k in ("id", "title", "body", "updatedAt")} for p in nodes]
            return {"pages": {"nodes": shown, "pageInfo": info}}, 2 + len(nodes)
        raise AssertionError(f"the stand-in does not know {operation}")

    def _product_set(self, data: dict[str, Any]) -> dict[str, Any]:
        def refused(code: str, field_path: list[str], message: str) -> dict[str, Any]:
            return {"product": None, "userErrors": [{"code": code, "field": field_path, "message": message}]}

        variants = data.get("variants") or []
        if len(variants) > self.variant_limit:
            return refused(
                "VARIANTS_OVER_LIMIT",
                ["input", "variants"],
                f"The product can't have more than {self.variant_limit} variants.",
            )
        if "id" in data:
            product = self.products.get(data["id"])
            if product is None:
                return refused("PRODUCT_DOES_NOT_EXIST", ["input", "id"], "Product does not exist")
        else:
            if data.get("handle") and self.product_by_handle(data["handle"]):
                return refused(
                    "HANDLE_NOT_UNIQUE",
                    ["input", "handle"],
                    "Handle already in use. Please provide a new handle.",
                )
            gid = f"gid://shopify/Product/{next(self._ids)}"
            product = self.products[gid] = {"id": gid, "createdAt": _now()}
        for name in ("handle", "title", "descriptionHtml", "vendor", "status", "productOptions", "files"):
            if name in data:
                product[name] = data[name]
        if "variants" in data:
            product["variants"] = [
                {"id": f"gid://shopify/ProductVariant/{next(self._ids)}", **v} for v in variants
            ]
        product.setdefault("status", "ACTIVE")
        product["updatedAt"] = _now()
        return {"product": {"id": product["id"], "handle": product["handle"]}, "userErrors": []}

    def _page_create(self, data: dict[str, Any]) -> dict[str, Any]:
        if any(p["handle"] == data.get("handle") for p in self.pages.values()):
            errors = [
                {"code": "TAKEN", "field": ["page", "handle"], "message": "Handle has already been taken"}
            ]
            return {"page": None, "userErrors": errors}
        gid = f"gid://shopify/Page/{next(self._ids)}"
        page = {"id": gid, "body": "", "isPublished": True, **data, "updatedAt": _now()}
        self.pages[gid] = page
        return {"page": {"id": gid, "handle": page["handle"]}, "userErrors": []}

    def _page_update(self, gid: str, data: dict[str, Any]) -> dict[str, Any]:
        page = self.pages.get(gid)
        if page is None:
            errors = [{"code": "NOT_FOUND", "field": ["id"], "message": "Page does not exist"}]
            return {"page": None, "userErrors": errors}
        page.update(data)
        page["updatedAt"] = _now()
        return {"page": {"id": gid, "handle": page["handle"]}, "userErrors": []}

    @staticmethod
    def _changed(
        items: list[dict[str, Any]], variables: dict[str, Any], first: int
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        after_time = _UPDATED_AFTER.search(variables.get("query") or "")
        if after_time:
            items = [i for i in items if i["updatedAt"] > after_time.group(1)]
        items = sorted(items, key=lambda i: (i["updatedAt"], i["id"]))
        start = int(variables.get("after") or 0)
        shown = items[start : start + first]
        more = start + first < len(items)
        return shown, {"hasNextPage": more, "endCursor": str(start + first) if more else None}

    @staticmethod
    def _product_node(product: dict[str, Any]) -> dict[str, Any]:
        variants = product.get("variants") or []
        return {
            "id": product["id"],
            "title": product.get("title"),
            "descriptionHtml": product.get("descriptionHtml", ""),
            "vendor": product.get("vendor", ""),
            "status": product.get("status", "ACTIVE"),
            "updatedAt": product["updatedAt"],
            "variants": {
                "nodes": [
                    {"price": v["price"], "compareAtPrice": v.get("compareAtPrice")} for v in variants[:1]
                ]
            },
            "media": {"nodes": [{"image": {"url": f["originalSource"]}} for f in product.get("files") or []]},
        }

    # --- webhooks ---

    def product_update_webhook(
        self,
        product_id: str,
        *,
        secret: str | None = None,
        webhook_id: str | None = None,
        topic: str = "products/update",
        shop_domain: str | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """The headers and raw body Shopify sends for ``topic`` about the product (its REST shape),
        signed with ``secret`` (the stand-in's webhook secret unless given)."""
        product = self.products[product_id]
        number = int(product_id.rsplit("/", 1)[1])
        payload = {
            "admin_graphql_api_id": product_id,
            "id": number,
            "title": product.get("title"),
            "body_html": product.get("descriptionHtml"),
            "vendor": product.get("vendor"),
            "product_type": "",
            "handle": product.get("handle"),
            "status": str(product.get("status", "ACTIVE")).lower(),
            "created_at": product.get("createdAt"),
            "updated_at": product["updatedAt"],
            "published_scope": "global",
            "tags": "",
            "variants": [
                {
                    "admin_graphql_api_id": v["id"],
                    "id": int(v["id"].rsplit("/", 1)[1]),
                    "product_id": number,
                    "position": position,
                    "price": v["price"],
                    "compare_at_price": v.get("compareAtPrice"),
                    "sku": v.get("sku"),
                    "barcode": v.get("barcode"),
                }
                for position, v in enumerate(product.get("variants") or [], start=1)
            ],
            "images": [
                {"position": position, "src": f["originalSource"], "alt": f.get("alt")}
                for position, f in enumerate(product.get("files") or [], start=1)
            ],
        }
        body = json.dumps(payload).encode()
        signature = base64.b64encode(
            hmac.new((secret or self.webhook_secret).encode(), body, hashlib.sha256).digest()
        ).decode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": signature,
            "X-Shopify-Shop-Domain": shop_domain or self.shop_domain,
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": _now(),
            "X-Shopify-API-Version": VERSIONS[0],
        }
        return headers, body

    def send_product_update(
        self, url: str, product_id: str, *, host: str | None = None, **options: Any
    ) -> int:
        """POST a signed ``products/update`` webhook about the product to ``url`` (with ``host`` as the
        Host header, e.g. a store's host on the local gateway); the status answered."""
        headers, body = self.product_update_webhook(product_id, **options)
        if host:
            headers["Host"] = host
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)


def running() -> Iterator[ShopifyStandin]:
    """A started stand-in, stopped afterwards (for a fixture: ``yield from running()``)."""
    standin = ShopifyStandin().start()
    try:
        yield standin
    finally:
        standin.stop()
