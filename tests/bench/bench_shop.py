"""Storefront and checkout: DynamoDB requests per page, listing latency at 10,000 products vs 10,
and a warm product page through the handler vs a bare Jinja2 render of the same template and data."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from infra.local.events import http_api_event
from tests.bench.support import REPO_ROOT, counting_requests, seeded_account
from tests.events import FakeContext

WIZAMART = "wizamart.oms.lu"


def request(handler: Any, method: str, path: str, host: str = WIZAMART, **extra: Any) -> dict[str, Any]:
    headers = [("Host", host), *extra.get("headers", {}).items()]
    if extra.get("cookies"):
        headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in extra["cookies"].items())))
    body = urlencode(extra["form"]).encode() if "form" in extra else b""
    if body:
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    event = http_api_event(
        method=method, path=path, query=urlencode(extra.get("query", {})), headers=headers, body=body
    )
    result: dict[str, Any] = handler(event, FakeContext())
    return result


def median_ms(action: Callable[[], object], repeat: int = 15) -> float:
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def requests_per_page() -> None:
    from functions.checkout.handler import handler as checkout
    from functions.storefront.handler import handler as storefront

    with counting_requests() as counter:
        added = request(
            checkout,
            "POST",
            "/cart/items",
            form={"sku": "WZ-011", "quantity": "1"},
            headers={"Origin": f"https://{WIZAMART}"},
        )
        cart_cookie = added["cookies"][0].split(";")[0].split("=", 1)
        pages: list[tuple[str, Any, str, dict[str, Any], int]] = [
            ("store home (featured)", storefront, "/", {}, 1),
            ("listing /products", storefront, "/products", {"query": {"sort": "price-asc"}}, 1),
            ("category listing", storefront, "/categories/kitchen", {}, 1),
            ("product page", storefront, "/products/classic-t-shirt", {}, 2),
            ("search", storefront, "/search", {"query": {"q": "bodum"}}, 2),
            ("CMS page (three tiers)", storefront, "/about", {}, 1),
            ("cart", checkout, "/cart", {"cookies": {cart_cookie[0]: cart_cookie[1]}}, 1),
        ]
        print("DynamoDB requests per page (tenant and navigation cached, second view):")
        for label, handler, path, extra, goal in pages:
            request(handler, "GET", path, **extra)  # warm the tenant, navigation and template caches
            counter.reset()
            status = request(handler, "GET", path, **extra)["statusCode"]
            used = counter.of("dynamodb")
            calls = ", ".join(
                f"{op} x{n}" for (svc, op), n in sorted(counter.calls.items()) if svc == "dynamodb"
            )
            verdict = "meets" if used <= goal else "misses"
            print(
                f"  {label:<24} {used} ({calls or 'none'}) status {status}: {verdict} the goal of <= {goal}"
            )


def listing_latency() -> None:
    """Listing entries of 10,000 products for one store and of 10 for another, written straight into the
    listing partition (the only items a listing page reads), then the page timed through the handler."""
    from functions.storefront.handler import handler as storefront
    from orion.catalog.models import Product, Variant
    from orion.catalog.repository import ProductRepository
    from orion.data.table import TableItem
    from orion.tenancy.models import Store, Tenant, Tier
    from orion.tenancy.repository import TenancyRepository

    tenancy = TenancyRepository()
    sizes = {"big": 10_000, "small": 10}
    started = datetime(2026, 1, 1, tzinfo=UTC)
    for code, count in sizes.items():
        tenancy.create_store(
            Store(platform="oms", code=code, name=code.title(), merchant_id="bench", tier=Tier.BUSINESS)
        )
        tenant = Tenant("oms", code)
        with TableItem.batch_write() as batch:
            for index in range(count):
                created = started + timedelta(seconds=index)
                product = Product(
                    id=f"01J{index:023d}",
                    handle=f"product-{index}",
                    title=f"Product {index}",
                    created_at=created,
                    updated_at=created,
                    variants=(Variant(sku=f"B-{index}", price=100 + index),),
                )
                batch.save(
                    ProductRepository._listing_entry(
                        tenant, product, "ALL", "NEWEST", product.summary().model_dump_json()
                    )
                )
    timings: dict[str, float] = {}
    for code in sizes:

        def listing_page(host: str = f"{code}.oms.lu") -> object:
            return request(storefront, "GET", "/products", host=host)

        timings[code] = median_ms(listing_page)
    from orion.data import keys
    from orion.data.clients import aws_client
    from orion.settings import get_settings

    scanned = {}
    for code in sizes:
        answer = aws_client("dynamodb").query(
            TableName=get_settings().table_name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": {"S": keys.listing_gsi1pk("oms", code, "ALL", "NEWEST")}},
            ScanIndexForward=False,
            Limit=24,
        )
        scanned[code] = answer["ScannedCount"]
    ratio = timings["big"] / timings["small"]
    verdict = "meets" if ratio <= 1.2 else "misses"
    print(
        f"listing page of 24, 10,000 products vs 10: {timings['big']:.1f} ms vs {timings['small']:.1f} ms "
        f"-> ratio {ratio:.2f}x ({verdict} the goal of <= 1.2x)"
    )
    print(f"  items the listing Query reads: {scanned['big']} (10,000 products) vs {scanned['small']} (10)")
    print(
        "  each page is one Query with Limit=24 on its listing partition; DynamoDB reads 24 items either way."
        " moto's Query filters every item of the table in Python, so a miss here is moto's cost,"
        " not a scan of ours."
    )


def product_page_vs_bare_jinja() -> None:
    from functions.storefront.handler import handler as storefront
    from orion.storefront.pages import StorefrontPages

    captured: dict[str, Any] = {}
    original = StorefrontPages.render

    def capture(
        self: StorefrontPages, resolved: Any, template: str, context: dict[str, Any], **kw: Any
    ) -> Any:
        from orion.storefront.pages import store_context

        captured.update(template=template, context={**store_context(resolved), **context})
        return original(self, resolved, template, context, **kw)

    StorefrontPages.render = capture  # type: ignore[method-assign]
    try:
        request(storefront, "GET", "/products/classic-t-shirt")
    finally:
        StorefrontPages.render = original  # type: ignore[method-assign]
    env = Environment(
        loader=FileSystemLoader(REPO_ROOT / "templates" / "default"),
        autoescape=select_autoescape(default=True),
    )
    from orion.storefront.i18n import format_money, translator

    env.globals.update(t=translator("en"), money=lambda a, c: format_money(int(a), str(c)))
    template = env.get_template(captured["template"])
    context = captured["context"]
    bare = median_ms(lambda: template.render(context), repeat=50)
    with_moto = median_ms(lambda: request(storefront, "GET", "/products/classic-t-shirt"), repeat=20)

    # The same handler with the two catalogue reads answered from memory: what Orion adds on top of the
    # data (event parsing, cached tenant, language, sandboxed theme render, ETag) vs the bare render.
    from orion.catalog import service as catalog
    from orion.tenancy.models import Tenant

    product = catalog.get_product_by_handle(Tenant("oms", "wizamart"), "classic-t-shirt")
    real = catalog.get_product_by_handle

    def from_memory(tenant: Tenant, handle: str) -> Any:
        return product

    catalog.get_product_by_handle = from_memory
    try:
        handler_ms = median_ms(lambda: request(storefront, "GET", "/products/classic-t-shirt"), repeat=50)
    finally:
        catalog.get_product_by_handle = real
    ratio = handler_ms / bare
    verdict = "meets" if ratio <= 2 else "misses"
    print(
        f"warm product page through the handler (catalogue reads from memory) vs bare Jinja2 render: "
        f"{handler_ms:.2f} ms vs {bare:.2f} ms -> ratio {ratio:.2f}x ({verdict} the goal of <= 2x)"
    )
    print(
        f"  with its two DynamoDB calls to moto in-process: {with_moto:.1f} ms"
        " (moto's Query walks the whole table)"
    )


def main() -> None:
    with seeded_account():
        requests_per_page()
        product_page_vs_bare_jinja()
        listing_latency()
