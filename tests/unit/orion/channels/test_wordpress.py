"""The WordPress adapter against a WordPress in memory (tests/fake_wordpress.py): the requests it sends
(paths, methods, bodies: the contract tests/wordpress proves against the real WordPress), publishing
that finds what a crashed attempt made, pictures uploaded once, the errors a merchant reads, the pull,
WooCommerce, and credentials that never show (docs/channels.md, WordPress)."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime, timedelta

import pytest

from orion.catalog.images import MediaImage
from orion.catalog.models import Product, ProductStatus, Variant
from orion.channels.destination import ConnectionCheck, RemoteChange
from orion.channels.errors import DestinationError, DestinationUnavailable, RemoteMissing
from orion.channels.http import HttpAnswer, HttpRequest
from orion.channels.models import ChannelConfig, ChannelPlatform, Integration, ItemKind, PublishingRules
from orion.channels.wordpress import DETAILS_MARK, WordPressAdapter, image_slug
from orion.cms.models import Page, PageSource
from orion.errors import Invalid
from orion.tenant import Tenant
from tests.fake_wordpress import PASSWORD, SITE, USERNAME, FakeWordPress, answer, error

NOW = datetime(2026, 12, 1, tzinfo=UTC)
STORE = Tenant("oms", "wizamart")
LAMP_ID = "01JAAAAAAAAAAAAAAAAAAAAAAA"
PHOTO = "https://images.example.org/lamp.png"
MEDIA_ID = "01JBBBBBBBBBBBBBBBBBBBBBBB"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def integration(site: str = SITE) -> Integration:
    return Integration(
        id="01JCCCCCCCCCCCCCCCCCCCCCCC",
        platform=ChannelPlatform.WORDPRESS,
        name="Blog",
        config=ChannelConfig(site_url=site),
        rules=PublishingRules(),
        is_active=True,
        sync_enabled=False,
        created_at=NOW,
        updated_at=NOW,
    )


def adapter(site: FakeWordPress, password: str = PASSWORD) -> WordPressAdapter:
    return WordPressAdapter(
        STORE,
        integration(site.site),
        {"username": USERNAME, "application_password": password},
        site,
        store_address="https://wizamart.oms.lu",
        language="en",
    )


def lamp(**changes: object) -> Product:
    fields: dict[str, object] = {
        "id": LAMP_ID,
        "handle": "lamp",
        "title": "Desk lamp",
        "description": "<p>Brass &amp; oak.</p>",
        "status": ProductStatus.ACTIVE,
        "images": (PHOTO,),
        "image_alts": {PHOTO: "A brass lamp"},
        "categories": ("lamps",),
        "brand": "Lumen",
        "variants": (Variant(sku="LAMP-1", price=2500, compare_at_price=3000),),
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Product.model_validate({**fields, **changes})


def about() -> Page:
    return Page(
        slug="about",
        title="About us",
        body_html="<p>Since 1990.</p>",
        source=PageSource.STORE_CUSTOM,
        updated_at=NOW,
    )


@pytest.fixture
def site() -> FakeWordPress:
    fake = FakeWordPress()
    fake.pictures[PHOTO] = PNG
    return fake


# --- publishing: the requests ------------------------------------------------------------------------


def test_publishing_a_product_uploads_its_picture_then_creates_its_post(site: FakeWordPress) -> None:
    wordpress = adapter(site)
    remote = wordpress.publish(wordpress.prepare(lamp()))

    assert site.calls() == [
        ("GET", "/"),  # is WooCommerce there? (no)
        ("GET", "/wp/v2/media"),  # the picture, by its slug: not uploaded yet
        ("GET", None),  # the picture's bytes, from its address
        ("POST", "/wp/v2/media"),
        ("GET", "/wp/v2/posts"),  # the post a crashed attempt may have made, by its slug
        ("POST", "/wp/v2/posts"),
    ]
    lookup, picture, upload, find, create = site.sent[1:]
    assert lookup.query == {
        "slug": image_slug(PHOTO),
        "per_page": "100",
        "context": "edit",
        "_fields": "id,slug,source_url",
    }
    assert (picture.url, "Authorization" in picture.headers) == (PHOTO, False)  # never the credentials
    assert upload.query == {"slug": image_slug(PHOTO), "title": "lamp", "alt_text": "A brass lamp"}
    assert upload.headers["Content-Type"] == "image/png"
    assert upload.headers["Content-Disposition"] == 'attachment; filename="lamp.png"'
    assert upload.body == PNG
    assert find.query == {
        "slug": f"orion-{LAMP_ID.lower()}",
        "status": "any",
        "context": "edit",
        "_fields": "id",
    }
    media_id = next(iter(site.items["media"]))
    assert create.json() == {
        "title": "Desk lamp",
        "slug": f"orion-{LAMP_ID.lower()}",
        "content": (
            f"<p>Brass &amp; oak.</p>\n{DETAILS_MARK}\n"
            '<p class="orion-price"><strong>€25.00</strong> <del>€30.00</del></p>\n'
            '<p class="orion-brand">Lumen</p>\n'
            '<p class="orion-categories">lamps</p>'
        ),
        "featured_media": media_id,
        "status": "publish",
    }
    assert create.headers["Content-Type"] == "application/json"
    assert create.url.startswith(f"{SITE}/?rest_route=/wp/v2/posts")
    post = site.items["posts"][int(remote.remote_id)]
    assert (post["status"], remote.remote_url) == ("publish", post["link"])


def test_more_pictures_show_in_the_post_after_the_featured_one(site: FakeWordPress) -> None:
    second = "https://images.example.org/side.png"
    site.pictures[second] = PNG
    wordpress = adapter(site)
    remote = wordpress.publish(wordpress.prepare(lamp(images=(PHOTO, second))))
    media = list(site.items["media"].values())
    post = site.items["posts"][int(remote.remote_id)]
    assert post["featured_media"] == media[0]["id"]
    assert (
        f'<img src="{media[1]["source_url"]}" alt="" class="wp-image-{media[1]["id"]}"/>'
        in (post["content"]["raw"])
    )
    assert media[0]["source_url"] not in post["content"]["raw"]


def test_an_uploaded_image_is_fetched_from_the_stores_own_host(site: FakeWordPress) -> None:
    ref = f"media:{MEDIA_ID}"
    media = MediaImage(id=MEDIA_ID, width=2000, height=1000, widths=(320, 640, 1280))
    address = f"https://wizamart.oms.lu/media/oms/wizamart/{MEDIA_ID}/1280.jpg"  # the widest
    site.pictures[address] = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    wordpress = adapter(site)
    wordpress.publish(wordpress.prepare(lamp(images=(ref,), media={MEDIA_ID: media})))
    upload = next(s for s in site.sent if s.route == "/wp/v2/media" and s.method == "POST")
    assert address in [s.url for s in site.sent]
    assert (upload.headers["Content-Type"], upload.query["slug"]) == ("image/jpeg", image_slug(ref))
    assert upload.headers["Content-Disposition"] == 'attachment; filename="1280.jpg"'


def test_a_price_from_shows_when_variants_differ(site: FakeWordPress) -> None:
    variants = (
        Variant(sku="S", price=1900, options={"size": "S"}),
        Variant(sku="L", price=2900, options={"size": "L"}),
    )
    wordpress = adapter(site)
    remote = wordpress.publish(wordpress.prepare(lamp(variants=variants, images=())))
    assert "<strong>From €19.00</strong>" in site.items["posts"][int(remote.remote_id)]["content"]["raw"]


def test_preparing_sends_nothing_and_the_hash_follows_the_content(site: FakeWordPress) -> None:
    wordpress = adapter(site)
    first, again = wordpress.prepare(lamp()), wordpress.prepare(lamp())
    assert site.sent == []
    assert first.content_hash == again.content_hash
    assert wordpress.prepare(lamp(title="Brass lamp")).content_hash != first.content_hash
    assert wordpress.prepare(lamp(images=())).content_hash != first.content_hash


def test_an_update_sends_one_post_and_uploads_no_picture_already_there(site: FakeWordPress) -> None:
    remote = adapter(site).publish(adapter(site).prepare(lamp()))
    site.sent.clear()

    # a later run (a new adapter): the picture is found by its slug, not uploaded again
    wordpress = adapter(site)
    updated = wordpress.update(remote.remote_id, wordpress.prepare(lamp(title="Brass lamp")))
    assert site.calls() == [("GET", "/wp/v2/media"), ("POST", f"/wp/v2/posts/{remote.remote_id}")]
    assert "status" not in site.sent[-1].json()  # a post set to draft in WordPress stays a draft
    assert site.items["posts"][int(remote.remote_id)]["title"]["raw"] == "Brass lamp"
    assert updated.remote_id == remote.remote_id
    assert len(site.items["media"]) == 1

    # within a run, pictures already found are not looked up again
    site.sent.clear()
    wordpress.update(remote.remote_id, wordpress.prepare(lamp(title="Oak lamp")))
    assert site.calls() == [("POST", f"/wp/v2/posts/{remote.remote_id}")]


def test_a_product_without_pictures_has_no_featured_image(site: FakeWordPress) -> None:
    wordpress = adapter(site)
    remote = wordpress.publish(wordpress.prepare(lamp(images=())))
    assert ("GET", "/wp/v2/media") not in site.calls()
    assert site.items["posts"][int(remote.remote_id)]["featured_media"] == 0


# --- idempotency and items gone --------------------------------------------------------------------


def test_a_publish_that_crashed_after_wordpress_saved_the_post_finds_it_again(site: FakeWordPress) -> None:
    wordpress = adapter(site)
    site.crash_after_save = True  # the picture is kept, then the answer is lost
    with pytest.raises(DestinationUnavailable):
        wordpress.publish(wordpress.prepare(lamp()))
    assert (len(site.items["media"]), len(site.items["posts"])) == (1, 0)

    retry = adapter(site)
    site.sent.clear()
    site.crash_after_save = False
    retry.publish(retry.prepare(lamp()))
    assert ("POST", "/wp/v2/media") not in site.calls()  # found by its slug
    site.crash_after_save = True  # now the post is kept and its answer lost
    with pytest.raises(DestinationUnavailable):
        retry.publish(retry.prepare(lamp(title="Again")))

    remote = adapter(site).publish(adapter(site).prepare(lamp(title="Third")))
    assert len(site.items["posts"]) == 1
    only = next(iter(site.items["posts"].values()))
    assert (str(only["id"]), only["title"]["raw"], only["status"]) == (remote.remote_id, "Third", "publish")


def test_an_update_of_a_post_deleted_by_hand_says_it_is_missing_and_a_publish_makes_a_new_one(
    site: FakeWordPress,
) -> None:
    wordpress = adapter(site)
    first = wordpress.publish(wordpress.prepare(lamp()))
    site.items["posts"][int(first.remote_id)] |= {"status": "trash", "slug": "trashed"}  # trashed by hand
    with pytest.raises(RemoteMissing):
        wordpress.update(first.remote_id, wordpress.prepare(lamp()))
    second = wordpress.publish(wordpress.prepare(lamp()))
    assert second.remote_id != first.remote_id
    del site.items["posts"][int(second.remote_id)]  # deleted for good
    with pytest.raises(RemoteMissing):
        wordpress.update(second.remote_id, wordpress.prepare(lamp()))
    with pytest.raises(RemoteMissing):
        wordpress.update("not-a-number", wordpress.prepare(lamp()))


def test_unpublishing_trashes_the_post_and_an_item_already_gone_is_no_error(site: FakeWordPress) -> None:
    wordpress = adapter(site)
    remote = wordpress.publish(wordpress.prepare(lamp()))
    site.sent.clear()
    wordpress.unpublish(ItemKind.PRODUCT, remote.remote_id)
    assert site.calls() == [("DELETE", f"/wp/v2/posts/{remote.remote_id}")]
    assert "force" not in site.sent[0].query
    assert site.items["posts"][int(remote.remote_id)]["status"] == "trash"
    wordpress.unpublish(ItemKind.PRODUCT, remote.remote_id)  # 410: trashed already
    wordpress.unpublish(ItemKind.PRODUCT, "999")  # 404
    wordpress.unpublish(ItemKind.PAGE, "garbage")


def test_a_site_without_a_trash_deletes_the_item_for_good(site: FakeWordPress) -> None:
    wordpress = adapter(site)
    remote = wordpress.publish(wordpress.prepare(lamp(images=())))
    site.answer_next(error(501, "rest_trash_not_supported", "The post does not support trashing."))
    wordpress.unpublish(ItemKind.PRODUCT, remote.remote_id)
    assert site.sent[-1].query == {"force": "true"}
    assert site.items["posts"] == {}


# --- pages ---------------------------------------------------------------------------------------------


def test_a_cms_page_becomes_a_page_at_its_own_slug(site: FakeWordPress) -> None:
    wordpress = adapter(site)
    prepared = wordpress.prepare_page(about())
    assert (prepared.item_kind, prepared.item_id) == (ItemKind.PAGE, "about")
    remote = wordpress.publish(prepared)
    assert site.calls() == [("GET", "/wp/v2/pages"), ("POST", "/wp/v2/pages")]
    assert site.sent[-1].json() == {
        "title": "About us",
        "slug": "about",
        "content": "<p>Since 1990.</p>",
        "status": "publish",
    }
    wordpress.unpublish(ItemKind.PAGE, remote.remote_id)
    assert site.calls()[-1] == ("DELETE", f"/wp/v2/pages/{remote.remote_id}")


def test_a_wordpress_page_already_at_the_address_is_taken_over(site: FakeWordPress) -> None:
    theirs = site.add("pages", slug="about", status="publish", title="Old about")
    remote = adapter(site).publish(adapter(site).prepare_page(about()))
    assert remote.remote_id == str(theirs["id"])
    assert (len(site.items["pages"]), theirs["title"]["raw"]) == (1, "About us")


# --- errors a merchant can act on ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kind", "words"),
    [
        (
            error(401, "incorrect_password", "Invalid application password."),
            DestinationError,
            "application password",
        ),
        (
            error(403, "rest_cannot_create", "Sorry, you are not allowed."),
            DestinationError,
            "Editor or Administrator",
        ),
        (answer(429, {"code": "too_many"}, retry_after="30"), DestinationUnavailable, "throttling"),
        (
            answer(500, b"<html>Fatal error</html>", content_type="text/html"),
            DestinationUnavailable,
            "retried",
        ),
        (answer(503, b"", retry_after="120"), DestinationUnavailable, "retried"),
        (
            answer(200, b"<!doctype html><p>Welcome</p>", content_type="text/html"),
            DestinationError,
            "REST API",
        ),
        (error(404, "rest_no_route", "No route was found."), DestinationError, "no REST route"),
        (answer(404, b"<html>Not found</html>", content_type="text/html"), DestinationError, "site address"),
        (error(400, "rest_invalid_param", "Invalid parameter(s): slug"), DestinationError, "slug"),
        (answer(301, b"", location="https://new.example.com/"), DestinationError, "site address"),
    ],
)
def test_what_wordpress_answers_becomes_a_reason_or_a_retry(
    site: FakeWordPress, given: HttpAnswer, kind: type[DestinationError], words: str
) -> None:
    wordpress = adapter(site)
    site.answer_next(given)
    with pytest.raises(DestinationError) as raised:
        wordpress.publish(wordpress.prepare_page(about()))
    assert type(raised.value) is kind
    assert words in str(raised.value)
    if given.status == 429:
        assert isinstance(raised.value, DestinationUnavailable) and raised.value.retry_after == 30.0


def test_an_unreachable_site_is_retried_later(site: FakeWordPress) -> None:
    class Down:
        def send(self, request: HttpRequest) -> HttpAnswer:
            raise DestinationUnavailable("blog.example.com could not be reached.")

    wordpress = WordPressAdapter(
        STORE, integration(), {"username": USERNAME, "application_password": PASSWORD}, Down(), language="en"
    )
    with pytest.raises(DestinationUnavailable, match="could not be reached"):
        wordpress.publish(wordpress.prepare_page(about()))
    check = wordpress.test_connection()
    assert not check.ok and "could not be reached" in check.detail


@pytest.mark.parametrize(
    ("served", "kind", "words"),
    [
        (None, DestinationError, "answered 404 instead of the picture"),
        (b"<html>not a picture</html>", DestinationError, "not a JPEG, PNG, GIF or WebP"),
    ],
)
def test_a_picture_that_cannot_be_fetched_fails_the_product_with_its_address(
    site: FakeWordPress, served: bytes | None, kind: type[DestinationError], words: str
) -> None:
    site.pictures.clear()
    if served is not None:
        site.pictures[PHOTO] = served
    wordpress = adapter(site)
    with pytest.raises(kind, match=words) as raised:
        wordpress.publish(wordpress.prepare(lamp()))
    assert PHOTO in str(raised.value)
    assert site.items["posts"] == {}


def test_credentials_never_show_in_errors_logs_or_the_adapter(
    site: FakeWordPress, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    wrong = adapter(site, password="wrong PASS word 1234")
    reasons: list[str] = [repr(wrong), repr(adapter(site))]
    with pytest.raises(DestinationError) as refused:
        wrong.publish(wrong.prepare(lamp()))
    reasons.append(str(refused.value))
    reasons.append(wrong.test_connection().detail)
    for given in (answer(500, b"oops"), error(403, "rest_forbidden", "No."), answer(200, b"<html>")):
        site.answer_next(given)
        with pytest.raises(DestinationError) as raised:
            adapter(site).publish(adapter(site).prepare_page(about()))
        reasons.append(str(raised.value))
    assert "application password" in reasons[2]
    for text in [*reasons, caplog.text]:
        for secret in (PASSWORD, token, "wrong PASS word 1234"):
            assert secret not in text


def test_an_integration_without_credentials_cannot_be_used() -> None:
    with pytest.raises(Invalid) as raised:
        WordPressAdapter(STORE, integration(), {"username": USERNAME})
    assert [e.field for e in raised.value.errors] == ["credentials"]


# --- the connection ------------------------------------------------------------------------------------


def test_the_connection_check_signs_in_and_says_where_things_go(site: FakeWordPress) -> None:
    check = adapter(site).test_connection()
    assert check == ConnectionCheck(
        True, f"Signed in to {SITE} as Shop Editor: products go to posts, CMS pages to pages."
    )
    assert site.calls() == [("GET", "/"), ("GET", "/wp/v2/users/me")]
    assert site.sent[-1].query == {"context": "edit"}


def test_the_connection_check_names_what_is_wrong(site: FakeWordPress) -> None:
    assert "application password" in adapter(site, password="nope").test_connection().detail
    site.capabilities = {"publish_posts": True}
    lacking = adapter(site).test_connection()
    assert not lacking.ok and "may not publish pages, upload files" in lacking.detail
    site.answer_next(answer(200, b"<!doctype html><title>Shop</title>", content_type="text/html"))
    not_wordpress = adapter(site).test_connection()
    assert not not_wordpress.ok and "does not answer as a WordPress site" in not_wordpress.detail
    site.answer_next(answer(200, {"namespaces": ["oembed/1.0"]}))
    assert "does not answer as a WordPress site" in adapter(site).test_connection().detail


# --- the pull ------------------------------------------------------------------------------------------


def test_the_pull_brings_pages_and_products_changed_in_wordpress_since(site: FakeWordPress) -> None:
    wordpress = adapter(site)
    page = wordpress.publish(wordpress.prepare_page(about()))
    post = wordpress.publish(wordpress.prepare(lamp(images=())))
    site.add("posts", slug="hello-world", status="publish", title="Someone else's post")
    since = site.now
    site.edit("pages", int(page.remote_id), title="About", content="<p>Since 1991.</p>")
    site.edit("posts", int(post.remote_id), status="draft")  # hidden in WordPress
    site.sent.clear()

    changes = wordpress.fetch_changes(since)
    assert changes == [
        RemoteChange(
            ItemKind.PAGE,
            page.remote_id,
            {"title": "About", "body_html": "<p>Since 1991.</p>"},
            since + timedelta(minutes=1),
        ),
        RemoteChange(
            ItemKind.PRODUCT,
            post.remote_id,
            {"title": "Desk lamp", "description": "<p>Brass &amp; oak.</p>", "status": "draft"},
            since + timedelta(minutes=2),
        ),
    ]
    # asked a day early (WordPress compares with the site's local time), in Orion's terms afterwards
    for sent in site.sent:
        assert sent.query["modified_after"] == (since - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
        assert (sent.query["context"], sent.query["status"], sent.query["orderby"]) == (
            "edit",
            "any",
            "modified",
        )
    assert wordpress.fetch_changes(site.now) == []
    everything = wordpress.fetch_changes(None)
    assert {c.remote_id for c in everything} == {page.remote_id, post.remote_id}  # not someone else's post


def test_the_pull_reads_every_page_of_answers(site: FakeWordPress) -> None:
    for number in range(150):
        site.add("pages", slug=f"page-{number}", status="publish", title=f"Page {number}")
    changes = adapter(site).fetch_changes(None)
    assert len(changes) == 150
    assert [s.query["page"] for s in site.sent if s.route == "/wp/v2/pages"] == ["1", "2"]


# --- WooCommerce ---------------------------------------------------------------------------------------


def test_with_woocommerce_products_become_woocommerce_products(site: FakeWordPress) -> None:
    site.namespaces = ("wp/v2", "wc/v3")
    wordpress = adapter(site)
    remote = wordpress.publish(wordpress.prepare(lamp()))
    create = site.sent[-1]
    assert (create.method, create.route) == ("POST", "/wc/v3/products")
    media_id = next(iter(site.items["media"]))
    assert create.json() == {
        "name": "Desk lamp",
        "slug": f"orion-{LAMP_ID.lower()}",
        "type": "simple",
        "description": "<p>Brass &amp; oak.</p>",
        "sku": "LAMP-1",
        "regular_price": "30.00",
        "sale_price": "25.00",
        "images": [{"id": media_id}],
        "status": "publish",
    }
    assert remote.remote_id == f"wc:{next(iter(site.items['products']))}"
    assert site.items["posts"] == {}

    updated = wordpress.update(
        remote.remote_id, wordpress.prepare(lamp(variants=(Variant(sku="LAMP-1", price=2700),)))
    )
    assert (site.sent[-1].method, updated.remote_id) == ("PUT", remote.remote_id)
    assert (site.sent[-1].json()["regular_price"], site.sent[-1].json()["sale_price"]) == ("27.00", "")

    since = site.now
    site.edit("products", int(remote.remote_id[3:]), name="Lamp", regular_price="29.90", sale_price="19.90")
    change = next(c for c in wordpress.fetch_changes(since) if c.remote_id == remote.remote_id)
    assert change.fields == {
        "title": "Lamp",
        "description": "<p>Brass &amp; oak.</p>",
        "status": "active",
        "price": 1990,
        "compare_at_price": 2990,
    }

    wordpress.unpublish(ItemKind.PRODUCT, remote.remote_id)
    assert site.calls()[-1] == ("DELETE", f"/wc/v3/products/{remote.remote_id[3:]}")
    with pytest.raises(RemoteMissing):
        wordpress.update(remote.remote_id, wordpress.prepare(lamp()))
