"""The catalogue's errors, beyond the bases in orion.errors: a save that lost a race, and the signal
that sends a save or a recount back to plan under the store's current low-stock threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orion.errors import Conflict

if TYPE_CHECKING:
    from orion.catalog.models import Product


class ProductChanged(Conflict):
    """The product (or a variant's stock state) changed between the read and the write; reading it
    again and repeating the write is safe."""


class ThresholdMoved(Exception):
    """The store's low-stock threshold changed while a save or a recount was computed under the old
    one (or a concurrent write moved the store's stock counters): plan again. Never leaves the
    catalogue: the save retries, the recount leaves the rest to the later change."""


class StaleProduct(Conflict):
    """A staff save made from a version of the product that is no longer the current one (someone
    saved it meanwhile): nothing is written; ``current`` is the product as it is now."""

    def __init__(self, current: Product) -> None:
        super().__init__(
            "Someone saved this product after you opened it; nothing was saved. "
            "Compare your changes with the current version and reload.",
            extra={"version": current.updated_at.isoformat()},
        )
        self.current = current
