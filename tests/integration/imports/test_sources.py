"""Saved catalogue sources (docs/imports.md, Saved sources): the staff API, the scheduled task, runs
through the runner's queue with a fake network, the guards, the policies and the pause."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from infra.local import invoke
from infra.local.queues import sqs_event
from infra.wiring import LOCAL_REGION, function, local_queue_url, queue
from orion.catalog.models import ProductStatus
from orion.catalog.products.repository import ProductRepository
from orion.imports.errors import FeedUnavailable
from orion.imports.sources import service as sources
from orion.imports.sources.fetch import FeedAnswer, FeedRequest
from orion.imports.sources.models import RunStatus, SourceInput
from orion.outbox.service import list_messages
from orion.settings import reset_settings
from tests.api_calls import intercepting_api_calls
from tests.feeds import feed_rows, letzshop_feed
from tests.integration.imports.conftest import WIZAMART, Uploader, running_executions
from tests.staff import BAKERY, call, token_of

FR = "https://feeds.letzshop.lu/wizamart/feed_fr.tsv"
Q = queue("import-source-runs")


@dataclass
class FakeNetwork:
    """Answers per URL, in order (the last one repeats); logs every request."""

    answers: dict[str, list[FeedAnswer | Exception]] = field(default_factory=dict)
    requests: list[FeedRequest] = field(default_factory=list)

    def get(self, request: FeedRequest, *, max_bytes: int, deadline_seconds: float) -> FeedAnswer:
        self.requests.append(request)
        queue_ = self.answers[request.url]
        answer = queue_.pop(0) if len(queue_) > 1 else queue_[0]
        if isinstance(answer, Exception):
            raise answer
        etag = request.headers.get("If-None-Match")
        if answer.status == 200 and etag and etag == answer.headers.get("etag"):
            return FeedAnswer(304, {})
        return answer


def ok(body: bytes, etag: str | None = None) -> FeedAnswer:
    return FeedAnswer(200, {"etag": etag} if etag else {}, body)


@pytest.fixture
def network(upload: Uploader, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNetwork]:
    monkeypatch.setenv("ORION_IMPORT_FETCH_ALLOWED_HOSTS", '["letzshop.lu"]')
    monkeypatch.setenv("ORION_IMPORT_SOURCE_RETRY_BASE_SECONDS", "0")
    reset_settings()
    fake = FakeNetwork()
    with sources.use_transport(fake):
        yield fake


def drain() -> int:
    """Run the runner's handler on every queued message (as Lambda's SQS mapping would)."""
    sqs = boto3.client("sqs", region_name=LOCAL_REGION)
    handled = 0
    while True:
        got = sqs.receive_message(QueueUrl=local_queue_url(Q), MaxNumberOfMessages=10, AttributeNames=["All"])
        messages = got.get("Messages", [])
        if not messages:
            if not running_executions():
                return handled
            time.sleep(0.01)  # the run's import jobs; their Finalize queues the run's finish
            continue
        for message in messages:
            invoke.invoke(function("import_source_runner"), sqs_event(Q, [message]))
            sqs.delete_message(QueueUrl=local_queue_url(Q), ReceiptHandle=message["ReceiptHandle"])
            handled += 1


def make(**settings: Any) -> str:
    data = SourceInput.model_validate({"name": "Letzshop", "urls": {"fr": FR}, **settings})
    return sources.create_source(WIZAMART, data).id


def run_now(source_id: str) -> Any:
    sources.request_run(WIZAMART, source_id)
    deadline = time.monotonic() + 30
    while True:  # the upload's execution starts a moment after the runner wrote the file
        drain()
        run = sources.list_runs(WIZAMART, source_id)[0]
        if run.status.is_final or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def product(external_id: str) -> Any:
    repo = ProductRepository()
    product_id = repo.product_id_for_external_id(WIZAMART, external_id)
    return repo.get(WIZAMART, product_id, consistent=True) if product_id else None


def test_crud_permissions_and_validation(network: FakeNetwork) -> None:
    owner, editor = token_of("wizamart-owner"), token_of("wizamart-editor")
    body = {"name": "Letzshop", "urls": {"fr": FR}, "schedule": "daily", "publish": "new"}
    created = call("POST", "/api/v1/imports/sources", token=owner, body=body)
    assert created.status == 201, created.body
    source = created.json()["source"]
    assert (source["status"], source["missing"], source["format"]) == ("active", "keep", "auto")
    path = f"/api/v1/imports/sources/{source['id']}"

    bad = call(
        "POST", "/api/v1/imports/sources", token=owner, body={**body, "urls": {"fr": "http://letzshop.lu/f"}}
    )
    assert bad.status == 422 and "urls.fr" in bad.text
    other_host = call(
        "POST",
        "/api/v1/imports/sources",
        token=owner,
        body={**body, "urls": {"de": "https://evil.example/f"}},
    )
    assert other_host.status == 422 and "urls.de" in other_host.text
    assert call("POST", "/api/v1/imports/sources", token=owner, body={**body, "extra": 1}).status == 422
    assert call("POST", "/api/v1/imports/sources", token=editor, body=body).status == 403

    assert [s["id"] for s in call("GET", "/api/v1/imports/sources", token=owner).json()["sources"]] == [
        source["id"]
    ]
    paused = call("PATCH", path, token=owner, body={"status": "paused", "schedule": "daily"})
    assert paused.status == 200 and paused.json()["source"]["next_run_at"] is None
    assert paused.json()["source"]["paused_reason"] == "Paused by staff."
    bakery = token_of("bakery-owner", BAKERY)
    assert call("GET", path, host=BAKERY, token=bakery).status == 404
    queued = call("POST", f"{path}/run", token=owner)
    assert queued.status == 202 and queued.json()["run"]["status"] == "queued"
    assert call("DELETE", path, token=owner).status == 204
    assert call("GET", path, token=owner).status == 404


def test_the_scheduled_task_queues_only_due_sources(network: FakeNetwork) -> None:
    due = make(schedule="daily")
    make(schedule="manual")
    now = datetime.now(UTC) + timedelta(seconds=1)
    assert sources.run_due_sources(WIZAMART, now) == 1
    assert sources.get_source(WIZAMART, due).next_run_at == now + timedelta(hours=24)
    assert sources.run_due_sources(WIZAMART, now) == 0  # moved on
    assert [r.trigger.value for r in sources.list_runs(WIZAMART, due)] == ["scheduled"]


def test_an_unchanged_feed_costs_one_request_and_writes_only_the_sources_bookkeeping(
    network: FakeNetwork,
) -> None:
    network.answers[FR] = [ok(letzshop_feed(3, "fr"), etag='"v1"')]
    source_id = make(schedule="daily")
    first = run_now(source_id)
    assert first.status is RunStatus.STAGED, first.message
    assert len(first.job_ids) == 1

    writes: list[tuple[str, str, str]] = []

    def record(client: Any, operation: str, params: dict[str, Any], go: Any) -> Any:
        service = client.meta.service_model.service_name
        if operation in (
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "BatchWriteItem",
            "TransactWriteItems",
            "PutObject",
            "CopyObject",
        ):
            key = params.get("Key") or params.get("Item") or {}
            writes.append((service, operation, str(key.get("PK", key) if isinstance(key, dict) else key)))
        return go()

    sources.run_due_sources(WIZAMART, datetime.now(UTC) + timedelta(hours=2))
    network.requests.clear()
    with intercepting_api_calls(record):
        drain()
    assert len(network.requests) == 1 and network.requests[0].headers["If-None-Match"] == '"v1"'
    run = sources.list_runs(WIZAMART, source_id)[0]
    assert run.status is RunStatus.UNCHANGED and run.job_ids == {}
    assert writes and all(service == "dynamodb" and "IMPORTSOURCE" in pk for service, _, pk in writes), writes
    # one write of the source item itself (last checked, last run); the others are the run's own item
    assert len([w for w in writes if "#IMPORTSOURCES'" in w[2]]) == 1


def test_policies_archive_and_overrides_through_source_runs(network: FakeNetwork) -> None:
    network.answers[FR] = [ok(letzshop_feed(4, "fr"))]
    source_id = make(publish="all", missing="archive")
    run = run_now(source_id)
    assert run.status is RunStatus.PUBLISHED, run.message
    assert product("WZ-00004").source_id == source_id
    # Staff override the title of WZ-00002; another source's product is never archived by this one.
    owner = token_of("wizamart-owner")
    chair = product("WZ-00002")
    body = {
        k: v
        for k, v in call("GET", f"/api/v1/products/{chair.id}", token=owner).json().items()
        if k
        in (
            "title",
            "description",
            "status",
            "images",
            "translations",
            "variants",
            "brand",
            "gtin",
            "handle",
            "categories",
            "featured",
        )
    }
    body["title"] = "Our chair"
    assert call("PUT", f"/api/v1/products/{chair.id}", token=owner, body=body).status == 200

    # The feed loses WZ-00004: archived under "archive"; the override survives the re-import.
    network.answers[FR] = [ok(letzshop_feed(3, "fr"))]
    second = run_now(source_id)
    assert second.status is RunStatus.PUBLISHED and second.archived == 1, second.message
    assert product("WZ-00004").status is ProductStatus.ARCHIVED
    assert product("WZ-00002").title == "Our chair"

    # "new" publishes only products the store lacks; "keep" never archives.
    keeper = make(publish="new", missing="keep")
    network.answers[FR] = [ok(letzshop_feed(1, "fr", extra_rows=feed_rows(2, "fr", start=5)))]
    assert run_now(keeper).status is RunStatus.PUBLISHED
    assert product("WZ-00005").source_id == keeper
    assert product("WZ-00001").source_id == source_id  # not taken over: it was not new


def test_guards_hold_the_run_whatever_the_policy_until_staff_accept_the_feed(network: FakeNetwork) -> None:
    network.answers[FR] = [ok(letzshop_feed(6, "fr"))]
    source_id = make(publish="all")
    assert run_now(source_id).status is RunStatus.PUBLISHED
    network.answers[FR] = [ok(letzshop_feed(2, "fr"))]
    held = run_now(source_id)
    assert held.status is RunStatus.HELD and "shrank from 6 to 2" in (held.message or "")

    def renamed(count: int) -> bytes:  # "condition" is now "etat": the same rows, other columns
        return letzshop_feed(count, "fr").replace(b"\tcondition\t", b"\tetat\t", 1)

    network.answers[FR] = [ok(renamed(7))]
    held = run_now(source_id)
    assert held.status is RunStatus.HELD, held.message
    assert "columns changed (missing condition; new etat)" in (held.message or "")
    assert product("WZ-00007") is None  # staged only, whatever the policy
    last = sources.get_source(WIZAMART, source_id).last_run
    assert last is not None and last.status is RunStatus.HELD and last.message == held.message

    # Accepting takes the last held feed as the baseline: the next feed is compared with it.
    path = f"/api/v1/imports/sources/{source_id}"
    accepted = call("PATCH", path, token=token_of("wizamart-owner"), body={"accept_feeds": True})
    assert accepted.status == 200, accepted.body
    network.answers[FR] = [ok(renamed(8))]
    after = run_now(source_id)
    assert after.status is RunStatus.PUBLISHED, after.message
    assert product("WZ-00008") is not None

    network.answers[FR] = [FeedAnswer(200, {"content-type": "text/html"}, b"<!doctype html><p>login")]
    html = run_now(source_id)
    assert html.status is RunStatus.FAILED and "HTML" in (html.message or "") and html.job_ids == {}


def test_retries_failures_and_the_pause(network: FakeNetwork) -> None:
    network.answers[FR] = [FeedAnswer(503, {}), ok(letzshop_feed(2, "fr"))]
    source_id = make()
    assert run_now(source_id).status is RunStatus.STAGED
    assert len(network.requests) == 2

    network.answers[FR] = [FeedUnavailable("feeds.letzshop.lu did not answer in time.")]
    for _ in range(3):
        failed = run_now(source_id)
        assert failed.status is RunStatus.FAILED and "tried 3 times" in (failed.message or "")
    source = sources.get_source(WIZAMART, source_id)
    assert source.status.value == "paused" and source.next_run_at is None
    assert "did not answer in time" in (source.paused_reason or "")
    mails = [m for m in list_messages(WIZAMART) if m.kind == "import_source_paused"]
    assert len(mails) == 1 and "Letzshop" in mails[0].subject
