"""``/api/v1/admin/imports``: a platform admin sees every store's import jobs (stuck ones first, filtered
by status, store and age, a page at a time), never another platform's, and runs a failed one again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from orion.data import keys
from orion.imports.models import ImportJob, ImportStatus
from orion.imports.repository import ImportJobItem, ImportRepository
from orion.imports.service import get_import_job, list_import_jobs, request_upload
from orion.settings import get_settings
from orion.tenant import Tenant
from tests.integration.admin.test_admin_api import admin

pytestmark = pytest.mark.usefixtures("demo")

WIZAMART = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")
CAFE = Tenant("loyalty", "cafe")


def uploaded_job(tenant: Tenant, name: str = "feed.csv") -> ImportJob:
    job = request_upload(tenant, name).job
    boto3.client("s3").put_object(
        Bucket=get_settings().uploads_bucket, Key=job.upload_key, Body=b"id,title\n1,Mug\n"
    )
    return job


def ended(tenant: Tenant, status: ImportStatus, name: str = "feed.csv") -> ImportJob:
    job = uploaded_job(tenant, name)
    assert ImportRepository().finish_job(tenant, job.id, status, "ended by the test")
    return job


def silent_for(tenant: Tenant, job: ImportJob, hours: int) -> None:
    """The job was created and last moved ``hours`` ago (a stuck one for the admin's listing)."""
    past = datetime.now(UTC) - timedelta(hours=hours)
    ImportJobItem(
        keys.import_job_pk(tenant.platform, tenant.require_store(), job.id), keys.IMPORT_JOB_SK
    ).update(actions=[ImportJobItem.created_at.set(past), ImportJobItem.updated_at.set(past)])


def listed(query: str = "", platform: str = "oms") -> list[dict[str, object]]:
    response = admin("GET", "/imports", query=query, platform=platform)
    assert response.status == 200, response.body
    jobs: list[dict[str, object]] = response.json()["jobs"]
    return jobs


def test_admin_lists_every_stores_imports_stuck_first_filtered_and_paged() -> None:
    waiting = request_upload(WIZAMART, "fresh.csv").job
    stuck = uploaded_job(BAKERY, "stuck.csv")
    assert ImportRepository().claim_job(BAKERY, stuck.id, "execution-1")
    silent_for(BAKERY, stuck, hours=2)
    failed_wiz = ended(WIZAMART, ImportStatus.FAILED)
    failed_bakery = ended(BAKERY, ImportStatus.FAILED)
    completed = ended(WIZAMART, ImportStatus.COMPLETED)
    elsewhere = ended(CAFE, ImportStatus.FAILED)
    mine = {waiting.id, stuck.id, failed_wiz.id, failed_bakery.id, completed.id}

    everything = listed()
    order = [job["id"] for job in everything if job["id"] in mine]
    # stuck first, then the other unfinished, then failures (newest first), then completed
    assert order == [stuck.id, waiting.id, failed_bakery.id, failed_wiz.id, completed.id]
    first = everything[0]
    assert first["id"] == stuck.id and first["stuck"] is True and first["store"] == "bakery"
    assert first["status"] == "RUNNING" and {"created_at", "updated_at", "file_name"} <= first.keys()
    assert not any(job["stuck"] for job in everything if job["id"] != stuck.id)
    assert elsewhere.id not in {job["id"] for job in everything}  # loyalty's cafe: another platform

    failed_only = {job["id"] for job in listed("status=FAILED")}
    assert {failed_wiz.id, failed_bakery.id} <= failed_only and not failed_only & {waiting.id, completed.id}
    bakery_only = listed("store=bakery")
    assert {job["store"] for job in bakery_only} == {"bakery"}
    assert [job["id"] for job in bakery_only if job["id"] in mine] == [stuck.id, failed_bakery.id]
    assert [job["id"] for job in listed("store=wizamart&status=COMPLETED")] == [completed.id]
    old = [job["id"] for job in listed("older_than_hours=1")]
    assert stuck.id in old and not set(old) & {waiting.id, failed_wiz.id, failed_bakery.id, completed.id}

    # a page at a time: the same jobs in the same order, none twice
    paged: list[object] = []
    cursor = ""
    for _ in range(50):
        page = admin("GET", "/imports", query=f"limit=2{cursor}").json()
        paged += [job["id"] for job in page["jobs"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert paged == [job["id"] for job in everything]

    # the other platform's admin sees its own store's job only
    theirs = {job["id"] for job in listed(platform="loyalty")}
    assert elsewhere.id in theirs and not theirs & mine
    assert admin("GET", "/imports", query="store=bakery", platform="loyalty").status == 404

    bad = admin("GET", "/imports", query="cursor=not-a-cursor")
    assert bad.status == 400 and bad.headers["content-type"] == "application/problem+json"
    assert admin("GET", "/imports", query="status=LOST").status == 422


def test_admin_runs_a_failed_import_again_and_nothing_else() -> None:
    failed = ended(WIZAMART, ImportStatus.FAILED, "catalogue.csv")
    completed = ended(WIZAMART, ImportStatus.COMPLETED)
    theirs = ended(CAFE, ImportStatus.FAILED)

    rerun = admin("POST", f"/imports/wizamart/{failed.id}/rerun")
    assert rerun.status == 201, rerun.body
    again = rerun.json()
    assert again["id"] != failed.id and again["status"] == "PENDING" and again["file_name"] == "catalogue.csv"
    assert list_import_jobs(WIZAMART, 1)[0].id == again["id"]
    assert get_import_job(WIZAMART, failed.id).status is ImportStatus.FAILED  # the old run stays as it ended
    twice = admin("POST", f"/imports/wizamart/{failed.id}/rerun")  # a second click starts nothing more
    assert twice.status == 409 and again["id"] in twice.json()["detail"]
    assert list_import_jobs(WIZAMART, 1)[0].id == again["id"]
    listed = admin("GET", "/imports", query="store=wizamart&status=FAILED").json()["jobs"]
    assert next(job for job in listed if job["id"] == failed.id)["rerun_as"] == again["id"]
    entries = admin("GET", "/audit", query="store=wizamart").json()["entries"]
    assert any(e["action"] == "import.rerun" and e["target"] == f"import:{failed.id}" for e in entries)

    not_failed = admin("POST", f"/imports/wizamart/{completed.id}/rerun")
    assert not_failed.status == 409 and not_failed.headers["content-type"] == "application/problem+json"
    assert admin("POST", "/imports/wizamart/01AAAAAAAAAAAAAAAAAAAAAAAA/rerun").status == 404
    assert admin("POST", f"/imports/bakery/{failed.id}/rerun").status == 404  # another store's job
    assert admin("POST", f"/imports/cafe/{theirs.id}/rerun").status == 404  # another platform's store
    assert get_import_job(CAFE, theirs.id).status is ImportStatus.FAILED
