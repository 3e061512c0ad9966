"""Foundation: cold import of the storefront handler, and DynamoDB requests to render a store home."""

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
from tests.events import FakeContext, load_event

MODULE = "functions.storefront.handler"


def main() -> None:
    # Powertools' Tracer loads the X-Ray SDK when it is created, so the SDK belongs to the baseline:
    # every traced Lambda pays for it, with or without Orion.
    modules = third_party_of(MODULE)
    compare_imports(
        f"cold import of {MODULE} vs every third-party module it loads ({len(modules)}, of "
        f"{', '.join(packages_of(modules))})",
        THEN_EXIT.format(body=f"import {MODULE}\n"),
        THEN_EXIT.format(body=IMPORT_ALL.format(names=["aws_xray_sdk.core", *modules])),
        goal=1.3,
        count=True,
    )
    with seeded_account(), counting_requests() as counter:
        from functions.storefront.handler import handler
        from orion import runtime

        runtime.reset()
        event = load_event("storefront/store-home")
        from orion.tenancy.directory import tenant_directory

        counter.reset()
        assert tenant_directory().resolve(event["headers"]["host"], event["rawPath"]) is not None
        tenant_cold = counter.of("dynamodb")
        runtime.reset()
        counter.reset()
        assert handler(event, FakeContext())["statusCode"] == 200
        cold = counter.of("dynamodb")
        cold_calls = dict(counter.calls)
        counter.reset()
        assert handler(event, FakeContext())["statusCode"] == 200
        warm = counter.of("dynamodb")
        print(
            f"DynamoDB requests to resolve a store's tenant cold: {tenant_cold} (goal 2: host lookup +"
            f" profiles, one BatchGetItem each); a store home cold: {cold}, warm: {warm} (goal <= 1)"
        )
        print(
            f"  the cold home adds its own reads to the tenant's: featured products (1 Query) and the"
            " navigation it caches (categories, the store's pages, the platform's default pages:"
            f" 1 Query each): {cold_calls}"
        )
        print(f"  warm calls: {dict(counter.calls) or 'none'}")
