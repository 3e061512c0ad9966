"""Images imports name by address, fetched into the store's media (docs/media.md, Fetched images): once per
address and once per picture, shown on every product naming them, a placeholder with the reason when
they cannot be fetched, and never from anywhere but the public internet over https.

The network is tests/image_hosts.py (fake DNS and servers, every connection logged); the rest is real:
moto's bucket and table, the bucket's event rule and the processing function invoked asynchronously."""

from __future__ import annotations

import pytest

from infra.local import invoke
from orion import runtime
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.catalog.service import create_product, get_product
from orion.media import fetching
from orion.media import service as media
from orion.media.models import MediaStatus
from orion.media.repository import MediaRepository
from tests.console import signed_in
from tests.image_hosts import ImageHosts
from tests.images import photo
from tests.integration.media.conftest import BAKERY, WIZAMART, bucket_keys
from tests.staff import WIZAMART as WIZAMART_HOST
from tests.staff import call, token_of

CHAIR = "https://cdn.merchant.lu/img/chair.jpg"


def product(name: str, *images: str, tenant=WIZAMART) -> str:  # type: ignore[no-untyped-def]
    created = create_product(
        tenant,
        ProductInput(
            title=name,
            status=ProductStatus.ACTIVE,
            images=images,
            variants=(Variant(sku=name.upper().replace(" ", "-"), price=1500, stock=2),),
        ),
    )
    return created.id


def fetch(wanted: dict[str, list[str]], tenant=WIZAMART) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = fetching.request_fetches(tenant, wanted)
    assert invoke.wait_for_async(60), "a fetch did not end"
    return counts


def test_an_address_is_fetched_once_and_every_product_naming_it_shows_the_stores_image(
    cloud: None, image_hosts: ImageHosts
) -> None:
    image_hosts.serve(CHAIR, photo(1600, 1200), content_type="image/jpeg")
    first, second = product("Oak chair", CHAIR), product("Oak chair set", CHAIR)

    assert fetch({CHAIR: [first, second]})["requested"] == 1

    assert len(image_hosts.connections) == 1
    chair = get_product(WIZAMART, first)
    (ref,) = chair.images
    media_id = ref.removeprefix("media:")
    assert chair.media[media_id].widths == (320, 640, 1280)
    assert chair.image_sources == {media_id: CHAIR}
    assert get_product(WIZAMART, second).images == (ref,)
    record = media.get_media(WIZAMART, media_id)
    assert (record.status, record.source_url, record.file_name) == (MediaStatus.READY, CHAIR, "chair.jpg")
    assert f"oms/wizamart/{media_id}/640.webp" in bucket_keys("oms/wizamart/")
    assert not [key for key in bucket_keys() if "/fetches/" in key]  # the request is gone once done

    # A later product naming the address gets the image at once, with no second download.
    third = product("Oak stool", CHAIR)
    assert fetch({CHAIR: [third]}) == {"requested": 0, "waiting": 0, "ready": 1}
    assert get_product(WIZAMART, third).images == (ref,)
    assert len(image_hosts.connections) == 1


def test_the_same_picture_at_two_addresses_is_kept_once(cloud: None, image_hosts: ImageHosts) -> None:
    picture = photo(800, 600)
    image_hosts.serve(CHAIR, picture)
    image_hosts.serve("https://mirror.merchant.lu/chair-copy.jpg", picture)
    one = product("Oak chair", CHAIR)
    fetch({CHAIR: [one]})
    other = product("Oak chair again", "https://mirror.merchant.lu/chair-copy.jpg")
    fetch({"https://mirror.merchant.lu/chair-copy.jpg": [other]})

    assert get_product(WIZAMART, other).images == get_product(WIZAMART, one).images
    assert [record.status for record in media.list_media(WIZAMART)] == [MediaStatus.READY]


