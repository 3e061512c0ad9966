"""The import pipeline for real in moto: S3 upload -> EventBridge rule -> Step Functions -> in-process
Lambda tasks (the local cloud's bridges), provisioned from the wiring table."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto import mock_aws

from infra.local.cloud import install_bridges
from infra.local.provision import provision
from infra.wiring import LOCAL_REGION
from orion import runtime
from orion.imports.models import ImportFormat, ImportJob
from orion.imports.service import get_import_job, request_upload
from orion.tenant import Tenant
from tests.integration.moto_state import AccountStates

WIZAMART = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")


@pytest.fixture
def pipeline(account_states: AccountStates) -> Iterator[None]:
    """A fresh moto account per test that runs state machines, with the demo tenants and staff seeded
    (built once per test process, then restored: see tests/integration/conftest.py)."""
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        install_bridges()
        account_states.restore_or_build("pipeline", seed_tenants_and_staff)
        runtime.reset()
        yield


def seed_tenants_and_staff() -> None:
    from infra.local.demo import staff, tenancy

    provision()
    tenancy.seed(8000)
    staff.seed(8000)


@dataclass
class Uploader:
    """Upload a file as a merchant would and wait until its job is final."""

    timeout: float = 60.0

    def __call__(
        self,
        content: bytes,
        file_name: str = "feed.tsv",
        *,
        tenant: Tenant = WIZAMART,
        declared: ImportFormat = ImportFormat.AUTO,
        language: str | None = None,
    ) -> ImportJob:
        ticket = request_upload(tenant, file_name, declared, language)
        boto3.client("s3", region_name=LOCAL_REGION).put_object(
            Bucket="orion-uploads",
            Key=ticket.job.upload_key,
            Body=content,
            ContentType=ticket.content_type,
        )
        return self.wait(tenant, ticket.job.id)

    def wait(self, tenant: Tenant, job_id: str) -> ImportJob:
        """The job once no execution runs any more. The S3 upload started its execution synchronously
        (the local bridge), so "none running" means this job's pipeline is done. Polling executions,
        not the table, keeps the test thread off the DynamoDB tables the pipeline's thread writes:
        moto's in-memory tables are not safe to read while another thread writes them."""
        deadline = time.monotonic() + self.timeout
        while running_executions():
            if time.monotonic() > deadline:
                raise AssertionError(f"import {job_id} still running after {self.timeout} s")
            time.sleep(0.05)
        return get_import_job(tenant, job_id)


def running_executions() -> int:
    """Executions still running, read from moto's in-process Step Functions backend: through the API
    (ListStateMachines, then ListExecutions per machine) a poll cost about 85 ms of CPU, taken from the
    pipeline thread it waits for."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.stepfunctions.responses import get_backend  # the executing backend, as the API uses

    machines = list(get_backend(DEFAULT_ACCOUNT_ID, LOCAL_REGION).state_machines)
    return sum(1 for machine in machines for run in list(machine.executions) if run.status == "RUNNING")


@pytest.fixture
def upload(pipeline: None) -> Uploader:
    return Uploader()
