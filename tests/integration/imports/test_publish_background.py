"""Large publishes run in the background (the import-publish state machine, run by the local cloud):
progress on the job, one publish at a time, exact counts across retried pages, a failure ends the
publish FAILED, and another store can neither see nor publish the job."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from orion.catalog.service import list_products
from orion.data import keys
from orion.errors import Conflict, NotFound
from orion.imports import publish as publishing
from orion.imports.models import PUBLISH_STALLED, ImportJob, PublishState, PublishStatus, StagedStatus
from orion.imports.publish import FAILED_MESSAGE, PublishRequest, request_publish
from orion.imports.repository import ImportJobItem, ImportRepository
from orion.imports.service import get_import_job, staged_products
from orion.settings import get_settings, reset_settings
from tests.feeds import letzshop_feed
from tests.integration.imports.conftest import BAKERY, WIZAMART, Uploader, running_executions
from tests.integration.imports.test_publish import count_products, product_for
from tests.staff import BAKERY as BAKERY_HOST
from tests.staff import call, token_of


@pytest.fixture
def small_threshold(pipeline: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """More than 3 products publish in the background, 2 products a page (several pages, a loop)."""
    monkeypatch.setenv("ORION_IMPORT_PUBLISH_SYNC_MAX_PRODUCTS", "3")
    monkeypatch.setenv("ORION_IMPORT_PUBLISH_PAGE_SIZE", "2")
    reset_settings()
    yield
    reset_settings()


class StartRecorder:
    """Stands in for Step Functions when a test needs a publish that stays running."""

    def __init__(self) -> None:
        self.started: list[dict[str, Any]] = []

    def start_execution(self, **request: Any) -> dict[str, str]:
        self.started.append(request)
        return {"executionArn": "arn:test"}


def finished(upload: Uploader, job: ImportJob) -> PublishState:
    upload.wait(WIZAMART, job.id)
    state = get_import_job(WIZAMART, job.id).publish
    assert state is not None
    return state


pytestmark = pytest.mark.usefixtures("small_threshold")


def test_a_large_publish_runs_in_the_background_and_records_its_progress(upload: Uploader) -> None:
    job = upload(letzshop_feed(7, "fr"), "feed_fr.tsv")

    accepted = request_publish(WIZAMART, job.id, PublishRequest(all=True))

    assert isinstance(accepted, PublishState)
    assert (accepted.status, accepted.background, accepted.requested) == (PublishStatus.RUNNING, True, 7)
    state = finished(upload, job)
    assert state.id == accepted.id
    assert (state.status, state.published, state.failed, state.requested) == (
        PublishStatus.COMPLETED,
        7,
        0,
        7,
    )
    assert state.message == "7 products published."
    assert state.finished_at is not None
    assert count_products() == 7
    assert product_for("WZ-00007").translations["fr"].title == "Chaise en chêne n°7"  # type: ignore[attr-defined]
    assert staged_products(WIZAMART, job.id, StagedStatus.STAGED) == []
    assert running_executions() == 0


def test_a_large_selection_reports_the_ids_it_could_not_publish(upload: Uploader) -> None:
    job = upload(letzshop_feed(6, "fr"), "feed_fr.tsv")
    wanted = ["WZ-00001", "WZ-00003", "WZ-00004", "NOPE", "WZ-00006"]

    accepted = request_publish(WIZAMART, job.id, PublishRequest(external_ids=wanted))

    assert isinstance(accepted, PublishState) and accepted.requested == 5
    state = finished(upload, job)
    assert (state.status, state.published, state.failed) == (PublishStatus.COMPLETED, 4, 1)
    assert [(n.external_id, n.message) for n in state.failures] == [("NOPE", publishing.NOT_STAGED)]
    assert count_products() == 4


def test_a_second_publish_while_one_runs_is_refused(
    upload: Uploader, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")
    step_functions = StartRecorder()
    monkeypatch.setattr(publishing, "aws_client", lambda service: step_functions)

    first = request_publish(WIZAMART, job.id, PublishRequest(all=True))

    with pytest.raises(Conflict, match="already running"):
        request_publish(WIZAMART, job.id, PublishRequest(all=True))
    with pytest.raises(Conflict, match="already running"):  # a small one too: one publish at a time
        request_publish(WIZAMART, job.id, PublishRequest(external_ids=["WZ-00001"]))
    assert len(step_functions.started) == 1
    assert isinstance(first, PublishState)
    assert get_import_job(WIZAMART, job.id).publish == first


def test_a_publish_whose_worker_vanished_shows_failed_and_frees_the_job(
    upload: Uploader, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")
    monkeypatch.setattr(publishing, "aws_client", lambda service: StartRecorder())
    lost = request_publish(WIZAMART, job.id, PublishRequest(all=True))
    assert isinstance(lost, PublishState)
    assert lost.lease_seconds == get_settings().import_publish_lease_seconds
    later = lost.updated_at + timedelta(seconds=get_settings().import_publish_lease_seconds + 1)

    assert lost.seen_at(later - timedelta(seconds=2)).status is PublishStatus.RUNNING
    seen = lost.seen_at(later)
    assert seen.status is PublishStatus.FAILED
    assert seen.message == PUBLISH_STALLED
    monkeypatch.setattr(publishing, "_now", lambda: later)
    again = request_publish(WIZAMART, job.id, PublishRequest(external_ids=["WZ-00001"]))
    assert not isinstance(again, PublishState)
    assert again.created == ["WZ-00001"]


class RequestTimedOut(BaseException):
    """Lambda ending the API request at its timeout: nothing after it runs, no except clause sees it."""


def test_a_request_publish_cut_off_by_its_timeout_frees_the_job_within_its_short_lease(
    upload: Uploader, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = upload(letzshop_feed(3, "fr"), "feed_fr.tsv")

    def cut_off(*args: Any, **kwargs: Any) -> None:
        raise RequestTimedOut()

    with monkeypatch.context() as patch:
        patch.setattr(publishing, "save_product_by_external_id", cut_off)
        with pytest.raises(RequestTimedOut):
            request_publish(WIZAMART, job.id, PublishRequest(external_ids=["WZ-00001"]))
    stuck = get_import_job(WIZAMART, job.id).publish
    assert stuck is not None and stuck.status is PublishStatus.RUNNING and not stuck.background
    lease = get_settings().import_publish_sync_lease_seconds
    assert lease < get_settings().import_publish_lease_seconds

    monkeypatch.setattr(publishing, "_now", lambda: stuck.updated_at + timedelta(seconds=lease - 1))
    with pytest.raises(Conflict, match="already running"):  # still within its lease
        request_publish(WIZAMART, job.id, PublishRequest(external_ids=["WZ-00002"]))
    later = stuck.updated_at + timedelta(seconds=lease + 1)
    assert stuck.seen_at(later).status is PublishStatus.FAILED
    monkeypatch.setattr(publishing, "_now", lambda: later)
    again = request_publish(WIZAMART, job.id, PublishRequest(external_ids=["WZ-00002"]))
    assert not isinstance(again, PublishState)
    assert again.created == ["WZ-00002"]


def test_a_running_publish_recorded_without_a_lease_end_does_not_lock_the_job(
    upload: Uploader, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = upload(letzshop_feed(3, "fr"), "feed_fr.tsv")
    monkeypatch.setattr(publishing, "aws_client", lambda service: StartRecorder())
    request_publish(WIZAMART, job.id, PublishRequest(all=True))
    item = ImportJobItem.get(keys.import_job_pk("oms", "wizamart", job.id), keys.IMPORT_JOB_SK)
    item.update(actions=[ImportJobItem.publish_lease_until.remove()])  # as written before leases ended
    again = request_publish(WIZAMART, job.id, PublishRequest(external_ids=["WZ-00001"]))
    assert not isinstance(again, PublishState)
    assert (again.created + again.updated, again.failed) == (["WZ-00001"], []), again


def test_a_background_publish_that_keeps_failing_ends_failed(
    upload: Uploader, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("injected: the table is unreachable")

    original = ImportRepository.mark_published
    monkeypatch.setattr(ImportRepository, "mark_published", broken)
    request_publish(WIZAMART, job.id, PublishRequest(all=True))

    state = finished(upload, job)
    assert (state.status, state.message) == (PublishStatus.FAILED, FAILED_MESSAGE)
    assert state.finished_at is not None
    monkeypatch.setattr(ImportRepository, "mark_published", original)
    request_publish(WIZAMART, job.id, PublishRequest(all=True))  # the job is free again
    assert finished(upload, job).status is PublishStatus.COMPLETED
    assert count_products() == 5


def test_a_page_retried_after_a_failure_is_counted_once(
    upload: Uploader, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = upload(letzshop_feed(7, "fr"), "feed_fr.tsv")
    original = ImportRepository.mark_published
    calls = {"n": 0}

    def fails_on_the_second_page(self: ImportRepository, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("injected: one failure")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ImportRepository, "mark_published", fails_on_the_second_page)
    request_publish(WIZAMART, job.id, PublishRequest(all=True))

    state = finished(upload, job)
    assert (state.status, state.published, state.failed) == (PublishStatus.COMPLETED, 7, 0)
    assert calls["n"] == 5  # 4 pages of 2, the second one twice
    assert count_products() == 7


def test_another_store_neither_sees_nor_publishes_the_job(upload: Uploader) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")

    with pytest.raises(NotFound):
        request_publish(BAKERY, job.id, PublishRequest(all=True))
    with pytest.raises(NotFound):
        get_import_job(BAKERY, job.id)
    request_publish(WIZAMART, job.id, PublishRequest(all=True))
    bakery = token_of("bakery-owner")
    assert call("GET", f"/api/v1/imports/{job.id}", host=BAKERY_HOST, token=bakery).status == 404
    refused = call(
        "POST", f"/api/v1/imports/{job.id}/publish", host=BAKERY_HOST, token=bakery, body={"all": True}
    )
    assert refused.status == 404

    assert finished(upload, job).status is PublishStatus.COMPLETED
    assert count_products() == 5
    assert list_products(BAKERY, include_unpublished=True).items == []


def test_the_api_answers_202_and_shows_the_progress_on_the_job(upload: Uploader) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")
    owner = token_of("wizamart-owner")

    accepted = call("POST", f"/api/v1/imports/{job.id}/publish", token=owner, body={"all": True})

    assert accepted.status == 202, accepted.body
    assert accepted.headers["location"] == f"/api/v1/imports/{job.id}"
    body = accepted.json()
    assert (body["status"], body["background"], body["requested"], body["published"]) == (
        "running",
        True,
        5,
        0,
    )
    upload.wait(WIZAMART, job.id)
    seen = call("GET", f"/api/v1/imports/{job.id}", token=owner).json()["publish"]
    assert (seen["id"], seen["status"], seen["published"], seen["failed"]) == (body["id"], "completed", 5, 0)
    small = call(
        "POST", f"/api/v1/imports/{job.id}/publish", token=owner, body={"external_ids": ["WZ-00002"]}
    )
    assert small.status == 200
    assert small.json() == {"created": [], "updated": ["WZ-00002"], "failed": []}


def test_the_api_refuses_a_publish_while_one_runs(upload: Uploader, monkeypatch: pytest.MonkeyPatch) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")
    monkeypatch.setattr(publishing, "aws_client", lambda service: StartRecorder())
    owner = token_of("wizamart-owner")
    assert call("POST", f"/api/v1/imports/{job.id}/publish", token=owner, body={"all": True}).status == 202

    refused = call("POST", f"/api/v1/imports/{job.id}/publish", token=owner, body={"all": True})

    assert refused.status == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "already running" in refused.json()["detail"]