def test_a_failed_fetch_leaves_the_product_published_with_a_placeholder_and_the_reason(
    cloud: None, image_hosts: ImageHosts
) -> None:
    image_hosts.serve("https://cdn.merchant.lu/gone.jpg", b"Not here", status=404)
    image_hosts.serve("https://cdn.merchant.lu/page.jpg", b"<html>an error page</html>")
    chair = product("Oak chair", "https://cdn.merchant.lu/gone.jpg", "https://cdn.merchant.lu/page.jpg")

    fetch({"https://cdn.merchant.lu/gone.jpg": [chair], "https://cdn.merchant.lu/page.jpg": [chair]})

    shown = get_product(WIZAMART, chair)
    assert shown.status is ProductStatus.ACTIVE
    assert shown.shown_images == ()
    assert shown.summary().image is None  # listings draw the placeholder
    assert "answered 404" in shown.image_failures["https://cdn.merchant.lu/gone.jpg"]
    assert (
        "is not a JPEG, PNG, WebP, GIF or AVIF image"
        in shown.image_failures["https://cdn.merchant.lu/page.jpg"]
    )
    records = media.list_media(WIZAMART)
    assert {r.status for r in records} == {MediaStatus.FAILED}
    assert all(r.reason for r in records)
    assert not [key for key in bucket_keys("oms/wizamart/") if key.endswith((".webp", ".jpg"))]

    # Staff see the reason on the product (GET /api/v1/products/{id}) and the media record.
    answer = call("GET", f"/api/v1/products/{chair}", host=WIZAMART_HOST, token=token_of("wizamart-owner"))
    assert answer.status == 200
    assert "answered 404" in answer.json()["image_failures"]["https://cdn.merchant.lu/gone.jpg"]

    # ... and in the console's product form, with what to do about it.
    form = signed_in("wizamart-owner").get(f"/admin/products/{chair}")
    assert form.status == 200
    assert "could not be copied to your store" in form.text
    assert "https://cdn.merchant.lu/gone.jpg</code>: The image host answered 404" in form.text

    # The shop draws the placeholder, never a broken link to the address.
    page = call("GET", f"/products/{shown.handle}", host=WIZAMART_HOST)
    assert page.status == 200 and b"cdn.merchant.lu" not in page.body


def test_a_failed_address_is_fetched_again_when_an_import_names_it_again(
    cloud: None, image_hosts: ImageHosts
) -> None:
    address = "https://cdn.merchant.lu/later.jpg"
    chair = product("Oak chair", address)
    fetch({address: [chair]})
    assert address in get_product(WIZAMART, chair).image_failures

    image_hosts.serve(address, photo(640, 480))
    assert fetch({address: [chair]})["requested"] == 1

    fixed = get_product(WIZAMART, chair)
    assert fixed.image_failures == {} and fixed.images[0].startswith("media:")


def test_each_store_fetches_its_own_copy(cloud: None, image_hosts: ImageHosts) -> None:
    image_hosts.serve(CHAIR, photo(640, 480))
    ours, theirs = product("Oak chair", CHAIR), product("Oak chair", CHAIR, tenant=BAKERY)
    fetch({CHAIR: [ours]})
    fetch({CHAIR: [theirs]}, tenant=BAKERY)

    our_ref = get_product(WIZAMART, ours).images[0]
    their_ref = get_product(BAKERY, theirs).images[0]
    assert our_ref != their_ref
    assert len(image_hosts.connections) == 2
    assert media.list_media(BAKERY)[0].id == their_ref.removeprefix("media:")
    assert [r.id for r in media.list_media(WIZAMART)] == [our_ref.removeprefix("media:")]


@pytest.mark.parametrize(
    ("address", "dns", "reason"),
    [
        ("https://10.0.0.8/a.jpg", {}, "not on the public internet"),
        ("https://169.254.169.254/latest/meta-data/", {}, "not on the public internet"),  # instance metadata
        ("https://[::1]/a.jpg", {}, "not on the public internet"),
        ("https://[::ffff:127.0.0.1]/a.jpg", {}, "not on the public internet"),
        (
            "https://internal.merchant.lu/a.jpg",
            {"internal.merchant.lu": ["192.168.1.20"]},
            "not on the public",
        ),
        # one private answer among public ones is enough to refuse (no lottery on which one is dialled)
        ("https://mixed.merchant.lu/a.jpg", {"mixed.merchant.lu": ["151.101.1.9", "10.1.1.1"]}, "not on the"),
        ("https://fd.merchant.lu/a.jpg", {"fd.merchant.lu": ["fd00::1"]}, "not on the public internet"),
        ("https://cgnat.merchant.lu/a.jpg", {"cgnat.merchant.lu": ["100.64.0.1"]}, "not on the public"),
        ("https://printer.local/a.jpg", {}, "not on the public internet"),
        ("http://cdn.merchant.lu/img/chair.jpg", {}, "must use https"),
        ("https://cdn.merchant.lu:8443/img/chair.jpg", {}, "port"),
        ("https://admin:secret@cdn.merchant.lu/img/chair.jpg", {}, "user name or password"),
        ("https://nowhere.merchant.lu/a.jpg", {}, "could not be found"),
    ],
)
def test_addresses_off_the_public_internet_are_never_dialled(
    cloud: None, image_hosts: ImageHosts, address: str, dns: dict[str, list[str]], reason: str
) -> None:
    image_hosts.dns.update(dns)
    chair = product("Oak chair", address)

    fetch({address: [chair]})

    assert image_hosts.connections == []
    assert reason in get_product(WIZAMART, chair).image_failures[address]


