"""The staff imports API: upload form, job status, staged products and publish, per store and role."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3

from infra.wiring import LOCAL_REGION
from tests.feeds import letzshop_feed
from tests.integration.imports.conftest import WIZAMART as WIZAMART_TENANT
from tests.integration.imports.conftest import Uploader
from tests.staff import BAKERY, WIZAMART, call, token_of


def start(
    token: str, file_name: str = "letzshop_fr.tsv", host: str = WIZAMART, **extra: str
) -> dict[str, Any]:
    response = call("POST", "/api/v1/imports", host=host, token=token, body={"file_name": file_name, **extra})
    assert response.status == 201, response.body
    return response.json()  # type: ignore[no-any-return]


def upload_file(ticket: dict[str, Any], content: bytes) -> None:
    # moto ignores the POST policy; the policy itself is checked in test_upload_policy.py
    boto3.client("s3", region_name=LOCAL_REGION).put_object(
        Bucket="orion-uploads", Key=ticket["upload"]["fields"]["key"], Body=content
    )


def test_an_owner_uploads_follows_and_publishes_an_import(upload: Uploader) -> None:
    owner = token_of("wizamart-owner")
    ticket = start(owner, language="fr")
    assert ticket["job"]["status"] == "PENDING"
    policy = json.loads(base64.b64decode(ticket["upload"]["fields"]["policy"]))
    assert {"key": f"uploads/oms/wizamart/{ticket['job']['id']}/letzshop_fr.tsv"} in policy["conditions"]

    upload_file(
        ticket, letzshop_feed(3, "fr", extra_rows=[["BAD", "Broken", "", "", "", "", "free"] + [""] * 6])
    )
    upload.wait(WIZAMART_TENANT, ticket["job"]["id"])

    job = call("GET", f"/api/v1/imports/{ticket['job']['id']}", token=owner).json()
    assert job["status"] == "COMPLETED_WITH_ERRORS"
    assert job["counts"] == {"rows": 4, "accepted": 3, "rejected": 1, "duplicates": 0}
    assert job["progress"]["percent"] == 100
    assert job["error_report_url"] and "errors.csv" in job["error_report_url"]
    listed = call("GET", "/api/v1/imports", token=owner).json()["jobs"]
    assert listed[0]["id"] == ticket["job"]["id"]
    staged = call(
        "GET", f"/api/v1/imports/{ticket['job']['id']}/products", token=owner, query="status=staged"
    )
    assert sorted(p["external_id"] for p in staged.json()["products"]) == ["WZ-00001", "WZ-00002", "WZ-00003"]

    published = call(
        "POST",
        f"/api/v1/imports/{ticket['job']['id']}/publish",
        token=owner,
        body={"external_ids": ["WZ-00001"], "overrides": {"WZ-00001": {"price": 4200}}},
    )
    assert published.status == 200, published.body
    assert published.json() == {"created": ["WZ-00001"], "updated": [], "failed": []}
    still_staged = call(
        "GET", f"/api/v1/imports/{ticket['job']['id']}/products", token=owner, query="status=staged"
    ).json()["products"]
    assert len(still_staged) == 2


def test_an_editor_may_look_but_not_import(upload: Uploader) -> None:
    editor = token_of("wizamart-editor")
    assert call("GET", "/api/v1/imports", token=editor).status == 200
    refused = call("POST", "/api/v1/imports", token=editor, body={"file_name": "x.csv"})
    assert refused.status == 403
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_another_store_neither_sees_nor_publishes_a_job(upload: Uploader) -> None:
    ticket = start(token_of("wizamart-owner"))
    bakery = token_of("bakery-owner", host=BAKERY)
    job_path = f"/api/v1/imports/{ticket['job']['id']}"
    assert call("GET", job_path, host=BAKERY, token=bakery).status == 404
    assert call("GET", f"{job_path}/products", host=BAKERY, token=bakery).status == 404
    publish = call("POST", f"{job_path}/publish", host=BAKERY, token=bakery, body={"all": True})
    assert publish.status == 404
    assert all(
        j["id"] != ticket["job"]["id"]
        for j in call("GET", "/api/v1/imports", host=BAKERY, token=bakery).json()["jobs"]
    )
    # and a wizamart token does not work on bakery's host
    assert call("GET", "/api/v1/imports", host=BAKERY, token=token_of("wizamart-owner")).status == 403


def test_bad_requests_are_clear_problems(upload: Uploader) -> None:
    owner = token_of("wizamart-owner")
    bad_language = call("POST", "/api/v1/imports", token=owner, body={"file_name": "x.csv", "language": "it"})
    assert bad_language.status == 422
    assert bad_language.headers["content-type"].startswith("application/problem+json")
    assert call("GET", "/api/v1/imports/not-a-job-id", token=owner).status == 422
    assert call("GET", "/api/v1/imports/01ARZ3NDEKTSV4RRFFQ69G5FAV", token=owner).status == 404
    pending = start(owner)
    refused = call("POST", f"/api/v1/imports/{pending['job']['id']}/publish", token=owner, body={"all": True})
    assert refused.status == 409
    assert call("GET", "/api/v1/imports").status == 401


def test_staged_products_come_in_pages(upload: Uploader) -> None:
    owner = token_of("wizamart-owner")
    ticket = start(owner, language="fr")
    upload_file(ticket, letzshop_feed(5, "fr"))
    upload.wait(WIZAMART_TENANT, ticket["job"]["id"])

    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = call("GET", f"/api/v1/imports/{ticket['job']['id']}/products", token=owner, query=query).json()
        seen += [p["external_id"] for p in page["products"]]
        pages += 1
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert sorted(seen) == [f"WZ-0000{n}" for n in range(1, 6)]
    assert pages == 3
    bad = call("GET", f"/api/v1/imports/{ticket['job']['id']}/products", token=owner, query="cursor=%%%")
    assert bad.status == 422
