"""Store console: DynamoDB requests per page for a signed-in member, the product list of a big store vs
a small one, and the console function's cold import vs its dependency floor."""

from __future__ import annotations

from tests.bench.support import (
    IMPORT_ALL,
    THEN_EXIT,
    compare_imports,
    counting_requests,
    packages_of,
    seeded_account,
    third_party_of,
)

HANDLER = "functions.console.handler"
_PAUSED = "import gc\ngc.disable()\n{imports}\ngc.freeze()\n"
# Budgets from the issue: a list page at most 3 requests, the dashboard at most 4 (the session included).
LIST_BUDGET, DASHBOARD_BUDGET = 3, 4
PAGES = {
    "/admin/": DASHBOARD_BUDGET,
    "/admin/products": LIST_BUDGET,
    "/admin/orders": LIST_BUDGET,
    "/admin/customers": LIST_BUDGET,
    "/admin/categories": LIST_BUDGET,
    "/admin/pages": LIST_BUDGET,
    "/admin/team": LIST_BUDGET,
    "/admin/imports": LIST_BUDGET,
    "/admin/audit": LIST_BUDGET,
    "/admin/analytics": LIST_BUDGET,
    "/admin/account": LIST_BUDGET,
}


PLATFORM_PAGES = (
    "/admin/",
    "/admin/merchants",
    "/admin/stores",
    "/admin/users",
    "/admin/modules",
    "/admin/tiers",
    "/admin/pages",
    "/admin/settings",
    "/admin/imports",
    "/admin/outbox",
    "/admin/audit",
)


def bench_platform_requests_per_page() -> None:
    from tests.console import CONSOLE_LOGINS, ConsoleBrowser

    CONSOLE_LOGINS["oms-admin"] = ("admin@oms.lu", "oms-admin-demo")
    with seeded_account():
        browser = ConsoleBrowser(host="api.oms.localhost:8000")
        browser.sign_in("oms-admin")
        for path in PLATFORM_PAGES:
            browser.get(path)
        print(
            "DynamoDB requests per platform console page, signed in as a platform admin (session included):"
        )
        for path in PLATFORM_PAGES:
            with counting_requests() as counter:
                response = browser.get(path)
            assert response.status == 200, (path, response.status)
            found = counter.of("dynamodb")
            budget = DASHBOARD_BUDGET + 2 if path == "/admin/" else LIST_BUDGET
            verdict = "meets" if found <= budget else "misses"
            operations = ", ".join(
                f"{op} x{n}" for (service, op), n in sorted(counter.calls.items()) if service == "dynamodb"
            )
            print(f"  {path:<20} {found} ({verdict} the budget of <= {budget}): {operations}")


def bench_cold_import() -> None:
    modules = third_party_of(HANDLER)
    packages = packages_of(modules)
    print(f"  {HANDLER} loads {len(modules)} third-party modules of: {', '.join(packages)}")
    every_module = IMPORT_ALL.format(names=["fastapi", "mangum", "jinja2", "aws_xray_sdk.core", *modules])
    compare_imports(
        f"cold import of {HANDLER} vs FastAPI + Mangum + every third-party module it loads",
        THEN_EXIT.format(body=f"import {HANDLER}\n"),
        THEN_EXIT.format(body=_PAUSED.format(imports=every_module)),
        goal=1.3,
        count=True,
    )


def bench_requests_per_page() -> None:
    from tests.console import signed_in

    with seeded_account():
        browser = signed_in("wizamart-owner")
        for path in PAGES:
            browser.get(path)  # warm: imports, templates, the tenant cache
        print("DynamoDB requests per console page, signed in as the owner (the session read included):")
        over = []
        for path, budget in PAGES.items():
            with counting_requests() as counter:
                response = browser.get(path)
            assert response.status == 200, (path, response.status)
            found = counter.of("dynamodb")
            verdict = "meets" if found <= budget else "misses"
            if found > budget:
                over.append(path)
            operations = ", ".join(
                f"{op} x{n}" for (service, op), n in sorted(counter.calls.items()) if service == "dynamodb"
            )
            print(f"  {path:<20} {found} ({verdict} the budget of <= {budget}): {operations}")
        if over:
            print(f"  over budget: {', '.join(over)}")


