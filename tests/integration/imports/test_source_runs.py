"""Saved sources' runs, the reviewed edge cases (docs/imports.md, Saved sources): several languages
under ``new``, products coming back, unreadable rows, stuck and concurrent runs, the plan's allowance.
Fixtures and helpers are test_sources.py's."""

from __future__ import annotations

from orion.catalog.models import ProductStatus
from orion.imports.sources import service as sources
from orion.imports.sources.models import RunStatus, SourceInput
from tests.feeds import feed_rows, letzshop_feed
from tests.integration.imports.conftest import WIZAMART
from tests.integration.imports.test_sources import FR, FakeNetwork, network, ok, product, run_now

__all__ = ["network"]  # the fixture, used by name

EN = "https://feeds.letzshop.lu/wizamart/feed_en.tsv"


def make(urls: dict[str, str], **settings: str) -> str:
    data = SourceInput.model_validate({"name": "Letzshop", "urls": urls, **settings})
    return sources.create_source(WIZAMART, data).id


def test_new_policy_publishes_every_language_and_brings_back_what_the_feed_archived(
    network: FakeNetwork,
) -> None:
    network.answers[FR] = [ok(letzshop_feed(3, "fr"))]
    network.answers[EN] = [ok(letzshop_feed(3, "en"))]
    source_id = make({"fr": FR, "en": EN}, publish="new", missing="archive")
    assert run_now(source_id).status is RunStatus.PUBLISHED
    assert {"fr", "en"} <= set(product("WZ-00001").translations)

    network.answers[FR] = [ok(letzshop_feed(2, "fr"))]
    network.answers[EN] = [ok(letzshop_feed(2, "en"))]
    assert run_now(source_id).archived == 1
    assert product("WZ-00003").status is ProductStatus.ARCHIVED
    network.answers[FR] = [ok(letzshop_feed(3, "fr"))]
    network.answers[EN] = [ok(letzshop_feed(3, "en"))]
    back = run_now(source_id)
    assert back.status is RunStatus.PUBLISHED, back.message
    assert product("WZ-00003").status is ProductStatus.ACTIVE


def test_a_run_with_unreadable_rows_archives_nothing(network: FakeNetwork) -> None:
    network.answers[FR] = [ok(letzshop_feed(4, "fr"))]
    source_id = make({"fr": FR}, publish="all", missing="archive")
    assert run_now(source_id).status is RunStatus.PUBLISHED
    rows = feed_rows(3, "fr")
    rows[1] = rows[1][:5]  # WZ-00002 is still listed, on a ragged row nothing can read
    network.answers[FR] = [ok(letzshop_feed(0, "fr", extra_rows=rows))]
    run = run_now(source_id)
    assert run.archived == 0 and "could not be read" in (run.message or ""), run.message
    assert product("WZ-00002").status is ProductStatus.ACTIVE
    assert product("WZ-00004").status is ProductStatus.ACTIVE  # gone, but archived only by a clean run
