"""Publishing an import fetches its products' images into the store's media (docs/imports.md, Images):
the products show the store's copies, a missing image leaves a placeholder and its reason, and
publishing the same feed again neither writes the products nor downloads the images again."""

from __future__ import annotations

import pytest

from functions.common.imported_images import image_fetches
from infra.local import invoke
from orion import runtime
from orion.catalog.products.repository import ProductRepository
from orion.catalog.service import get_product
from orion.imports.publish import PublishRequest, publish_staged_products
from tests.feeds import shopify_export
from tests.image_hosts import ImageHosts
from tests.images import photo
from tests.integration.imports.conftest import WIZAMART, Uploader


@pytest.fixture
def fetching(monkeypatch: pytest.MonkeyPatch, image_hosts: ImageHosts) -> ImageHosts:
    monkeypatch.setenv("ORION_MEDIA_FETCH_IMAGES", "true")  # as deployed and in make run
    runtime.reset()
    image_hosts.serve("https://cdn.wizamart.lu/tee-blue.jpg", photo(1200, 1200))
    image_hosts.serve("https://cdn.wizamart.lu/tee-back.jpg", photo(1200, 900))
    return image_hosts  # the mug's image is missing: 404


def publish(upload: Uploader) -> None:
    job = upload(shopify_export(), "products_export.csv")
    result = publish_staged_products(
        WIZAMART, job.id, PublishRequest(all=True), on_published=image_fetches(WIZAMART)
    )
    assert result.failed == []
    assert invoke.wait_for_async(60), "an image fetch did not end"


def by_handle(external_id: str):  # type: ignore[no-untyped-def]
    product_id = ProductRepository().product_id_for_external_id(WIZAMART, external_id)
    assert product_id
    return get_product(WIZAMART, product_id)


def test_a_published_import_shows_the_stores_copies_of_its_images(
    upload: Uploader, fetching: ImageHosts
) -> None:
    publish(upload)

    tee, mug = by_handle("tee"), by_handle("mug")
    assert [image.startswith("media:") for image in tee.images] == [True, True]
    assert sorted(tee.image_sources.values()) == [
        "https://cdn.wizamart.lu/tee-back.jpg",
        "https://cdn.wizamart.lu/tee-blue.jpg",
    ]
    assert mug.images == ("https://cdn.wizamart.lu/mug.jpg",)
    assert "answered 404" in mug.image_failures["https://cdn.wizamart.lu/mug.jpg"]
    assert mug.summary().image is None

    # The same feed again: the tee is not written again and its images are not downloaded again; the
    # mug's missing image is asked for once more (its host may have it by now).
    fetching.serve("https://cdn.wizamart.lu/mug.jpg", photo(600, 600))
    downloads = len(fetching.connections)
    publish(upload)

    again = by_handle("tee")
    assert (again.images, again.updated_at) == (tee.images, tee.updated_at)
    assert [target for _, _, target in fetching.connections[downloads:]] == ["/mug.jpg"]
    fixed = by_handle("mug")
    assert fixed.images[0].startswith("media:") and fixed.image_failures == {}


def test_without_fetching_products_keep_the_feeds_addresses(
    upload: Uploader, image_hosts: ImageHosts
) -> None:
    publish(upload)  # ORION_MEDIA_FETCH_IMAGES=false in the tests' environment

    assert by_handle("tee").images == (
        "https://cdn.wizamart.lu/tee-blue.jpg",
        "https://cdn.wizamart.lu/tee-back.jpg",
    )
    assert image_hosts.connections == []
