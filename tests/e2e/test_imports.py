"""Catalogue imports against the server `make run` starts: the curl walkthrough of docs/imports.md (Try it),
over HTTP."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.feeds import DATA
from tests.local_server import LocalServer

pytestmark = pytest.mark.e2e
HOST = "wizamart.oms.localhost"


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
