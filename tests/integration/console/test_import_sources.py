"""The console's saved sources (``/admin/imports/sources``): adding one through the form, a refused
address named on its field, the detail page with its runs, running one now, pausing and resuming,
deleting, the permissions, and store isolation."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape

import pytest
from moto import mock_aws

from infra.local.cloud import install_bridges
from orion import runtime
from orion.audit.service import list_entries
from orion.imports.errors import FeedUnavailable
from orion.imports.sources import messages
from orion.imports.sources import service as sources
from orion.imports.sources.fetch import FeedAnswer, FeedRequest
from orion.imports.sources.models import SourceInput, SourceStatus
from orion.rendering.phrases import phrase
from orion.settings import reset_settings
from orion.tenant import Tenant
from tests.console import signed_in, signed_in_as
from tests.integration.imports.conftest import seed_tenants_and_staff
from tests.integration.moto_state import AccountStates
from tests.staff import BAKERY, call, token_of

WIZ = Tenant("oms", "wizamart")
FEED = "https://feeds.letzshop.lu/wizamart/feed_fr.tsv"
FORM = {
    "name": "Letzshop",
    "url_fr": FEED,
    "url_de": "",
    "url_en": "",
    "format": "auto",
    "schedule": "daily",
    "publish": "new",
    "missing": "archive",
}


@pytest.fixture
def cloud(account_states: AccountStates, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ORION_IMPORT_FETCH_ALLOWED_HOSTS", '["letzshop.lu"]')
    reset_settings()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        install_bridges()
        account_states.restore_or_build("pipeline", seed_tenants_and_staff)
        runtime.reset()
        yield


def test_add_run_pause_resume_and_delete_a_source(cloud: None) -> None:
    owner = signed_in("wizamart-owner")
    assert "No saved source yet." in owner.get("/admin/imports/sources").text
    assert "/admin/imports/sources" in owner.get("/admin/imports").text

    added = owner.post("/admin/imports/sources", FORM)
    assert added.status == 303, added.text[:2000]
    path = added.headers["location"]
    (source,) = sources.list_sources(WIZ)
    assert path == f"/admin/imports/sources/{source.id}"
    assert (source.urls, source.schedule.value, source.publish.value, source.missing.value) == (
        {"fr": FEED},
        "daily",
        "new",
        "archive",
    )
    assert "imports.source_create" in [e.action for e in list_entries(WIZ)[0]]
    listing = owner.get("/admin/imports/sources").text
    assert "Letzshop" in listing and "Every day" in listing

    page = owner.get(path)
    assert page.status == 200 and "No run yet." in page.text and FEED in page.text
    ran = owner.post(f"{path}/run", {})
    assert ran.status == 303
    assert "Queued" in owner.get(path).text  # the runner fetches it from the queue

    assert owner.post(f"{path}/status", {"status": "paused"}).status == 303
    assert sources.get_source(WIZ, source.id).status is SourceStatus.PAUSED
    assert "Paused" in owner.get(path).text
    assert owner.post(f"{path}/status", {"status": "active"}).status == 303
    assert sources.get_source(WIZ, source.id).status is SourceStatus.ACTIVE

    edited = owner.post(path, {**FORM, "name": "Letzshop FR", "schedule": "manual"})
    assert edited.status == 303
    assert sources.get_source(WIZ, source.id).name == "Letzshop FR"
    assert sources.get_source(WIZ, source.id).next_run_at is None  # manual: never scheduled

    assert owner.post(f"{path}/delete", {}).status == 303
    assert sources.list_sources(WIZ) == []
    assert owner.get(path).status == 404


def test_a_refused_address_is_named_on_its_field_and_nothing_is_saved(cloud: None) -> None:
    owner = signed_in("wizamart-owner")
    refused = owner.post("/admin/imports/sources", {**FORM, "url_fr": "http://feeds.letzshop.lu/f.tsv"})
    assert refused.status == 422
    assert 'id="e-url_fr"' in refused.text and "https" in refused.text
    assert 'value="Letzshop"' in refused.text  # the form keeps what was typed
    elsewhere = owner.post("/admin/imports/sources", {**FORM, "url_fr": "https://evil.example/f.tsv"})
    assert elsewhere.status == 422 and 'id="e-url_fr"' in elsewhere.text
    none = owner.post("/admin/imports/sources", {**FORM, "url_fr": ""})
    assert none.status == 422 and "at least one language" in none.text
    assert sources.list_sources(WIZ) == []


def test_only_those_allowed_configure_and_another_store_never_sees_it(cloud: None) -> None:
    source = sources.create_source(
        WIZ, SourceInput.model_validate({"name": "Letzshop", "urls": {"fr": FEED}})
    )
    path = f"/admin/imports/sources/{source.id}"
    manager = signed_in_as("manager")
    page = manager.get(path)
    assert page.status == 200 and "Run now" in page.text  # imports.run
    assert "<fieldset disabled>" in page.text and "Save the source" not in page.text  # read-only settings
    assert (
        "Delete the source" not in page.text
        and "Add a source" not in manager.get("/admin/imports/sources").text
    )
    assert manager.post("/admin/imports/sources", FORM).status == 403
    assert manager.post(f"{path}/delete", {}).status == 403
    assert manager.post(f"{path}/run", {}).status == 303
    again = manager.post(f"{path}/run", {})  # its run is still queued: one at a time
    assert again.status == 409 and "already being fetched" in again.text

    bakery = signed_in("bakery-owner", host=BAKERY)
    assert bakery.get(path).status == 404
    assert bakery.post(f"{path}/delete", {}).status == 404
    assert sources.get_source(WIZ, source.id).name == "Letzshop"


class _Unreachable:
    """A network on which the feed's host cannot be found (what PublicFeedTransport raises)."""

    def get(self, request: FeedRequest, *, max_bytes: int, deadline_seconds: float) -> FeedAnswer:
        raise FeedUnavailable(phrase(messages.NOT_FOUND, host="feeds.letzshop.lu"))


