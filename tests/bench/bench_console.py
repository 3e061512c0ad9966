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
    "/admin/categories": LIST_BUDGET,
    "/admin/pages": LIST_BUDGET,
    "/admin/team": LIST_BUDGET,
    "/admin/imports": LIST_BUDGET,
    "/admin/audit": LIST_BUDGET,
    "/admin/analytics": LIST_BUDGET,
    "/admin/account": LIST_BUDGET,
}


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


def main() -> None:
    bench_requests_per_page()
    bench_cold_import()
