"""A demo shopper account of wizamart, with a saved address (demo-only password)."""

from __future__ import annotations

from orion.customers.models import AddressForm
from orion.customers.service import open_verified_account
from orion.tenant import Tenant

# (platform, store, e-mail, name, password); the password exists for the local demo only.
DEMO_SHOPPER = ("oms", "wizamart", "shopper@example.com", "Sam Shopper", "shopper-demo-password")


def seed(port: int) -> list[str]:
    platform, store, email, name, password = DEMO_SHOPPER
    home = AddressForm(
        label="Home",
        name=name,
        address="12 Rue du Marché",
        postal_code="1728",
        city="Luxembourg",
        country="LU",
    )
    open_verified_account(Tenant(platform, store), email, name, password, address=home)
    account = f"http://{store}.{platform}.localhost:{port}/account"
    return [
        "Shopper account (sign up on any store at /account/register; this one is ready):",
        f"  {account:<45} {email:<20} {password}",
    ]
