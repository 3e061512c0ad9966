"""Demo shipping and VAT: wizamart ships to Luxembourg (4.90 EUR, free from 50 EUR) and to Belgium,
France and Germany (9.90 EUR), not to Switzerland; the bakery keeps the defaults (every checkout
country, no charge)."""

from __future__ import annotations

from orion.orders.shipping import ShippingSettings, ShippingZone, update_shipping_settings
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")

WIZAMART_SHIPPING = ShippingSettings(
    zones=(
        ShippingZone(name="Luxembourg", countries=("LU",), rate=490, free_from=5000),
        ShippingZone(name="Neighbours", countries=("BE", "FR", "DE"), rate=990),
    )
)


def seed(port: int) -> list[str]:
    update_shipping_settings(WIZAMART, WIZAMART_SHIPPING)
    return [
        "Shipping and VAT:",
        "  wizamart ships to LU (4.90 EUR, free from 50 EUR) and BE/FR/DE (9.90 EUR), not to CH;"
        " prices include VAT (LU 17/8/3 %, books at 3 %)",
    ]
