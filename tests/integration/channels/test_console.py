"""The console's Channels pages as staff use them without JavaScript: adding integrations (credentials
never shown again), publishing into another store of the merchant, the records with a retry per item,
conflicts settled from the page, what a Viewer may do, and store isolation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, Variant
from orion.channels import service as channels
from orion.channels import sync
from orion.channels.adapters import RemoteChange
from orion.channels.models import ItemKind
from orion.tenant import Tenant
from tests.console import ConsoleBrowser, signed_in, signed_in_as
from tests.integration.channels.conftest import OUTLET, WIZAMART, product
from tests.integration.console._helpers import audit_actions

pytestmark = pytest.mark.usefixtures("demo")
PAGE = "/admin/channels"
PASSWORD = "abcd efgh ijkl mnop"


def _added(owner: ConsoleBrowser, form: dict[str, str]) -> str:
    """Add an integration from the list page: its id (from the page it lands on)."""
    owner.get(PAGE)
    response = owner.post(PAGE, form)
    assert response.status == 303, response.text[:3000]
    found = re.search(r"/admin/channels/([0-9A-Z]{26})$", response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def _outlet_channel(owner: ConsoleBrowser, product_ids: list[str], *, sync_on: bool = False) -> str:
    """An orion_site integration into the outlet publishing the chosen products."""
    integration = _added(owner, {"platform": "orion_site", "name": "Outlet", "store": OUTLET.require_store()})
    page = owner.get(f"{PAGE}/{integration}")
    assert page.status == 200
    rules = owner.post(
        f"{PAGE}/{integration}/rules",
        {"products": "chosen", "product_ids": "\n".join(product_ids), "pages": "none", "own-title": "remote"},
    )
    assert rules.status == 303, rules.text[:3000]
    if sync_on:
        settings = owner.post(
            f"{PAGE}/{integration}",
            {"name": "Outlet", "store": "wizamart-outlet", "is_active": "on", "sync_enabled": "on"},
        )
        assert settings.status == 303, settings.text[:3000]
    return integration


def test_adding_with_a_bad_config_keeps_the_entries_but_never_the_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (the blog's name resolves to a private address: the destination client refuses it, no network)
    monkeypatch.setattr("orion.net.resolve", lambda host, port, timeout: ["10.0.0.7"])
    owner = signed_in("wizamart-owner")
    page = owner.get(PAGE)
    assert page.status == 200
    assert 'href="/admin/channels"' in owner.get("/admin/").text  # the menu leads there
    assert "Add an integration" in page.text and 'name="application_password"' in page.text

    refused = owner.post(
        PAGE,
        {
            "platform": "wordpress",
            "name": "Our blog",
            "site_url": "http://blog.example.com",
            "username": "blog-author-7",
            "application_password": PASSWORD,
            "store": "ignored-for-wordpress",
        },
    )
    assert refused.status == 422
    assert "Enter the site&#39;s https:// address" in refused.text
    assert 'aria-invalid="true" aria-describedby="e-site_url"' in refused.text
    assert 'value="http://blog.example.com"' in refused.text and 'value="Our blog"' in refused.text
    assert PASSWORD not in refused.text and "blog-author-7" not in refused.text  # never echoed back
    missing = owner.post(PAGE, {"platform": "shopify", "shop_domain": "shop.example.com"})
    assert missing.status == 422
    assert 'id="e-shop_domain"' in missing.text and 'id="e-access_token"' in missing.text
    # (Shopify's webhook secret is asked for, as a password, but optional)
    assert 'name="webhook_secret"' in missing.text and 'id="e-webhook_secret"' not in missing.text
    long_name = owner.post(PAGE, {"platform": "orion_site", "name": "x" * 121, "store": "wizamart-outlet"})
    assert long_name.status == 422 and "Use at most 120 characters." in long_name.text

    integration = _added(
        owner,
        {
            "platform": "wordpress",
            "name": "Our blog",
            "site_url": "https://blog.wizamart.lu",
            "username": "blog-author-7",
            "application_password": PASSWORD,
        },
    )
    detail = owner.get(f"{PAGE}/{integration}")
    assert "••••mnop" in detail.text and PASSWORD not in detail.text and "blog-author-7" not in detail.text
    assert owner.get(PAGE).text.count(f"/admin/channels/{integration}") == 1
    # a site that cannot be reached: the connection test says why, a publish ends in failed records
    checked = owner.post(f"{PAGE}/{integration}/test", follow=True)
    assert checked.status == 200 and "is not on the public internet" in checked.text
    published = owner.post(f"{PAGE}/{integration}/publish", follow=True)
    assert published.status == 200 and "is not on the public internet" in published.text
    # blank credentials keep the stored ones; a new password replaces them (shown masked only)
    kept = owner.post(
        f"{PAGE}/{integration}",
        {"name": "Blog", "site_url": "https://blog.wizamart.lu", "is_active": "on"},
        follow=True,
    )
    assert "••••mnop" in kept.text and "Settings saved." in kept.text
    french = owner.get(f"{PAGE}/{integration}", headers=[("accept-language", "fr")])
    assert "Règles de publication" in french.text
    assert audit_actions()[:3] == ["channels.update", "channels.publish", "channels.create"]


def test_publish_into_another_store_of_the_merchant_and_delete(outlet: Tenant) -> None:
    owner = signed_in("wizamart-owner")
    refused = owner.post(PAGE, {"platform": "orion_site", "store": "bakery"})
    assert refused.status == 422 and "This store belongs to another merchant." in refused.text
    lamp = product("Desk lamp")
    integration = _outlet_channel(owner, [lamp])
    assert "Desk lamp" in owner.get(f"{PAGE}/{integration}").text  # the chosen products by title

    checked = owner.post(f"{PAGE}/{integration}/test", follow=True)
    assert "The connection works" in checked.text
    published = owner.post(f"{PAGE}/{integration}/publish", follow=True)
    assert "Published: 1 created, 0 updated, 0 unchanged, 0 taken back, 0 failed." in published.text
    assert catalog.list_products(outlet, limit=10).items[0].title == "Desk lamp"
    records = owner.get(f"{PAGE}/{integration}/records")
    assert f'href="/admin/products/{lamp}">Desk lamp</a>' in records.text
    assert 'data-status="synced"' in records.text
    assert "https://wizamart-outlet.oms.localhost/products/desk-lamp" in records.text
    assert "channels.publish" in audit_actions()

    # paused (Active unticked), it says so instead of publishing
    paused = owner.post(f"{PAGE}/{integration}", {"name": "Outlet", "store": OUTLET.require_store()})
    assert paused.status == 303
    refused = owner.post(f"{PAGE}/{integration}/publish")
    assert refused.status == 409 and "This integration is paused" in refused.text

    # deleting asks first, then forgets the integration (the copy stays in the outlet)
    confirm = owner.get(f"{PAGE}/{integration}/delete")
    assert confirm.status == 200 and "Delete the integration" in confirm.text
    gone = owner.post(f"{PAGE}/{integration}/delete", follow=True)
    assert "Integration deleted" in gone.text
    assert owner.get(f"{PAGE}/{integration}").status == 404
    assert catalog.list_products(outlet, limit=10).items[0].title == "Desk lamp"


def test_a_failed_record_is_retried_from_the_list(outlet: Tenant) -> None:
    owner = signed_in("wizamart-owner")
    lamp = product("Desk lamp", sku="LAMP-1")
    taken = catalog.create_product(
        outlet, ProductInput(title="Outlet lamp", variants=(Variant(sku="LAMP-1", price=900, stock=1),))
    )
    integration = _outlet_channel(owner, [lamp])

    published = owner.post(f"{PAGE}/{integration}/publish")
    assert published.headers["location"].endswith("/records?status=failed")  # straight to what failed
    failed = owner.get(f"{PAGE}/{integration}/records?status=failed")
    assert "0 taken back, 1 failed." in failed.text
    assert 'data-status="failed"' in failed.text and "refused the product" in failed.text
    retry = f"{PAGE}/{integration}/records/product/{lamp}/retry"
    assert f'action="{retry}"' in failed.text
    assert owner.get(f"{PAGE}/{integration}/records?status=synced").text.count("<tr data-item") == 0

    # the outlet frees the SKU; a retry sends the lamp and says so on the list it came from
    catalog.delete_product(outlet, taken.id)
    again = owner.post(retry, {"status": "failed", "after": ""})
    assert again.status == 303 and again.headers["location"].endswith("/records?status=failed")
    shown = owner.get(f"{PAGE}/{integration}/records?status=failed")
    assert "Desk lamp was sent: it is published at the destination." in shown.text
    assert "Nothing was published here yet." not in shown.text and "No record has this status." in shown.text
    record = channels.get_record(WIZAMART, integration, ItemKind.PRODUCT, lamp)
    assert (record.status.value, record.attempts) == ("synced", 2)
    # a record that does not exist, or a bad cursor, is a clear answer
    assert owner.post(f"{PAGE}/{integration}/records/product/01J0000000000000000000000A/retry").status == 404
    assert owner.get(f"{PAGE}/{integration}/records?after=garbage").status == 400
    assert owner.get(f"{PAGE}/{integration}/records?status=lost").status == 422


class Destination:
    """A destination whose pull reports the edits given."""

    def __init__(self, changes: list[RemoteChange]) -> None:
        self.changes = changes

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]:
        return self.changes


def test_a_pull_shows_conflicts_that_staff_settle_from_the_page(
    outlet: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = signed_in("wizamart-owner")
    lamp = product("Desk lamp", description="<p>Brass and oak</p>")
    integration = _outlet_channel(owner, [lamp], sync_on=True)
    owner.post(f"{PAGE}/{integration}/publish")
    remote_id = channels.get_record(WIZAMART, integration, ItemKind.PRODUCT, lamp).remote_id
    assert remote_id
    current = catalog.get_product(WIZAMART, lamp)
    catalog.update_product(
        WIZAMART,
        lamp,
        ProductInput.model_validate(
            {**current.model_dump(include=set(ProductInput.model_fields)), "title": "Brass lamp"}
        ),
    )
    later = datetime.now(UTC) + timedelta(seconds=5)
    edits = {"title": "Lampe de bureau", "description": "<p>Plastic</p>"}
    monkeypatch.setattr(
        sync,
        "adapter_for",
        lambda tenant, found: Destination([RemoteChange(ItemKind.PRODUCT, remote_id, edits, later)]),
    )

    pulled = owner.post(f"{PAGE}/{integration}/pull", follow=True)
    assert "Pulled: 0 brought back, 2 conflicts" in pulled.text
    assert (
        "Conflict on Title" in pulled.text
        and "Brass lamp" in pulled.text
        and "Lampe de bureau" in pulled.text
    )
    assert "Conflict on Description" in pulled.text and "Plastic" in pulled.text

    settle = f"{PAGE}/{integration}/records/product/{lamp}/conflicts"
    kept = owner.post(f"{settle}/title", {"keep": "remote"}, follow=True)
    assert "The destination's Title is now Orion's." in unescape(kept.text)
    assert catalog.get_product(WIZAMART, lamp).title == "Lampe de bureau"
    ours = owner.post(f"{settle}/description", {"keep": "orion"}, follow=True)
    assert "Orion's Description is kept" in unescape(ours.text) and "Conflict on" not in ours.text
    record = channels.get_record(WIZAMART, integration, ItemKind.PRODUCT, lamp)
    assert record.conflicts == () and record.status.value == "outdated"
    assert 'name="keep"' not in ours.text and f"{lamp}/retry" in ours.text  # outdated: retry offered
    assert owner.post(f"{settle}/title", {"keep": "remote"}).status == 404  # settled already
    assert audit_actions()[:3] == ["channels.resolve_conflict", "channels.resolve_conflict", "channels.pull"]


def test_a_viewer_sees_the_channels_but_cannot_change_them(outlet: Tenant) -> None:
    owner = signed_in("wizamart-owner")
    integration = _outlet_channel(owner, [product("Desk lamp")])
    viewer = signed_in_as("viewer")
    listing = viewer.get(PAGE)
    assert listing.status == 200 and "Outlet" in listing.text
    assert "Add an integration" not in listing.text
    detail = viewer.get(f"{PAGE}/{integration}")
    assert detail.status == 200 and "<fieldset disabled>" in detail.text
    assert "Publish now" not in detail.text
    assert viewer.get(f"{PAGE}/{integration}/records").status == 200
    for path in (f"{PAGE}/{integration}/publish", f"{PAGE}/{integration}/delete", PAGE):
        refused = viewer.post(path, {"platform": "orion_site", "store": "wizamart-outlet"})
        assert refused.status == 403, path
        assert "Your role (viewer) does not allow this." in refused.text
    assert viewer.get(f"{PAGE}/{integration}/delete").status == 403
    assert len(channels.list_integrations(WIZAMART)) == 1


def test_another_store_cannot_open_this_stores_integration(outlet: Tenant) -> None:
    owner = signed_in("wizamart-owner")
    integration = _outlet_channel(owner, [product("Desk lamp")])
    bakery = signed_in("bakery-owner", host="bakery.oms.localhost:8000")
    for path in (f"{PAGE}/{integration}", f"{PAGE}/{integration}/records", f"{PAGE}/{integration}/delete"):
        assert bakery.get(path).status == 404, path
    bakery.get(PAGE)
    assert bakery.post(f"{PAGE}/{integration}/publish").status == 404
    assert bakery.post(f"{PAGE}/{integration}/delete").status == 404
    assert channels.get_integration(WIZAMART, integration).name == "Outlet"
