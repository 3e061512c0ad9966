"""Publishing to a real WordPress (Debian's 6.1, tests/wordpress/site.py) through orion.channels.service,
with the records in a moto account: a product as a post with its price and featured image, an update
that sends one request (none when nothing changed), unpublishing, a post deleted by hand published anew,
a CMS page and its edit in WordPress brought back by the pull, a wrong application password and a site
that is down each ending in the record with the reason and retried (docs/channels.md, WordPress)."""

from __future__ import annotations

import logging
import urllib.request
from datetime import timedelta
from typing import Any

import pytest

from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.channels import service
from orion.channels.adapters import adapter_for
from orion.channels.models import (
    IntegrationInput,
    ItemKind,
    PublishRecord,
    PublishRequest,
    RecordStatus,
    UnpublishRequest,
)
from orion.cms import service as cms
from orion.cms.models import PageInput
from orion.ids import new_id
from orion.tenant import Tenant
from tests.images import photo
from tests.wordpress.site import WordPressSite

WIZAMART = Tenant("oms", "wizamart")


def add_blog(site: WordPressSite, password: str | None = None, **rules: Any) -> str:
    data = IntegrationInput.model_validate(
        {
            "platform": "wordpress",
            "config": {"site_url": site.url},
            "credentials": {
                "username": site.username,
                "application_password": password or site.application_password,
            },
            "rules": rules,
        }
    )
    return service.create_integration(WIZAMART, data).id


def new_product(site: WordPressSite, title: str = "Desk lamp", **fields: Any) -> str:
    picture = site.add_image(f"lamp-{new_id().lower()}.jpg", photo(800, 600))
    data = ProductInput(
        title=title,
        description="<p>Brass and oak.</p>",
        status=ProductStatus.ACTIVE,
        images=(picture,),
        variants=(Variant(sku=f"WP-{new_id()[-8:]}", price=2500, compare_at_price=3000),),
        **fields,
    )
    return catalog.create_product(WIZAMART, data).id


def publish_products(integration: str, *ids: str) -> list[PublishRecord]:
    return service.publish(WIZAMART, integration, PublishRequest(product_ids=ids))[1]


def rename(product_id: str, title: str) -> None:
    current = catalog.get_product(WIZAMART, product_id)
    fields = current.model_dump(include=set(ProductInput.model_fields))
    catalog.update_product(WIZAMART, product_id, ProductInput(**{**fields, "title": title}))


def test_a_product_is_published_updated_and_unpublished(
    site: WordPressSite, sent: list[tuple[str, str]]
) -> None:
    lamp = new_product(site)
    integration = add_blog(site)
    check = service.check_connection(WIZAMART, integration)
    assert check.ok, check.detail

    # published: a post with its title, price and featured image
    (record,) = publish_products(integration, lamp)
    assert (record.status, record.last_error) == (RecordStatus.SYNCED, None)
    post = site.rest("GET", f"/wp/v2/posts/{record.remote_id}", context="edit")
    assert (post["title"]["raw"], post["status"], post["slug"]) == (
        "Desk lamp",
        "publish",
        f"orion-{lamp.lower()}",
    )
    assert "€25.00" in post["content"]["raw"] and "€30.00" in post["content"]["raw"]
    assert record.remote_url == post["link"]
    featured = site.rest("GET", f"/wp/v2/media/{post['featured_media']}")
    with urllib.request.urlopen(featured["source_url"], timeout=10) as picture:
        assert picture.read()[:3] == b"\xff\xd8\xff"  # the JPEG, in WordPress' uploads

    # unchanged: nothing is sent
    sent.clear()
    job, _ = service.publish(WIZAMART, integration, PublishRequest(product_ids=(lamp,)))
    assert (job.unchanged, sent) == (1, [])

    # one field changed: one update of the post (the picture is found in the library, not uploaded)
    rename(lamp, "Brass lamp")
    (updated,) = publish_products(integration, lamp)
    assert sent == [("GET", "/wp/v2/media"), ("POST", f"/wp/v2/posts/{record.remote_id}")]
    assert updated.remote_id == record.remote_id
    assert (
        site.rest("GET", f"/wp/v2/posts/{record.remote_id}", context="edit")["title"]["raw"] == "Brass lamp"
    )

    # unpublished: in WordPress' trash
    service.unpublish(WIZAMART, integration, UnpublishRequest(product_ids=(lamp,)))
    assert site.rest("GET", f"/wp/v2/posts/{record.remote_id}", context="edit")["status"] == "trash"
    # published again: a new post (the trashed one stays in the trash)
    (again,) = publish_products(integration, lamp)
    assert again.status is RecordStatus.SYNCED and again.remote_id != record.remote_id
    assert site.rest("GET", f"/wp/v2/posts/{again.remote_id}", context="edit")["status"] == "publish"


