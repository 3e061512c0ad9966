"""Prepare claims a job only for the object its upload ticket was signed for: an object under another
store's, another job's or another file's key never claims (or imports into) the job it names."""

from __future__ import annotations

import pytest

from orion.imports.models import ImportStatus
from orion.imports.service import PrepareOutcome, get_import_job, prepare_import, request_upload
from orion.imports.storage import upload_key
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")


@pytest.mark.parametrize(
    "claimed",
    [
        "another store's job under its own key",
        "this store's other job",
        "another file under the job's prefix",
        "a key outside the uploads prefix",
    ],
)
def test_an_object_whose_key_is_not_the_jobs_is_refused_and_the_job_stays_pending(
    pipeline: None, claimed: str
) -> None:
    mine = request_upload(WIZAMART, "feed.csv")
    other = request_upload(WIZAMART, "other.csv")
    theirs = request_upload(BAKERY, "feed.csv")
    tenant, job_id, key = {
        "another store's job under its own key": (WIZAMART, mine.job.id, theirs.job.upload_key),
        "this store's other job": (WIZAMART, mine.job.id, other.job.upload_key),
        "another file under the job's prefix": (
            WIZAMART,
            mine.job.id,
            upload_key(WIZAMART, mine.job.id, "x.csv"),
        ),
        "a key outside the uploads prefix": (
            WIZAMART,
            mine.job.id,
            f"work/oms/wizamart/{mine.job.id}/feed.csv",
        ),
    }[claimed]

    result = prepare_import(tenant, job_id, key, "attacker-execution")

    assert result.outcome is PrepareOutcome.IGNORED
    assert get_import_job(WIZAMART, mine.job.id).status is ImportStatus.PENDING
    assert get_import_job(BAKERY, theirs.job.id).status is ImportStatus.PENDING


def test_a_tenant_that_is_not_the_keys_cannot_claim_through_it(pipeline: None) -> None:
    theirs = request_upload(BAKERY, "feed.csv")

    result = prepare_import(WIZAMART, theirs.job.id, theirs.job.upload_key, "attacker-execution")

    assert result.outcome is PrepareOutcome.IGNORED
    assert get_import_job(BAKERY, theirs.job.id).status is ImportStatus.PENDING
