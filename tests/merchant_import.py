"""An import as a merchant sends it to the running local cloud: sign in to the staff API, ask for an
upload ticket, POST the file to the presigned URL (the local S3), then follow the job."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.local_server import LocalServer

STORE_HOST = "wizamart.oms.localhost"
OWNER = {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"}


@contextmanager
def staff_client(server: LocalServer) -> Iterator[httpx.Client]:
    """A staff API client of the Wizamart store, signed in as its owner."""
    with server.client(STORE_HOST) as api:
        login = api.post("/api/v1/auth/login", json=OWNER)
        login.raise_for_status()
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield api


def upload(api: httpx.Client, content: bytes, file_name: str = "import.csv") -> str:
    """Ask for a ticket and POST ``content`` with it; the job's id (raises if the upload is refused)."""
    ticket = api.post("/api/v1/imports", json={"file_name": file_name, "language": "fr"})
    ticket.raise_for_status()
    fields = ticket.json()["upload"]
    stored = httpx.post(
        fields["url"], data=fields["fields"], files={"file": (file_name, content)}, timeout=300
    )
    if stored.status_code != 204:
        raise AssertionError(f"the upload was refused: {stored.status_code} {stored.text}")
    return str(ticket.json()["job"]["id"])


def wait_for(api: httpx.Client, job_id: str, timeout: float) -> dict[str, Any]:
    """The job once it is no longer PENDING or RUNNING."""
    deadline = time.monotonic() + timeout
    job: dict[str, Any] = api.get(f"/api/v1/imports/{job_id}").json()
    while job["status"] in ("PENDING", "RUNNING"):
        if time.monotonic() > deadline:
            raise AssertionError(f"import {job_id} not finished after {timeout} s: {job}")
        time.sleep(0.5)
        job = api.get(f"/api/v1/imports/{job_id}").json()
    return job
