"""The presigned POST: limited to the job's key, a size range and one content type.

moto accepts any POST to the bucket, so what S3 would enforce is checked in the policy we sign."""

from __future__ import annotations

import base64
import json

import pytest

from orion.errors import Invalid, NotFound
from orion.imports.models import ImportFormat, ImportStatus
from orion.imports.service import get_import_job, request_upload
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")


@pytest.fixture
def tenants(demo: list[str]) -> None:
    return None


def test_the_upload_policy_pins_key_size_and_content_type(tenants: None) -> None:
    ticket = request_upload(WIZAMART, "../../Letzshop Feed (fr).tsv", ImportFormat.LETZSHOP, "fr")

    policy = json.loads(base64.b64decode(ticket.fields["policy"]))
    conditions = policy["conditions"]
    key = f"uploads/oms/wizamart/{ticket.job.id}/Letzshop-Feed-fr-.tsv"
    assert ticket.fields["key"] == ticket.job.upload_key == key
    assert {"key": key} in conditions
    assert {"bucket": "orion-uploads"} in conditions
    assert ["content-length-range", 1, 200 * 1024 * 1024] in conditions
    assert {"Content-Type": "text/tab-separated-values"} in conditions
    assert ticket.fields["Content-Type"] == "text/tab-separated-values"
    assert "expiration" in policy
    assert not any("starts-with" in str(c) for c in conditions)


def test_a_new_job_is_pending_until_its_file_arrives(tenants: None) -> None:
    ticket = request_upload(WIZAMART, "feed.csv")

    job = get_import_job(WIZAMART, ticket.job.id)
    assert job.status is ImportStatus.PENDING
    assert job.language is None
    assert job.declared_format is ImportFormat.AUTO


def test_an_unknown_language_is_refused(tenants: None) -> None:
    with pytest.raises(Invalid):
        request_upload(WIZAMART, "feed.csv", language="it")


def test_an_unknown_store_cannot_ask_for_an_upload(tenants: None) -> None:
    with pytest.raises(NotFound):
        request_upload(Tenant("oms", "nobody"), "feed.csv")