def bench_product_list_by_store_size() -> None:
    """The console's product list of a 10,000-product store vs stores of 25 and 10 products, through the
    console's handler, at equal content: the big store's first page (25 rows) vs the 25-product store,
    and its last page (the 10 oldest, by a cursor deep in the index) vs the 10-product store.
    The products are written as the catalogue's save plan writes them; the staff index partitions are
    then read in sort-key order as DynamoDB keeps them (moto walks every item of the table per Query)."""
    import re
    import time
    from datetime import UTC, datetime, timedelta

    from orion.catalog.models import Product, ProductStatus, Variant
    from orion.catalog.products.plan import plan_save
    from orion.data import keys
    from orion.data.clients import aws_client
    from orion.data.cursors import encode_cursor
    from orion.data.table import TableItem
    from orion.identity.service import create_staff_user
    from orion.modules.manifest import Role
    from orion.settings import get_settings
    from orion.tenancy.models import Store, Tier
    from orion.tenancy.repository import TenancyRepository
    from orion.tenant import Tenant
    from tests.bench.support import OrderedPartitions, serving_queries_from
    from tests.console import CONSOLE_LOGINS, ConsoleBrowser

    sizes = {"big": 10_000, "page": 25, "small": 10}
    started = datetime(2026, 1, 1, tzinfo=UTC)
    with seeded_account():
        browsers: dict[str, ConsoleBrowser] = {}
        for code, count in sizes.items():
            TenancyRepository().create_store(
                Store(platform="oms", code=code, name=code.title(), merchant_id="bench", tier=Tier.ENTERPRISE)
            )
            tenant = Tenant("oms", code)
            with TableItem.batch_write() as batch:
                for index in range(count):
                    created = started + timedelta(seconds=index)
                    product = Product(
                        id=f"01J{index:023d}",
                        handle=f"product-{index}",
                        title=f"Product {index}",
                        status=ProductStatus.ACTIVE,
                        created_at=created,
                        updated_at=created,
                        variants=(Variant(sku=f"B-{index}", price=100 + index),),
                    )
                    for item, _ in plan_save(tenant, product, None, 5).puts:
                        batch.save(item)
            email = f"owner@{code}.example"
            create_staff_user(tenant, email, "Owner", "bench-owner-password", Role.OWNER)
            CONSOLE_LOGINS[f"bench-{code}"] = (email, "bench-owner-password")
            browser = ConsoleBrowser(host=f"{code}.oms.localhost:8000")
            browser.sign_in(f"bench-{code}")
            browsers[code] = browser
        ordered = OrderedPartitions(get_settings().table_name, "GSI1", "GSI1PK", "GSI1SK")
        for code in sizes:
            ordered.load(aws_client("dynamodb"), keys.products_gsi1pk("oms", code))
        rows = re.compile(r'<input type="checkbox" name="ids"')
        with serving_queries_from(ordered):
            # Newest first: the page after the 11th-oldest product holds the 10 oldest, and nothing follows.
            big_sort_keys = ordered.partitions[keys.products_gsi1pk("oms", "big")][0]
            last_page = f"/admin/products?after={encode_cursor(big_sort_keys[10])}"
            pages = {
                "big, first page": ("big", "/admin/products"),
                "big, last page": ("big", last_page),
                "25 products": ("page", "/admin/products"),
                "10 products": ("small", "/admin/products"),
            }
            counted = {
                name: len(rows.findall(browsers[code].get(p).text)) for name, (code, p) in pages.items()
            }
            assert counted == {
                "big, first page": 25,
                "big, last page": 10,
                "25 products": 25,
                "10 products": 10,
            }, counted
            timings: dict[str, list[float]] = {name: [] for name in pages}
            for _ in range(9):
                for name, (code, p) in pages.items():
                    begun = time.perf_counter()
                    assert browsers[code].get(p).status == 200
                    timings[name].append(time.perf_counter() - begun)
        best = {name: sorted(values)[len(values) // 2] * 1000 for name, values in timings.items()}
        print("console product list, by store size (median of 9, interleaved):")
        for big, small, label in (
            (
                "big, first page",
                "25 products",
                "25 rows: first page of 10,000 products vs a 25-product store",
            ),
            ("big, last page", "10 products", "10 rows: last page of 10,000 products vs a 10-product store"),
        ):
            ratio = best[big] / best[small]
            verdict = "meets" if ratio <= 1.2 else "misses"
            print(
                f"  {label}: {best[big]:.1f} ms vs {best[small]:.1f} ms -> ratio {ratio:.2f}x "
                f"({verdict} the goal of <= 1.2x)"
            )


def main() -> None:
    bench_requests_per_page()
    bench_platform_requests_per_page()
    bench_product_list_by_store_size()
    bench_cold_import()
