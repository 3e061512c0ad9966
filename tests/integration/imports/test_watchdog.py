"""The imports watchdog: a job never stays PENDING or RUNNING past its deadline, a job that makes
progress is left alone, and where the imports module is off its task does not run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orion.data import keys
from orion.imports.models import ImportStatus
from orion.imports.repository import ImportJobItem, ImportRepository
from orion.imports.service import get_import_job, request_upload
from orion.imports.tasks import fail_stuck_jobs
from orion.modules.registry import optional_module_codes
from orion.modules.tasks import run_task
from orion.tenancy.models import Tier
from orion.tenancy.platforms import list_platforms, update_platform
from orion.tenancy.stores import change_tier
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")
CAFE = Tenant("loyalty", "cafe")
OMS = Tenant("oms")
HOUR = timedelta(hours=1)


@pytest.fixture
def stores(demo: list[str]) -> None:
    for tenant in (WIZAMART, CAFE):
        change_tier(Tenant(tenant.platform), tenant.require_store(), Tier.ENTERPRISE)


def new_job(tenant: Tenant = WIZAMART) -> str:
    return request_upload(tenant, "feed.tsv").job.id


def status(job_id: str, tenant: Tenant = WIZAMART) -> ImportStatus:
    return get_import_job(tenant, job_id).status


def test_a_job_whose_file_never_arrives_is_failed_after_its_upload_window(stores: None) -> None:
    job_id = new_job()
    created = get_import_job(WIZAMART, job_id).created_at
    assert fail_stuck_jobs(OMS, created + HOUR - timedelta(minutes=1)) == 0
    assert status(job_id) is ImportStatus.PENDING

    assert fail_stuck_jobs(OMS, created + HOUR + timedelta(minutes=1)) == 1

    job = get_import_job(WIZAMART, job_id)
    assert job.status is ImportStatus.FAILED
    assert job.message and "No file arrived within 60 minutes" in job.message
    assert fail_stuck_jobs(OMS, created + 5 * HOUR) == 0  # out of the open jobs for good


def test_a_running_job_without_progress_is_failed_and_one_with_progress_is_not(stores: None) -> None:
    repository = ImportRepository()
    stuck, busy = new_job(), new_job()
    for job_id in (stuck, busy):
        assert repository.claim_job(WIZAMART, job_id, f"execution-{job_id}")
    claimed = get_import_job(WIZAMART, busy).updated_at
    # the busy job reported a chunk 50 minutes after it started
    ImportJobItem(keys.import_job_pk("oms", "wizamart", busy), keys.IMPORT_JOB_SK).update(
        actions=[ImportJobItem.updated_at.set(claimed + timedelta(minutes=50))]
    )

    assert fail_stuck_jobs(OMS, claimed + HOUR + timedelta(minutes=1)) == 1

    assert status(stuck) is ImportStatus.FAILED
    assert "stopped making progress" in (get_import_job(WIZAMART, stuck).message or "")
    assert status(busy) is ImportStatus.RUNNING
    # its deadline moved to an hour after its last progress: nothing to do until then
    assert repository.overdue_jobs("oms", claimed + HOUR + timedelta(minutes=30), 10) == []
    assert fail_stuck_jobs(OMS, claimed + timedelta(minutes=111)) == 1
    assert status(busy) is ImportStatus.FAILED


def test_a_run_that_finishes_after_the_watchdog_cannot_undo_the_failure(stores: None) -> None:
    repository = ImportRepository()
    job_id = new_job()
    repository.claim_job(WIZAMART, job_id, "execution-1")
    fail_stuck_jobs(OMS, datetime.now(UTC) + 2 * HOUR)
    assert not repository.finish_job(WIZAMART, job_id, ImportStatus.COMPLETED, "done")
    assert status(job_id) is ImportStatus.FAILED


def test_finished_jobs_leave_the_watchdogs_partition(stores: None) -> None:
    repository = ImportRepository()
    job_id = new_job()
    created = get_import_job(WIZAMART, job_id).created_at
    repository.claim_job(WIZAMART, job_id, "execution-1")
    repository.finish_job(WIZAMART, job_id, ImportStatus.COMPLETED, "done")
    assert repository.overdue_jobs("oms", created + 10 * HOUR, 10) == []


def test_the_watchdog_does_not_run_where_imports_is_off(stores: None) -> None:
    # given imports switched off on loyalty, and a job left pending in each platform
    without_imports = sorted(optional_module_codes() - {"imports"})
    update_platform(
        Tenant("loyalty"), enabled_modules=without_imports, known_optional_modules=optional_module_codes()
    )
    ours, theirs = new_job(WIZAMART), new_job(CAFE)
    later = get_import_job(CAFE, theirs).created_at + 2 * HOUR

    run = run_task("imports.fail_stuck_jobs", list_platforms, later)

    assert run.skipped == ["loyalty"]
    assert run.handled == {"oms": 1}
    assert status(ours) is ImportStatus.FAILED
    assert status(theirs, CAFE) is ImportStatus.PENDING
