"""Task failures: retried chunks count exactly once, and a job never stays RUNNING."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from orion.imports.models import ImportStatus
from orion.imports.repository import ImportRepository
from orion.imports.service import staged_products
from orion.settings import reset_settings
from tests.feeds import letzshop_feed
from tests.integration.imports.conftest import WIZAMART, Uploader


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Chunks of 100 rows, so a small file spreads over several Map items."""
    monkeypatch.setenv("ORION_IMPORT_CHUNK_RECORDS", "100")
    reset_settings()
    yield
    reset_settings()


def test_chunks_failing_once_are_retried_and_counted_exactly_once(
    upload: Uploader, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given chunks 2 and 4 fail once, after their rows were staged (the worst moment for duplicates)
    attempts: Counter[int] = Counter()
    record_chunk = ImportRepository.record_chunk

    def flaky(self: ImportRepository, tenant: Any, job_id: str, index: int, *args: Any) -> None:
        attempts[index] += 1
        if index in (2, 4) and attempts[index] == 1:
            raise ConnectionError("injected failure")
        record_chunk(self, tenant, job_id, index, *args)

    monkeypatch.setattr(ImportRepository, "record_chunk", flaky)

    # when a 450-row feed (5 chunks) is imported
    job = upload(letzshop_feed(450, "fr"), "feed_fr.tsv")

    # then the retries happened and the totals are exact: nothing lost, nothing twice
    assert attempts == {1: 1, 2: 2, 3: 1, 4: 2, 5: 1}
    assert job.status is ImportStatus.COMPLETED, job.message
    assert job.counts.model_dump() == {"rows": 450, "accepted": 450, "rejected": 0, "duplicates": 0}
    assert job.progress.chunks_done == job.progress.chunks_total == 5
    staged = staged_products(WIZAMART, job.id)
    assert len(staged) == 450
    assert len({p.external_id for p in staged}) == 450


def test_a_chunk_that_keeps_failing_fails_the_job(upload: Uploader, monkeypatch: pytest.MonkeyPatch) -> None:
    record_chunk = ImportRepository.record_chunk

    def broken(self: ImportRepository, tenant: Any, job_id: str, index: int, *args: Any) -> None:
        if index == 3:
            raise ConnectionError("injected failure")
        record_chunk(self, tenant, job_id, index, *args)

    monkeypatch.setattr(ImportRepository, "record_chunk", broken)

    job = upload(letzshop_feed(450, "fr"), "feed_fr.tsv")

    assert job.status is ImportStatus.FAILED
    assert job.message
    assert "could not be processed" in job.message


def test_a_prepare_that_keeps_failing_fails_the_job(
    upload: Uploader, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("injected failure")

    monkeypatch.setattr(ImportRepository, "record_prepared", broken)

    job = upload(letzshop_feed(10, "fr"), "feed_fr.tsv")

    assert job.status is ImportStatus.FAILED
    assert job.message
    assert job.message.startswith("The import stopped because of an internal error.")
