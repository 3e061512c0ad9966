"""A saved import source on Wizamart pointing at a demo Letzshop feed the local gateway serves
(infra/local/feeds.py), so `make run` shows a source run end to end without the internet.

The feed is French, eight products of a Luxembourg delicatessen line (external ids ``LS-DEMO-...``)
that Wizamart does not sell yet, so its rows are new products, never updates of the demo catalogue.
The source runs only when asked (``manual``: nothing runs by itself at start), stages without
publishing (``none``: staff review the import and publish it from the console) and keeps products a
later feed no longer lists (``keep``). Edit the feed file (its path is on the banner) and run the
source again to see a changed run; run it unchanged and it is ``unchanged``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from infra.local import feeds
from orion.imports.sources import service as sources
from orion.imports.sources.models import SourceInput
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")
FILE_NAME = "wizamart-fr.tsv"
SOURCE_NAME = "Letzshop demo feed"
HEADER = ("id", "title", "description", "availability", "price", "brand", "condition", "product_type")
# (id, title, description, price); LS-DEMO-005 is out of stock
PRODUCTS = (
    ("LS-DEMO-001", "Crémant de Luxembourg brut", "Un crémant sec et fin de la Moselle.", "14,90 EUR"),
    ("LS-DEMO-002", "Riesling Grand Premier Cru", "Un riesling minéral de Wormeldange.", "18,50 EUR"),
    ("LS-DEMO-003", "Moutarde de Luxembourg", "La moutarde douce du pays, en pot de grès.", "4,20 EUR"),
    ("LS-DEMO-004", "Miel de forêt", "Miel de l'Éislek, récolté à la main.", "9,80 EUR"),
    ("LS-DEMO-005", "Quetschentaart surgelée", "La tarte aux quetsches de septembre.", "12,00 EUR"),
    ("LS-DEMO-006", "Café torréfié à Luxembourg", "Un mélange d'arabica torréfié en ville.", "11,40 EUR"),
    ("LS-DEMO-007", "Chocolat aux noisettes", "Tablette de chocolat au lait et noisettes.", "3,90 EUR"),
    ("LS-DEMO-008", "Jus de pomme de verger", "Pommes de vergers haute tige, non filtré.", "3,10 EUR"),
)  # fmt: skip


def demo_feed() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(HEADER)
    for external_id, title, description, price in PRODUCTS:
        availability = "out of stock" if external_id == "LS-DEMO-005" else "in stock"
        writer.writerow(
            (external_id, title, description, availability, price, "Épicerie Lux", "new", "Épicerie fine")
        )
    return buffer.getvalue().encode("utf-8")


def seed(port: int, directory: Path) -> list[str]:
    """Write the demo feed into the served ``directory`` and save a source on Wizamart that names it
    (the local cloud trusts its own gateway: ``ORION_IMPORT_FETCH_TRUSTED_HOSTS``)."""
    file = directory / FILE_NAME
    file.write_bytes(demo_feed())
    source = sources.create_source(
        WIZAMART,
        SourceInput.model_validate(
            {
                "name": SOURCE_NAME,
                "urls": {"fr": feeds.url(port, FILE_NAME)},
                "schedule": "manual",
                "publish": "none",
                "missing": "keep",
            }
        ),
    )
    console = f"http://wizamart.oms.localhost:{port}/admin/imports/sources/{source.id}"
    return [
        f"Saved import source (demo): {console} fetches {feeds.url(port, FILE_NAME)}; "
        f"press Run now, then edit {file} and run it again",
    ]
