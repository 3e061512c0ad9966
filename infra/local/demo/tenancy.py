"""Demo platforms, merchants, stores and domains."""

from __future__ import annotations

from orion.tenancy.domains import add_verified_domain
from orion.tenancy.merchants import create_merchant
from orion.tenancy.models import Platform, StoreStatus, Tier
from orion.tenancy.platforms import create_platform
from orion.tenancy.stores import create_store
from orion.tenant import Tenant

OMS, LOYALTY = Tenant("oms"), Tenant("loyalty")
WIZAMART = Tenant("oms", "wizamart")

OPTIONAL_MODULES = frozenset(
    {
        "orders",
        "customers",
        "inventory",
        "imports",
        "analytics",
        "messaging",
        "payments",
        "billing",
        "channels",
        "media",
    }
)


def seed(port: int) -> list[str]:
    create_platform(
        Platform(
            code="oms",
            name="OMS",
            domains=("oms.localhost", "oms.lu"),
            enabled_modules=OPTIONAL_MODULES,
            default_language="fr",
        )
    )
    create_platform(
        Platform(
            code="loyalty",
            name="Loyalty+",
            domains=("loyalty.localhost", "loyalty.lu"),
            enabled_modules=OPTIONAL_MODULES,
        )
    )
    wizamart = create_merchant(OMS, "Wizamart S.à r.l.", "hello@wizamart.lu")
    create_store(
        OMS,
        "wizamart",
        "Wizamart",
        wizamart.id,
        tier=Tier.PROFESSIONAL,
        languages=("en", "fr", "de"),
        contact_email="shop@wizamart.lu",
    )
    add_verified_domain(WIZAMART, "shop.wizamart.localhost")
    add_verified_domain(WIZAMART, "shop.wizamart.lu")
    bakery = create_merchant(OMS, "Boulangerie Schmit", "contact@bakery.lu")
    create_store(OMS, "bakery", "Boulangerie Schmit", bakery.id, languages=("fr", "de", "en"))
    closed = create_merchant(OMS, "Closed Trading", None)
    create_store(OMS, "closed-shop", "Closed Shop", closed.id, status=StoreStatus.SUSPENDED)
    cafe = create_merchant(LOYALTY, "Café Loyal", None)
    create_store(LOYALTY, "cafe", "Café Loyal", cafe.id, languages=("fr", "en"))
    lines = [
        "Shops:",
        "  http://wizamart.oms.localhost:{port}/          Wizamart (subdomain)",
        "  http://shop.wizamart.localhost:{port}/         Wizamart (custom domain)",
        "  http://localhost:{port}/oms/stores/wizamart/   Wizamart (dev path mode)",
        "  http://bakery.oms.localhost:{port}/            Boulangerie Schmit",
        "  http://cafe.loyalty.localhost:{port}/          Café Loyal (platform loyalty)",
        "  http://closed-shop.oms.localhost:{port}/       a suspended store (404)",
        "Platforms:",
        "  http://oms.localhost:{port}/                   OMS",
        "  http://loyalty.localhost:{port}/               Loyalty+",
    ]
    return [line.format(port=port) for line in lines]
