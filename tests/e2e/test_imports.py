"""Catalogue imports against the server `make run` starts: the curl walkthrough of docs/imports.md (Try it),
over HTTP."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.feeds import DATA
from tests.local_server import LocalServer
from tests.merchant_import import staff_client

pytestmark = pytest.mark.e2e
HOST = "wizamart.oms.localhost"


# slow (make test-deep, which CI runs): tests/integration/imports covers the presigned POST and the
# pipeline in moto.
@pytest.mark.slow
def test_a_feed_uploaded_to_the_presigned_url_is_imported_and_published(local_server: LocalServer) -> None:
    with local_server.client(HOST) as api:
        login = api.post(
            "/api/v1/auth/login", json={"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"}
        )
        assert login.status_code == 200, login.text
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        ticket = api.post("/api/v1/imports", json={"file_name": "letzshop_fr.tsv", "language": "fr"}).json()

        # the browser/curl POST goes straight to S3 (the local moto server), fields first, file last
        upload = ticket["upload"]
        content = (DATA / "letzshop_fr.tsv").read_bytes()
        stored = httpx.post(
            upload["url"], data=upload["fields"], files={"file": ("letzshop_fr.tsv", content)}, timeout=30
        )
        assert stored.status_code == 204, stored.text

        deadline = time.monotonic() + 60
        job = api.get(f"/api/v1/imports/{ticket['job']['id']}").json()
        while job["status"] in ("PENDING", "RUNNING"):
            assert time.monotonic() < deadline, job
            time.sleep(0.3)
            job = api.get(f"/api/v1/imports/{ticket['job']['id']}").json()
        assert job["status"] == "COMPLETED", job
        assert job["counts"]["accepted"] == 8

        published = api.post(f"/api/v1/imports/{ticket['job']['id']}/publish", json={"all": True}).json()
        assert len(published["created"]) + len(published["updated"]) == 8
        titles = {p["title"] for p in api.get("/api/v1/products", params={"limit": 100}).json()["items"]}
        assert "Chaise en chêne massif" in titles


def test_the_local_s3_refuses_a_rewritten_ticket_and_an_empty_file_as_s3_does(
    local_server: LocalServer,
) -> None:
    with staff_client(local_server) as api:
        mine = api.post("/api/v1/imports", json={"file_name": "mine.csv"}).json()
        other = api.post("/api/v1/imports", json={"file_name": "other.csv"}).json()
        content = (DATA / "letzshop_fr.tsv").read_bytes()

        rewritten = httpx.post(
            mine["upload"]["url"],
            data={**mine["upload"]["fields"], "key": other["upload"]["fields"]["key"]},
            files={"file": ("other.csv", content)},
            timeout=30,
        )
        empty = httpx.post(
            mine["upload"]["url"],
            data=mine["upload"]["fields"],
            files={"file": ("mine.csv", b"")},
            timeout=30,
        )

        assert rewritten.status_code == 403
        assert "<Code>AccessDenied</Code>" in rewritten.text
        assert empty.status_code == 400
        assert "<Code>EntityTooSmall</Code>" in empty.text
        for job in (mine, other):
            assert api.get(f"/api/v1/imports/{job['job']['id']}").json()["status"] == "PENDING"


def test_the_demo_source_runs_from_the_local_feed_then_is_unchanged(local_server: LocalServer) -> None:
    """docs/imports.md, Saved sources: trying it locally. `make run` seeds a manual source on Wizamart
    that names the gateway's own demo feed; a run stages it, a second run of the same file is a 304."""
    banner = next(line for line in local_server.output.read_text().splitlines() if "import source" in line)
    assert "/_local/feeds/wizamart-fr.tsv" in banner and "/admin/imports/sources/" in banner
    with staff_client(local_server) as api:
        [source] = [s for s in api.get("/api/v1/imports/sources").json()["sources"] if "demo" in s["name"]]
        assert (source["schedule"], source["publish"], source["last_run"]) == ("manual", "none", None)
        assert source["id"] in banner

        def run() -> dict[str, Any]:
            queued = api.post(f"/api/v1/imports/sources/{source['id']}/run")
            assert queued.status_code == 202, queued.text
            run_id = queued.json()["run"]["id"]
            deadline = time.monotonic() + 60
            while True:
                found: dict[str, Any]
                [found] = [
                    r
                    for r in api.get(f"/api/v1/imports/sources/{source['id']}/runs").json()["runs"]
                    if r["id"] == run_id
                ]
                if found["status"] not in ("queued", "running"):
                    return found
                assert time.monotonic() < deadline, found
                time.sleep(0.2)

        first = run()
        assert first["status"] == "staged", first
        job = api.get(f"/api/v1/imports/{first['job_ids']['fr']}").json()
        assert job["status"] == "COMPLETED" and job["counts"]["accepted"] == 8, job
        second = run()
        assert second["status"] == "unchanged" and second["job_ids"] == {}, second
