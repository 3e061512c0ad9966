"""A saved source's files in the uploads bucket (docs/imports.md, Saved sources: the ids it keeps): a
run's are tagged to expire after 90 days, and deleting the source deletes them all, never another
source's or another store's, and never fails the request when S3 does. Fixtures and helpers are
test_sources.py's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.wiring import LOCAL_REGION, bucket
from orion.errors import NotFound
from orion.imports.sources import service as sources
from orion.imports.storage import ImportFiles, source_prefix
from tests.api_calls import intercepting_api_calls, service_of
from tests.feeds import letzshop_feed
from tests.integration.imports.conftest import BAKERY, WIZAMART
from tests.integration.imports.test_sources import FakeNetwork, make, network, ok, run_now
from tests.staff import call, token_of

__all__ = ["network"]  # the fixture, used by name

UPLOADS = bucket("uploads").local_name


def files_under(prefix: str) -> dict[str, dict[str, str]]:
    """Each object under ``prefix`` with its tags."""
    s3 = boto3.client("s3", region_name=LOCAL_REGION)
    found = s3.list_objects_v2(Bucket=UPLOADS, Prefix=prefix).get("Contents", [])
    return {
        entry["Key"][len(prefix) :]: {
            tag["Key"]: tag["Value"]
            for tag in s3.get_object_tagging(Bucket=UPLOADS, Key=entry["Key"])["TagSet"]
        }
        for entry in found
    }


def test_a_runs_files_expire_and_deleting_the_source_deletes_its_files_and_no_others(
    network: FakeNetwork,
) -> None:
    network.answers["https://feeds.letzshop.lu/wizamart/feed_fr.tsv"] = [ok(letzshop_feed(3, "fr"))]
    source_id = make(publish="new", missing="archive")
    run = run_now(source_id)
    mine = source_prefix(WIZAMART, source_id)
    other_source = make()  # never run: its files are written here as a run would
    theirs = source_prefix(WIZAMART, other_source)
    bakery = source_prefix(BAKERY, source_id)  # the same source id under another store
    for prefix in (theirs, bakery):
        ImportFiles().put_source_ids(f"{prefix}known.txt", ["WZ-00001"])
        ImportFiles().put_source_ids(f"{prefix}runs/{run.id}/fr.txt", ["WZ-00001"])

    expiring = {"orion-expiry": "90d"}
    assert files_under(mine) == {
        "known.txt": {},
        "present-fr.txt": {},
        f"runs/{run.id}/fr.txt": expiring,
        f"runs/{run.id}/publish.txt": expiring,
    }

    deleted = call("DELETE", f"/api/v1/imports/sources/{source_id}", token=token_of("wizamart-owner"))

    assert deleted.status == 204
    assert files_under(mine) == {}
    assert files_under(theirs) == files_under(bakery) == {"known.txt": {}, f"runs/{run.id}/fr.txt": expiring}


Interceptor = Callable[[Any, str, dict[str, Any], Callable[[], Any]], Any]


def s3_failing(operation: str, *, refusing: bool = False) -> Interceptor:
    """S3 answering ``operation`` with an error (a throttled request), or, ``refusing``, a DeleteObjects
    that deletes nothing and names each key with its error (as S3 does for keys it may not delete)."""

    def answer(client: Any, name: str, params: dict[str, Any], go: Callable[[], Any]) -> Any:
        if service_of(client) != "s3" or name != operation:
            return go()
        if refusing:
            keys = [entry["Key"] for entry in params["Delete"]["Objects"]]
            return {
                "Errors": [{"Key": key, "Code": "AccessDenied", "Message": "Access Denied"} for key in keys]
            }
        raise ClientError(
            {"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."}}, name
        )

    return answer


@pytest.mark.parametrize(
    "s3",
    [s3_failing("ListObjectsV2"), s3_failing("DeleteObjects"), s3_failing("DeleteObjects", refusing=True)],
    ids=["list-fails", "delete-fails", "delete-refused"],
)
def test_a_source_is_deleted_even_when_s3_cannot_delete_its_files(
    network: FakeNetwork, s3: Interceptor, caplog: pytest.LogCaptureFixture
) -> None:
    source_id = make()
    prefix = source_prefix(WIZAMART, source_id)
    ImportFiles().put_source_ids(f"{prefix}known.txt", ["WZ-00001"])
    owner = token_of("wizamart-owner")

    with intercepting_api_calls(s3):
        deleted = call("DELETE", f"/api/v1/imports/sources/{source_id}", token=owner)

    assert deleted.status == 204
    assert call("GET", f"/api/v1/imports/sources/{source_id}", token=owner).status == 404
    assert set(files_under(prefix)) == {"known.txt"}  # left behind, and said so in the log
    (logged,) = [r for r in caplog.records if r.getMessage() == "saved source deleted, its files not"]
    assert getattr(logged, "prefix", None) == prefix
    with pytest.raises(NotFound):
        sources.delete_source(WIZAMART, source_id)  # gone for good: a second delete is a 404