@pytest.mark.parametrize(
    "target",
    ["https://10.0.0.8/a.jpg", "https://169.254.169.254/latest/meta-data/", "http://cdn.merchant.lu/x.jpg"],
)
def test_a_redirect_is_followed_only_to_where_a_first_address_could_go(
    cloud: None, image_hosts: ImageHosts, target: str
) -> None:
    image_hosts.serve("https://cdn.merchant.lu/moved.jpg", status=302, location=target)
    chair = product("Oak chair", "https://cdn.merchant.lu/moved.jpg")

    fetch({"https://cdn.merchant.lu/moved.jpg": [chair]})

    assert [host for _, host, _ in image_hosts.connections] == ["cdn.merchant.lu"]
    assert get_product(WIZAMART, chair).image_failures


def test_a_public_redirect_is_followed_and_an_endless_one_is_not(
    cloud: None, image_hosts: ImageHosts
) -> None:
    image_hosts.serve(
        "https://cdn.merchant.lu/old.jpg", status=301, location="https://img.merchant.lu/new.jpg"
    )
    image_hosts.serve("https://img.merchant.lu/new.jpg", photo(640, 480))
    image_hosts.serve("https://cdn.merchant.lu/loop.jpg", status=302, location="/loop.jpg")
    moved, looping = (
        product("Moved", "https://cdn.merchant.lu/old.jpg"),
        product("Loop", "https://cdn.merchant.lu/loop.jpg"),
    )

    fetch({"https://cdn.merchant.lu/old.jpg": [moved], "https://cdn.merchant.lu/loop.jpg": [looping]})

    assert get_product(WIZAMART, moved).images[0].startswith("media:")
    assert (
        "redirected more than 3 times"
        in get_product(WIZAMART, looping).image_failures["https://cdn.merchant.lu/loop.jpg"]
    )


def test_a_file_over_the_size_cap_is_refused_without_reading_it(cloud: None, image_hosts: ImageHosts) -> None:
    big = "https://cdn.merchant.lu/huge.jpg"
    image_hosts.serve(big, b"x" * 1024, content_length=str(50 * 1024 * 1024))
    chair = product("Oak chair", big)

    fetch({big: [chair]})

    assert "larger than 20 MB" in get_product(WIZAMART, chair).image_failures[big]


def test_a_retried_event_gives_the_image_to_products_the_first_run_did_not_reach(
    cloud: None, image_hosts: ImageHosts
) -> None:
    """Lambda retries an event whose run raised after the record was final (a product save that kept
    failing): the retry gives the image again instead of doing nothing."""
    image_hosts.serve(CHAIR, photo(640, 480))
    first = product("Oak chair", CHAIR)
    fetch({CHAIR: [first]})
    media_id = get_product(WIZAMART, first).images[0].removeprefix("media:")
    missed = product("Oak chair missed", CHAIR)
    runtime.repository(MediaRepository).wait_for(WIZAMART, fetching.address_hash(CHAIR), [missed])

    again = fetching.process_fetch(f"oms/wizamart/fetches/{media_id}")

    assert again is not None and again.status is MediaStatus.READY
    assert get_product(WIZAMART, missed).images == (f"media:{media_id}",)
    assert len(image_hosts.connections) == 1  # given again, not downloaded again
