"""Every Lambda handler of the wiring table wears the one decorator stack (functions/common/entry.py):
each invocation starts with a fresh logging context, runs in its own X-Ray segment and publishes its
metrics when it ends. A warm function must never log one request's tenant on the next."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from infra import wiring
from orion.observability import logger, metrics, tracer
from tests.events import FakeContext


class Tripped(Exception):
    """The handler looked at its event: its own work is not under test here."""


class TrippingEvent(dict[str, Any]):
    """An API Gateway-like event that stops the handler at its first look once ``armed`` (so no
    handler reaches AWS); the logger reads the correlation id from it before it is armed."""

    armed = False

    def _trip(self) -> None:
        if self.armed:
            raise Tripped

    def get(self, *args: Any) -> Any:
        self._trip()
        return super().get(*args)

    def __getitem__(self, key: str) -> Any:
        self._trip()
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._trip()
        return super().__contains__(key)


@dataclass
class Seen:
    """What a log line written inside an invocation would carry, and the segment it ran in."""

    keys: dict[str, Any]
    correlation_id: str | None
    segment: str


class Subsegment:
    def put_annotation(self, key: str, value: Any) -> None: ...

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...


def context(request_id: str) -> FakeContext:
    found = FakeContext()
    found.aws_request_id = request_id
    return found


@pytest.fixture(autouse=True)
def _clean_logger() -> Iterator[None]:
    yield
    logger.clear_state()


@pytest.mark.parametrize("fn", wiring.FUNCTIONS, ids=lambda fn: fn.name)
def test_each_invocation_gets_a_fresh_logging_context_a_segment_and_its_metrics_flushed(
    fn: wiring.Function, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = getattr(importlib.import_module(fn.module), fn.attribute)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    event = TrippingEvent(requestContext={"requestId": "gateway-request"})
    seen: list[Seen] = []

    @contextmanager
    def segment(name: str, **_: Any) -> Iterator[Subsegment]:
        """Runs where the handler's X-Ray segment opens, inside the logging context."""
        seen.append(Seen(dict(logger.get_current_keys()), logger.get_correlation_id(), name))
        # What the invocation then does: its tenant and job tag its log lines, it counts something.
        logger.append_keys(platform="oms", store="wizamart", job_id="01J0000000000000000000JOB0")
        logger.set_correlation_id("01J0000000000000000000JOB0")
        metrics.add_metric(name="ProbeInvocations", unit="Count", value=1)
        event.armed = True
        yield Subsegment()

    monkeypatch.setattr(tracer.provider, "in_subsegment", segment)
    logger.append_keys(platform="loyalty", store="cafe")  # left by an earlier invocation

    for request_id in ("first-invocation", "second-invocation"):
        event.armed = False
        with pytest.raises(Exception):  # noqa: PT011  the event trips, or a task refuses it
            handler(event, context(request_id))
        flushed = capsys.readouterr().out
        assert '"ProbeInvocations"' in flushed, "the invocation's metrics were not published"

    assert [s.segment for s in seen] == ["## handler", "## handler"]
    for invocation, request_id in zip(seen, ("first-invocation", "second-invocation"), strict=True):
        assert invocation.keys["function_request_id"] == request_id
        assert not {"platform", "store", "job_id"} & set(invocation.keys), invocation.keys
        expected = "gateway-request" if fn.routes else None  # tasks set their job's themselves
        assert invocation.correlation_id == expected
