"""Foundation: cold import of the storefront handler, and DynamoDB requests to render a store home."""

from __future__ import annotations

from tests.bench.support import compare_imports, counting_requests, seeded_account
from tests.events import FakeContext, load_event

# The handler's third-party imports. Powertools' Tracer loads the X-Ray SDK when it is created, so the
# SDK belongs to the baseline: every traced Lambda pays for it, with or without Orion.
THIRD_PARTY = (
    "import aws_xray_sdk.core, aws_lambda_powertools, aws_lambda_powertools.event_handler, "
    "aws_lambda_powertools.logging, aws_lambda_powertools.metrics, aws_lambda_powertools.tracing, "
    "boto3, pynamodb.models, jinja2.sandbox, pydantic, pydantic_settings"
)


def main() -> None:
    compare_imports(
        "cold import of functions.storefront.handler vs its third-party dependencies",
        "import functions.storefront.handler",
        THIRD_PARTY,
        goal=1.3,
    )
    with seeded_account(), counting_requests() as counter:
        from functions.storefront.handler import handler
        from infra.local.cloud import reset_orion_caches

        reset_orion_caches()
        event = load_event("storefront/store-home")
        from orion.tenancy.service import tenant_directory

        counter.reset()
        assert tenant_directory().resolve(event["headers"]["host"], event["rawPath"]) is not None
        tenant_cold = counter.of("dynamodb")
        reset_orion_caches()
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
