"""Platform admins' bulk store import: per-row results, owners, and feeds fetched only from safe places."""

from __future__ import annotations

import csv
import io

import boto3
import pytest

from infra.wiring import LOCAL_REGION
from orion.imports.bulk_stores import BULK_HEADER, bulk_import_stores, check_feed_url
from orion.imports.errors import FeedRefused
from orion.imports.models import ImportStatus
from orion.outbox.service import list_messages
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant
from tests.feeds import letzshop_feed
from tests.integration.imports.conftest import Uploader
from tests.staff import call

OMS = Tenant("oms")


def bulk_csv(*rows: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=BULK_HEADER, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in BULK_HEADER})
    return buffer.getvalue().encode()


def vendor(subdomain: str, **extra: str) -> dict[str, str]:
    return {
        "vendor_name": f"Vendor {subdomain}",
        "subdomain": subdomain,
        "owner_name": "Olivia Owner",
        "owner_email": f"owner@{subdomain}.lu",
        "business_country": "LU",
        **extra,
    }


def never_fetch(url: str, max_bytes: int) -> bytes:
    raise AssertionError(f"fetched {url}")


def test_each_row_creates_a_store_with_its_owner_or_says_why_not(upload: Uploader) -> None:
    results = bulk_import_stores(
        OMS,
        bulk_csv(
            vendor("atelier", initial_password="a-long-initial-password"),
            vendor("fleurs"),
            vendor("broken", owner_email="not-an-email"),
            vendor("wizamart"),
            vendor("plain-http", letzshop_csv_url="http://letzshop.lu/feed.csv"),
            vendor("metadata", letzshop_csv_url="https://169.254.169.254/latest/meta-data/"),
        ),
        accept_url="http://{store}.oms.localhost/api/v1/team/invitations/accept",
        admin_id="admin-1",
        fetch=never_fetch,
    )

    outcome = {r.subdomain: (r.status, r.owner) for r in results}
    assert outcome == {
        "atelier": ("created", "created"),
        "fleurs": ("created", "invited"),
        "broken": ("failed", None),
        "wizamart": ("failed", None),
        "plain-http": ("failed", None),
        "metadata": ("failed", None),
    }
    messages = {r.subdomain: r.message for r in results}
    assert "owner_email" in messages["broken"]
    assert "already taken" in messages["wizamart"]
    assert messages["plain-http"] == "Feed URLs must use https."
    assert messages["metadata"] == "Feeds are only fetched from letzshop.lu."
    assert [r.row for r in results] == [2, 3, 4, 5, 6, 7]
    repository = TenancyRepository()
    assert repository.get_store("oms", "atelier") is not None
    assert repository.get_store("oms", "metadata") is None
    login = call(
        "POST",
        "/api/v1/auth/login",
        host="atelier.oms.localhost:8000",
        body={"email": "owner@atelier.lu", "password": "a-long-initial-password"},
    )
    assert login.status == 200, login.body
    (invitation,) = [m for m in list_messages(OMS) if m.kind == "invitation"]
    assert invitation.to == "owner@fleurs.lu"
    assert invitation.data["accept_url"].startswith(
        "http://fleurs.oms.localhost/api/v1/team/invitations/accept?"
    )


def test_a_feed_in_the_uploads_bucket_starts_the_new_store_s_import(upload: Uploader) -> None:
    boto3.client("s3", region_name=LOCAL_REGION).put_object(
        Bucket="orion-uploads", Key="bulk/oms/letzshop_fr.csv", Body=letzshop_feed(5, "fr", delimiter=",")
    )

    (result,) = bulk_import_stores(
        OMS,
        bulk_csv(
            vendor(
                "nospelt",
                initial_password="a-long-initial-password",
                letzshop_csv_url="s3://orion-uploads/bulk/oms/letzshop_fr.csv",
            )
        ),
        accept_url="http://api.oms.localhost/accept",
        admin_id="admin-1",
    )

    assert (result.status, result.message) == ("created", "")
    assert result.import_job_id
    job = upload.wait(Tenant("oms", "nospelt"), result.import_job_id)
    assert job.status is ImportStatus.COMPLETED
    assert job.counts.accepted == 5


@pytest.mark.parametrize(
    "url",
    [
        "http://letzshop.lu/feed.csv",
        "https://evil.example/feed.csv",
        "https://letzshop.lu.evil.example/feed.csv",
        "https://user:pw@letzshop.lu/feed.csv",
        "https://letzshop.lu:8443/feed.csv",
        "file:///etc/passwd",
        "s3://someone-elses-bucket/feed.csv",
        "s3://orion-uploads/",
    ],
)
def test_feed_urls_outside_the_allow_list_are_refused(url: str) -> None:
    with pytest.raises(FeedRefused):
        check_feed_url(url)


@pytest.mark.parametrize(
    "url", ["https://letzshop.lu/feeds/a.csv", "https://cdn.letzshop.lu/a.csv", "s3://orion-uploads/a.csv"]
)
def test_allow_listed_feed_urls_pass(url: str) -> None:
    check_feed_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "s3://orion-uploads/uploads/loyalty/cafe/JOB/feed.tsv",  # another platform's upload
        "s3://orion-uploads/a.csv",
        "s3://orion-uploads/uploads/oms/../loyalty/cafe/JOB/feed.tsv",
        "s3://orion-uploads/bulk/loyalty/feed.csv",
    ],
)
def test_an_s3_feed_must_be_one_of_the_admins_platform_uploads(url: str) -> None:
    with pytest.raises(FeedRefused):
        check_feed_url(url, platform="oms")
    check_feed_url("s3://orion-uploads/uploads/oms/wizamart/JOB/feed.tsv", platform="oms")
