"""Where uploaded images live and how products name them (docs/media.md, Variants and keys): keys start
with the tenant, originals never have the served shape, widths never exceed the original, and nothing
but the processing function loads Pillow."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orion.catalog.images import (
    MediaImage,
    image_address,
    media_id_of,
    media_ids,
    media_ref,
    variant_key,
    variant_widths,
)
from orion.media.storage import SERVED_KEY, original_key, parse_original_key
from orion.tenant import Tenant
from tests.environment import REPO_ROOT

WIZAMART = Tenant("oms", "wizamart")
ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"


def test_every_key_starts_with_its_tenant_and_only_variants_are_served() -> None:
    original = original_key(WIZAMART, ID)
    variants = [
        variant_key(WIZAMART, ID, width, fmt) for width in (320, 640, 1280) for fmt in ("webp", "jpg")
    ]

    assert original == f"oms/wizamart/originals/{ID}"
    for key in [original, *variants]:
        assert key.startswith("oms/wizamart/")
    assert not SERVED_KEY.fullmatch(original)
    assert all(SERVED_KEY.fullmatch(key) for key in variants)
    found = parse_original_key(original)
    assert found is not None and (found.tenant, found.media_id) == (WIZAMART, ID)


@pytest.mark.parametrize(
    "key",
    [
        f"oms/wizamart/{ID}/320.webp",
        f"OMS/wizamart/originals/{ID}",
        "oms/wizamart/originals/not-an-id",
        f"oms/wizamart/originals/{ID}/extra",
        f"uploads/oms/wizamart/originals/{ID}",
    ],
)
def test_only_an_originals_key_is_processed(key: str) -> None:
    assert parse_original_key(key) is None


@pytest.mark.parametrize(
    ("width", "widths"),
    [(100, (100,)), (320, (320,)), (500, (320, 500)), (1280, (320, 640, 1280)), (5000, (320, 640, 1280))],
)
def test_variants_are_never_wider_than_the_original(width: int, widths: tuple[int, ...]) -> None:
    assert variant_widths(width) == widths


def test_products_name_uploads_as_media_refs() -> None:
    assert media_ref(ID) == f"media:{ID}"
    assert media_id_of(f"media:{ID}") == ID
    assert media_id_of("https://cdn.example.com/a.jpg") is None
    assert media_id_of("media:chair.jpg") is None
    assert media_ids([f"media:{ID}", "https://x/y.jpg", f"media:{ID}"]) == [ID]


def test_an_upload_reads_as_its_fallback_jpeg_where_an_address_is_wanted() -> None:
    image = MediaImage(id=ID, width=2000, height=1000, widths=(320, 640, 1280))

    assert image_address(WIZAMART, f"media:{ID}", {ID: image}) == f"/media/oms/wizamart/{ID}/640.jpg"
    assert image_address(WIZAMART, "https://x/y.jpg", {}) == "https://x/y.jpg"
    assert image_address(WIZAMART, f"media:{ID}", {}) is None
    assert image.height_at(480) == 240
    small = MediaImage(id=ID, width=200, height=100, widths=(200,))
    assert small.fallback_url(WIZAMART).endswith("/200.jpg")


def test_only_the_processing_function_loads_pillow() -> None:
    probe = (
        "import sys\n"
        "import functions.staff_api.handlers.media, functions.staff_api.handlers.catalog\n"
        "import functions.common.uploaded_images, orion.media.service\n"
        "assert 'PIL' not in sys.modules, 'Pillow loaded'\n"
        "import functions.media.process\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        env={"PYTHONPATH": f"{REPO_ROOT / 'shared'}:{REPO_ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