def test_a_french_member_reads_run_messages_and_the_pause_reason_in_french(
    cloud: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/imports.md, Saved sources: a run's message and a source's pause reason are kept as phrases,
    so the console says them in the member's language while the staff API keeps its English."""
    monkeypatch.setenv("ORION_IMPORT_SOURCE_RETRY_BASE_SECONDS", "0")
    reset_settings()
    source = sources.create_source(
        WIZ, SourceInput.model_validate({"name": "Letzshop", "urls": {"fr": FEED}})
    )
    with sources.use_transport(_Unreachable()):
        for _ in range(3):
            run = sources.request_run(WIZ, source.id)
            sources.execute_run(WIZ, source.id, run.id)
    paused = sources.get_source(WIZ, source.id)
    assert paused.status is SourceStatus.PAUSED
    english = "The fr feed could not be fetched: feeds.letzshop.lu could not be found. (tried 3 times)"
    assert paused.paused_reason == f"Paused after 3 failed runs in a row; the last: {english}"

    owner = signed_in("wizamart-owner")
    owner.get("/admin/account")
    assert owner.post("/admin/account/language", {"language": "fr"}).status == 303
    french = "Le flux fr n'a pas pu être récupéré : feeds.letzshop.lu est introuvable. (3 tentatives)"
    page = unescape(owner.get(f"/admin/imports/sources/{source.id}").text)
    assert page.count(f"<td>{french}</td>") == 3  # each run's message
    assert f"Mise en pause après 3 exécutions échouées d'affilée ; la dernière : {french}" in page
    assert english not in page
    listing = unescape(owner.get("/admin/imports/sources").text)
    assert f"la dernière : {french}" in listing

    api = call("GET", f"/api/v1/imports/sources/{source.id}/runs", token=token_of("wizamart-owner"))
    assert api.status == 200, api.body
    assert [run["message"] for run in api.json()["runs"]] == [english] * 3
    assert "message_parts" not in api.text and "paused_reason_parts" not in api.text


def test_a_french_owner_reads_not_found_pages_in_french_while_the_api_keeps_its_english(cloud: None) -> None:
    """docs/console.md, Languages: a refusal worded from a template (an unknown product's id) and a
    plain one (a deleted saved source) are said in the member's language, with their 404."""
    from orion.ids import new_id

    source = sources.create_source(
        WIZ, SourceInput.model_validate({"name": "Letzshop", "urls": {"fr": FEED}})
    )
    sources.delete_source(WIZ, source.id)
    unknown = new_id()
    owner = signed_in("wizamart-owner")
    owner.get("/admin/account")
    assert owner.post("/admin/account/language", {"language": "fr"}).status == 303

    gone = owner.get(f"/admin/imports/sources/{source.id}")
    assert gone.status == 404
    assert "Cette source d'import n'existe pas." in unescape(gone.text)
    assert "No such import source." not in gone.text
    product = owner.get(f"/admin/products/{unknown}")
    assert product.status == 404
    assert f"Aucun produit {unknown}." in unescape(product.text)
    assert "No product" not in product.text

    api = call("GET", f"/api/v1/products/{unknown}", token=token_of("wizamart-owner"))
    assert api.status == 404 and api.json()["detail"] == f"No product {unknown}."
