"""The media pipeline for real in moto: a presigned POST to the media bucket -> EventBridge rule ->
the processing function invoked asynchronously (the local cloud's bridges), provisioned from the wiring
table with the demo tenants and staff."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
import requests
from moto import mock_aws

from infra.local import invoke
from infra.local.cloud import install_bridges
from infra.wiring import LOCAL_REGION
from orion import runtime
from orion.media import service as media
from orion.media.models import MediaRecord, UploadTicket
from orion.tenant import Tenant
from tests.integration.imports.conftest import seed_tenants_and_staff
from tests.integration.moto_state import AccountStates

WIZAMART = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")
BUCKET = "orion-media"


@pytest.fixture
def cloud(account_states: AccountStates) -> Iterator[None]:
    with mock_aws():
        install_bridges()
        account_states.restore_or_build("pipeline", seed_tenants_and_staff)
        runtime.reset()
        yield
        assert invoke.wait_for_async(60), "a processing run did not end"


def post(ticket: UploadTicket, content: bytes, name: str = "photo.jpg") -> requests.Response:
    """The browser's form POST of a ticket: its fields, then the file."""
    return requests.post(ticket.url, data=ticket.fields, files={"file": (name, content)}, timeout=30)


@dataclass
class Uploader:
    """Upload an image as staff do (ticket, presigned POST) and wait until its processing is over."""

    def __call__(
        self,
        content: bytes,
        file_name: str = "photo.jpg",
        content_type: str = "image/jpeg",
        *,
        tenant: Tenant = WIZAMART,
    ) -> MediaRecord:
        ticket = media.request_upload(tenant, file_name, content_type)
        answer = post(ticket, content, file_name)
        assert answer.status_code == 204, answer.text
        assert invoke.wait_for_async(60)
        return media.get_media(tenant, ticket.media.id)


@pytest.fixture
def upload(cloud: None) -> Uploader:
    return Uploader()


def bucket_keys(prefix: str = "") -> list[str]:
    listed = boto3.client("s3", region_name=LOCAL_REGION).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))
