"""Saved sources' runs, the reviewed edge cases (docs/imports.md, Saved sources): several languages
under ``new``, products coming back, unreadable rows, stuck and concurrent runs, the plan's allowance.
Fixtures and helpers are test_sources.py's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orion.catalog.models import ProductStatus
from orion.errors import Invalid
from orion.imports.sources import guards, messages
from orion.imports.sources import service as sources
from orion.imports.sources.models import (
    RUN_DEADLINE,
    FeedProfile,
    RunStatus,
    SourceChange,
    SourceInput,
    SourceStatus,
)
from orion.imports.sources.service import fail_stuck_runs
from orion.tenancy import tiers
from tests.feeds import feed_rows, letzshop_feed
from tests.integration.imports.conftest import WIZAMART
from tests.integration.imports.test_sources import FR, FakeNetwork, drain, network, ok, product, run_now
from tests.staff import call, token_of

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


def test_a_run_of_one_product_says_product_not_products(network: FakeNetwork) -> None:
    network.answers[FR] = [ok(letzshop_feed(1, "fr"))]
    run = run_now(make({"fr": FR}, publish="all"))
    assert run.message == "1 product published.", run.message
    network.answers[FR] = [ok(letzshop_feed(2, "fr"))]
    run = run_now(make({"fr": FR}, publish="none"))
    assert run.message == "2 products staged; publish them from the import.", run.message


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


def test_one_run_at_a_time_and_the_watchdog_ends_a_stuck_one(network: FakeNetwork) -> None:
    source_id = make({"fr": FR}, schedule="daily")
    owner = token_of("wizamart-owner")
    path = f"/api/v1/imports/sources/{source_id}/run"
    assert call("POST", path, token=owner).status == 202
    twice = call("POST", path, token=owner)  # nothing drains the queue: the first run stays queued
    assert twice.status == 409 and "already queued or under way" in twice.text
    now = datetime.now(UTC) + timedelta(hours=1)
    assert sources.run_due_sources(WIZAMART, now) == 0  # the tick skips it
    assert [r.status for r in sources.list_runs(WIZAMART, source_id)] == [RunStatus.QUEUED]

    assert fail_stuck_runs(WIZAMART, now) == 0  # within its deadline
    assert fail_stuck_runs(WIZAMART, now + RUN_DEADLINE) == 1
    stuck = sources.list_runs(WIZAMART, source_id)[0]
    assert stuck.status is RunStatus.FAILED and "no progress" in (stuck.message or "")
    source = sources.get_source(WIZAMART, source_id)
    assert source.active_run_id is None and source.consecutive_failures == 1
    assert call("POST", path, token=owner).status == 202


def test_an_error_while_finishing_fails_the_run_and_archiving_is_done_again(
    network: FakeNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    network.answers[FR] = [ok(letzshop_feed(3, "fr"))]
    source_id = make({"fr": FR}, publish="all", missing="archive")
    assert run_now(source_id).status is RunStatus.PUBLISHED

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("S3 went away")

    monkeypatch.setattr(sources, "archive_gone_from_feed", broken)
    network.answers[FR] = [ok(letzshop_feed(2, "fr"))]
    crashed = run_now(source_id)
    assert crashed.status is RunStatus.FAILED and "internal error" in (crashed.message or "")
    assert sources.get_source(WIZAMART, source_id).active_run_id is None
    monkeypatch.undo()
    again = run_now(source_id)  # the same feed: WZ-00003 is still remembered, so archived now
    assert again.status is RunStatus.PUBLISHED and again.archived == 1, again.message


def test_the_plans_imports_per_day(network: FakeNetwork) -> None:
    with pytest.raises(Invalid) as refused:  # Professional: 10 imports a day
        make({"fr": FR}, schedule="hourly")
    assert refused.value.errors[0].field == "schedule" and "24" in refused.value.errors[0].message
    network.answers[FR] = [ok(letzshop_feed(2, "fr"))]
    network.answers[EN] = [ok(letzshop_feed(2, "en"))]
    source_id = make({"fr": FR, "en": EN})
    tiers.reserve(WIZAMART, tiers.Limit.IMPORTS_PER_DAY, 9)  # one left: not enough for both
    run = run_now(source_id)
    assert run.status is RunStatus.FAILED and "imports per day" in (run.message or "") and not run.job_ids
    assert sources.get_source(WIZAMART, source_id).consecutive_failures == 0  # not the feed's fault
    tiers.reserve(WIZAMART, tiers.Limit.IMPORTS_PER_DAY, 1)  # the last one is still there


def test_a_scheduled_run_queued_before_staff_paused_the_source_does_not_run(network: FakeNetwork) -> None:
    network.answers[FR] = [ok(letzshop_feed(2, "fr"))]
    source_id = make({"fr": FR}, schedule="daily")
    assert sources.run_due_sources(WIZAMART, datetime.now(UTC) + timedelta(seconds=1)) == 1
    sources.update_source(WIZAMART, source_id, SourceChange(status=SourceStatus.PAUSED))
    drain()
    run = sources.list_runs(WIZAMART, source_id)[0]
    assert run.status is RunStatus.FAILED and "paused" in (run.message or "") and not network.requests
    assert sources.get_source(WIZAMART, source_id).consecutive_failures == 0


def test_validators_are_kept_on_unchanged_bytes_and_a_new_url_keeps_the_guards(network: FakeNetwork) -> None:
    network.answers[FR] = [ok(letzshop_feed(4, "fr"), etag='"v1"')]
    source_id = make({"fr": FR}, publish="all", missing="archive")
    assert run_now(source_id).status is RunStatus.PUBLISHED
    network.answers[FR] = [ok(letzshop_feed(4, "fr"), etag='"v2"')]  # same bytes, new ETag
    assert run_now(source_id).status is RunStatus.UNCHANGED
    assert sources.get_source(WIZAMART, source_id).state["fr"].etag == '"v2"'

    typo = "https://feeds.letzshop.lu/wizamart/feed_fr_old.tsv"
    sources.update_source(WIZAMART, source_id, SourceChange(urls={"fr": typo}))
    state = sources.get_source(WIZAMART, source_id).state["fr"]
    assert state.etag is None and state.sha256 is None and state.profile is not None
    network.answers[typo] = [ok(letzshop_feed(1, "fr"))]
    held = run_now(source_id)  # a small feed at a mistyped URL is held, not archiving the catalogue
    assert held.status is RunStatus.HELD and held.archived == 0
    assert product("WZ-00004").status is ProductStatus.ACTIVE


def test_what_the_guards_call_a_web_page_and_a_changed_header() -> None:
    feed = letzshop_feed(1, "fr")
    assert guards.web_page(feed, "text/html; charset=utf-8") is None  # a script-made CSV feed
    assert guards.web_page(b"<!DOCTYPE html><p>login", None) == "a web page (HTML)"
    assert guards.web_page(b"\n<p>Error</p><body>", "text/html") == "a web page (HTML)"
    assert guards.web_page(b'<?xml version="1.0"?><rss/>', "application/xml") == "an XML document"
    base = FeedProfile(rows=4, columns=("id", "title", "price"), sha256="a")
    reordered = FeedProfile(rows=4, columns=("price", "id", "title"), sha256="b")
    assert guards.hold_reason("fr", reordered, base) is None
    renamed = FeedProfile(rows=4, columns=("id", "name", "price"), sha256="c")
    reason = guards.hold_reason("fr", renamed, base)
    assert reason is not None and "missing title; new name" in reason.english()
    assert reason.params == {"language": "fr", "missing": "title", "new": "name"}
    with_blank = FeedProfile(rows=4, columns=("id", "title", ""), sha256="d")  # a trailing tab's header
    reason = guards.hold_reason("fr", FeedProfile(rows=4, columns=("id", "title"), sha256="e"), with_blank)
    assert reason is not None and reason.text == messages.COLUMNS_MISSING, reason
