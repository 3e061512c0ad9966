"""The local cloud's S3 refuses a presigned POST as S3 does (infra/local/post_policy.py, installed by the
local cloud's bridges): the import tickets the staff API hands out, posted with ``requests`` as a
browser would, to moto with the bridges installed."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
import requests
from moto import mock_aws

from infra.local.cloud import install_bridges
from infra.wiring import LOCAL_REGION
from orion import runtime
from orion.imports.models import ImportStatus
from orion.imports.service import UploadTicket, get_import_job, request_upload
from orion.tenant import Tenant
from tests.feeds import letzshop_feed
from tests.integration.imports.conftest import Uploader, seed_tenants_and_staff
from tests.integration.moto_state import AccountStates

WIZAMART = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")


@pytest.fixture
def cloud(account_states: AccountStates) -> Iterator[None]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        install_bridges()
        account_states.restore_or_build("pipeline", seed_tenants_and_staff)
        runtime.reset()
        yield


def post(ticket: UploadTicket, content: bytes, **changed: str) -> requests.Response:
    """The browser's form POST: the ticket's fields (some changed), the file last."""
    fields = {**ticket.fields, **changed}
    return requests.post(ticket.url, data=fields, files={"file": ("feed.tsv", content)}, timeout=30)


def stored_keys() -> list[str]:
    listed = boto3.client("s3", region_name=LOCAL_REGION).list_objects_v2(Bucket="orion-uploads")
    return [entry["Key"] for entry in listed.get("Contents", [])]


def test_a_ticket_with_its_key_rewritten_to_another_stores_pending_job_is_refused(cloud: None) -> None:
    mine = request_upload(WIZAMART, "feed.tsv")
    theirs = request_upload(BAKERY, "feed.tsv")

    answer = post(mine, letzshop_feed(3), key=theirs.job.upload_key)

    assert answer.status_code == 403
    assert "<Code>AccessDenied</Code>" in answer.text
    assert theirs.job.upload_key not in stored_keys()
    assert get_import_job(BAKERY, theirs.job.id).status is ImportStatus.PENDING


def test_an_empty_upload_is_refused_as_too_small(cloud: None) -> None:
    ticket = request_upload(WIZAMART, "feed.tsv")

    answer = post(ticket, b"")

    assert answer.status_code == 400
    assert "<Code>EntityTooSmall</Code>" in answer.text
    assert ticket.job.upload_key not in stored_keys()
    assert get_import_job(WIZAMART, ticket.job.id).status is ImportStatus.PENDING


def test_an_untouched_ticket_uploads_and_the_import_runs(cloud: None) -> None:
    ticket = request_upload(WIZAMART, "feed.tsv")

    answer = post(ticket, letzshop_feed(3))

    assert answer.status_code == 204, answer.text
    job = Uploader().wait(WIZAMART, ticket.job.id)
    assert job.status is ImportStatus.COMPLETED
    assert job.counts.accepted == 3
