"""Readiness reports every dependency and is ready only when all of them answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orion.health.service import liveness, readiness
from tests.api_calls import intercepting_api_calls, service_of


class FakeProbe:
    def __init__(self, broken: set[str]) -> None:
        self.broken = broken

    def table(self, name: str) -> str | None:
        return "ResourceNotFoundException" if name in self.broken else None

    def bucket(self, name: str) -> str | None:
        return "404" if name in self.broken else None


def test_liveness_asks_nothing_outside_the_process() -> None:
    asked: list[str] = []
    # Every botocore request is recorded and answered here: nothing leaves the process either way.
    answers = {"DescribeTable": {"Table": {"TableStatus": "ACTIVE"}}, "HeadBucket": {}}

    def record(client: Any, operation: str, params: dict[str, Any], call: Callable[[], Any]) -> Any:
        asked.append(f"{service_of(client)}:{operation}")
        return answers[operation]

    with intercepting_api_calls(record):
        live = liveness()
        assert asked == []
        # The same interception sees readiness ask AWS: it would see liveness do so too.
        ready = readiness()

    assert live == {"status": "ok", "stage": "test"}
    assert ready.ready
    assert sorted(asked) == ["dynamodb:DescribeTable", *["s3:HeadBucket"] * 3]


def test_ready_when_table_and_every_bucket_answer() -> None:
    report = readiness(FakeProbe(set()))
    assert report.ready
    assert {c.name for c in report.checks} == {
        "table:main",
        "bucket:templates",
        "bucket:uploads",
        "bucket:reports",
    }


def test_one_missing_bucket_makes_it_not_ready_and_names_the_bucket() -> None:
    report = readiness(FakeProbe({"orion-uploads"}))
    assert not report.ready
    failed = [c for c in report.checks if not c.ok]
    assert [(c.name, c.reason) for c in failed] == [("bucket:uploads", "404")]