def test_a_post_deleted_by_hand_is_published_anew(site: WordPressSite) -> None:
    lamp = new_product(site, "Floor lamp")
    integration = add_blog(site)
    (record,) = publish_products(integration, lamp)
    site.rest("DELETE", f"/wp/v2/posts/{record.remote_id}", force="true")  # an editor deletes it for good
    rename(lamp, "Tall floor lamp")
    (anew,) = publish_products(integration, lamp)
    assert anew.status is RecordStatus.SYNCED and anew.remote_id != record.remote_id
    post = site.rest("GET", f"/wp/v2/posts/{anew.remote_id}", context="edit")
    assert (post["title"]["raw"], post["slug"]) == ("Tall floor lamp", f"orion-{lamp.lower()}")


def test_a_cms_page_is_published_and_its_edit_in_wordpress_comes_back(site: WordPressSite) -> None:
    slug = f"story-{new_id().lower()[-6:]}"
    cms.put_store_page(WIZAMART, slug, PageInput(title="Our story", body_html="<p>Since 1990.</p>"))
    integration = add_blog(site, pages={"slugs": [slug]})
    job, records = service.publish(WIZAMART, integration, PublishRequest(page_slugs=(slug,)))
    (record,) = records
    assert (job.created, record.item_kind, record.status) == (1, ItemKind.PAGE, RecordStatus.SYNCED)
    page = site.rest("GET", f"/wp/v2/pages/{record.remote_id}", context="edit")
    assert (page["slug"], page["title"]["raw"], page["content"]["raw"]) == (
        slug,
        "Our story",
        "<p>Since 1990.</p>",
    )

    # an editor changes it in WordPress (another client of its REST API)
    edited = site.rest(
        "POST", f"/wp/v2/pages/{record.remote_id}", {"title": "Our story", "content": "<p>Since 1991.</p>"}
    )
    assert record.synced_at is not None
    adapter = adapter_for(WIZAMART, service.get_integration(WIZAMART, integration))
    changes = [
        c
        for c in adapter.fetch_changes(record.synced_at - timedelta(seconds=1))
        if c.remote_id == record.remote_id
    ]
    assert [(c.item_kind, c.fields) for c in changes] == [
        (ItemKind.PAGE, {"title": "Our story", "body_html": "<p>Since 1991.</p>"})
    ]
    assert changes[0].changed_at.strftime("%Y-%m-%dT%H:%M:%S") == edited["modified_gmt"]
    later = adapter.fetch_changes(changes[0].changed_at)
    assert record.remote_id not in [c.remote_id for c in later]

    service.unpublish(WIZAMART, integration, UnpublishRequest(page_slugs=(slug,)))
    assert site.rest("GET", f"/wp/v2/pages/{record.remote_id}", context="edit")["status"] == "trash"


def test_a_wrong_application_password_fails_the_record_with_the_reason(
    site: WordPressSite, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    lamp = new_product(site, "Wall lamp")
    wrong = "abcd efgh ijkl mnop qrst uvwx"
    integration = add_blog(site, password=wrong)
    (record,) = publish_products(integration, lamp)
    assert record.status is RecordStatus.FAILED
    assert record.last_error is not None and "application password" in record.last_error
    check = service.check_connection(WIZAMART, integration)
    assert not check.ok and "application password" in check.detail
    # (botocore's own DEBUG lines print Secrets Manager's answers: that is the SDK, at a level never on)
    logged = [r.getMessage() for r in caplog.records if not r.name.startswith("botocore")]
    for text in (record.last_error, check.detail, *logged):
        assert wrong not in text and site.application_password not in text


def test_a_site_that_is_down_fails_the_record_and_the_next_publish_retries(site: WordPressSite) -> None:
    lamp = new_product(site, "Table lamp")
    integration = add_blog(site)
    site.stop_php()
    try:
        (down,) = publish_products(integration, lamp)
        assert (down.status, down.attempts) == (RecordStatus.FAILED, 1)
        assert down.last_error is not None and "could not be reached" in down.last_error
        assert not service.check_connection(WIZAMART, integration).ok
    finally:
        site.start_php()
    (back,) = publish_products(integration, lamp)
    assert (back.status, back.attempts, back.last_error) == (RecordStatus.SYNCED, 2, None)


def test_a_product_whose_picture_is_gone_fails_alone(site: WordPressSite) -> None:
    broken = catalog.create_product(
        WIZAMART,
        ProductInput(
            title="Ghost lamp",
            status=ProductStatus.ACTIVE,
            images=(f"{site.images_url}/nowhere.jpg",),
            variants=(Variant(sku=f"WP-{new_id()[-8:]}", price=900),),
        ),
    ).id
    fine = new_product(site, "Reading lamp")
    integration = add_blog(site)
    records = {r.item_id: r for r in publish_products(integration, broken, fine)}
    assert records[broken].status is RecordStatus.FAILED
    assert "nowhere.jpg" in str(records[broken].last_error)
    assert records[fine].status is RecordStatus.SYNCED
