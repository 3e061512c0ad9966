"""Demo data for `make run` and the end-to-end tests: one seeder per feature, run in order."""

from __future__ import annotations

from collections.abc import Callable

from infra.local.demo import admin, catalog, cms, shipping, shoppers, staff, tenancy, theme

# Each seeder writes through orion's own services and returns lines to print (URLs, logins).
SEEDERS: tuple[Callable[[int], list[str]], ...] = (
    tenancy.seed,
    staff.seed,
    catalog.seed,
    shipping.seed,
    cms.seed,
    theme.seed,
    shoppers.seed,
    admin.seed,
)


def seed_demo(port: int = 8000) -> list[str]:
    """Seed everything; the lines to print (URLs and logins for the gateway's ``port``), in order."""
    lines: list[str] = []
    for seeder in SEEDERS:
        lines.extend(seeder(port))
    return lines
