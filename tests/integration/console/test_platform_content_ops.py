"""Platform console content and operations: platform pages (store defaults and marketing pages) with
their admin API, bulk store import from the browser, import jobs across stores, the outbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

from orion.cms import service as cms
from orion.cms.models import PlatformPageKind
from tests.console import CONSOLE_LOGINS, ConsoleBrowser, signed_in
from tests.integration.admin.test_admin_api import admin
from tests.staff import BAKERY, WIZAMART, call

pytestmark = pytest.mark.usefixtures("demo")
OMS_API = "api.oms.localhost:8000"
CONSOLE_LOGINS["oms-admin"] = ("admin@oms.lu", "oms-admin-demo")


def operator() -> ConsoleBrowser:
    browser = ConsoleBrowser(host=OMS_API)
    browser.sign_in("oms-admin")
    return browser


def audit_actions(store: str | None = None) -> list[str]:
    from orion.audit import service as audit
    from orion.tenant import Tenant

    return [entry.action for entry in audit.list_platform_entries(Tenant("oms"), limit=200, store=store)[0]]


# --- platform pages -------------------------------------------------------------------------------------


def test_editing_the_default_about_page_shows_on_stores_without_an_override() -> None:
    browser = operator()
    listing = browser.get("/admin/pages")
    assert listing.status == 200
    assert "/admin/pages/defaults/about" in listing.text and "/admin/pages/marketing/pricing" in listing.text
    form = browser.get("/admin/pages/defaults/about")
    assert form.status == 200 and "About us" in form.text
    fields = {
        "title": "About this shop",
        "body_html": "<p>Every OMS shop is local.</p><script>alert(1)</script>",
        "meta_description": "",
        "position": "3",
        "template": "page.html",
        "published": "on",
        "show_in_footer": "on",
    }
    preview = browser.post("/admin/pages/defaults/about", {**fields, "action": "preview"})
    assert preview.status == 200
    assert 'sandbox=""' in preview.text and "Every OMS shop is local." in preview.text
    assert "Every OMS shop" not in call("GET", "/about", host=BAKERY).text  # a preview saves nothing
    saved = browser.post("/admin/pages/defaults/about", {**fields, "action": "save"})
    assert saved.status == 303 and saved.headers["location"] == "/admin/pages/defaults/about"
    shop = call("GET", "/about", host=BAKERY)
    assert shop.status == 200
    assert "Every OMS shop is local." in shop.text and "alert(1)" not in shop.text
    assert "Every OMS shop" not in call("GET", "/about", host=WIZAMART).text  # wizamart has its own
    stored = cms.get_platform_page("oms", "about", PlatformPageKind.STORE_DEFAULT)
    assert (stored.title, stored.position) == ("About this shop", 3)
    assert "platform_page.put" in audit_actions()


def test_create_keeps_entries_on_bad_input_and_delete_removes_it() -> None:
    browser = operator()
    assert browser.get("/admin/pages/new?kind=marketing").status == 200
    bad = browser.post(
        "/admin/pages",
        {"kind": "defaults", "slug": "cart", "title": "", "body_html": "<p>kept</p>", "position": "x"},
    )
    assert bad.status == 422
    assert "&lt;p&gt;kept&lt;/p&gt;" in bad.text and 'id="e-title"' in bad.text
    created = browser.post(
        "/admin/pages",
        {"kind": "marketing", "slug": "partners", "title": "Partners", "body_html": "<p>Ours</p>",
         "position": "20", "template": "page.html", "published": "on", "action": "save"},
    )  # fmt: skip
    assert created.status == 303 and created.headers["location"] == "/admin/pages/marketing/partners"
    assert cms.get_platform_page("oms", "partners", PlatformPageKind.MARKETING).title == "Partners"
    again = browser.post(
        "/admin/pages", {"kind": "marketing", "slug": "partners", "title": "Twice", "action": "save"}
    )
    assert again.status == 422 and 'id="e-slug"' in again.text
    browser.get("/admin/pages")
    deleted = browser.post("/admin/pages/marketing/partners/delete", {})
    assert deleted.status == 303
    assert browser.get("/admin/pages/marketing/partners").status == 404


def test_a_store_owner_cannot_reach_platform_pages() -> None:
    owner = signed_in("wizamart-owner")
    # on a store host /admin/pages is the store's own content page, never the platform's
    assert "/admin/pages/defaults/about" not in owner.get("/admin/pages").text
    stranger = ConsoleBrowser(host=OMS_API, cookies=dict(owner.cookies))
    assert stranger.get("/admin/pages").status == 303  # no platform session: to the sign-in


def test_platform_pages_api_round_trip() -> None:
    listed = admin("GET", "/pages", query="kind=STORE_DEFAULT")
    assert listed.status == 200 and "about" in {page["slug"] for page in listed.json()}
    created = admin(
        "POST",
        "/pages",
        {"slug": "returns", "kind": "STORE_DEFAULT", "title": "Returns", "body_html": "<p>30 days</p>"},
    )
    assert created.status == 201, created.body
    assert created.json()["kind"] == "STORE_DEFAULT"
    assert admin("POST", "/pages", {"slug": "returns", "title": "Again"}).status == 422
    assert admin("POST", "/pages", {"slug": "cart", "title": "Cart"}).status == 422
    got = admin("GET", "/pages/returns")
    assert got.status == 200 and got.json()["title"] == "Returns"
    assert "30 days" in call("GET", "/returns", host=BAKERY).text
    updated = admin("PUT", "/pages/returns", {"title": "Returns policy", "body_html": "<p>14 days</p>"})
    assert updated.status == 200 and updated.json()["title"] == "Returns policy"
    assert "14 days" in call("GET", "/returns", host=BAKERY).text
    assert admin("DELETE", "/pages/returns").status == 204
    missing = admin("GET", "/pages/returns")
    assert missing.status == 404 and missing.headers["content-type"] == "application/problem+json"
    assert call("GET", "/returns", host=BAKERY).status == 404
    marketing = admin("GET", "/pages/about", query="kind=MARKETING")
    assert marketing.json()["title"] == "About OMS"
    document = call("GET", "/api/v1/admin/openapi.json", host=OMS_API).json()
    assert "/api/v1/admin/pages/{slug}" in document["paths"] and "/api/v1/admin/imports" in document["paths"]


# --- bulk store import ----------------------------------------------------------------------------------


def post_file(browser: ConsoleBrowser, path: str, content: bytes, *, csrf: str | None = None) -> Any:
    """A browser's multipart form post of one file field ``file`` (and the CSRF token)."""
    from infra.local import invoke
    from infra.local.events import http_api_event, lambda_result_to_http
    from tests.staff import ApiResponse, _routes

    boundary = "----orionboundary7MA4YWxk"
    token = browser.csrf if csrf is None else csrf
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="stores.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = [
        ("host", browser.host),
        ("content-type", f"multipart/form-data; boundary={boundary}"),
        ("origin", browser.origin),
        *browser._cookie_header(path),
    ]
    match = _routes.match("POST", path)
    assert match is not None
    event = http_api_event(
        method="POST",
        path=path,
        headers=headers,
        body=body,
        route_key=match.route.key,
        path_parameters=match.path_parameters,
    )
    result = lambda_result_to_http(invoke.invoke(match.function, event))
    return ApiResponse(result.status, {k.lower(): v for k, v in result.headers}, result.body, [])


def test_bulk_import_from_the_console_creates_stores_and_keeps_the_results() -> None:
    from orion.tenancy.stores import store_profile
    from orion.tenant import Tenant
    from tests.integration.imports.test_bulk_stores import bulk_csv, vendor

    browser = operator()
    form = browser.get("/admin/bulk-import")
    assert form.status == 200 and 'enctype="multipart/form-data"' in form.text
    empty = post_file(browser, "/admin/bulk-import", b"")
    assert empty.status == 422 and 'id="e-file"' in empty.text
    content = bulk_csv(vendor("atelier", initial_password="a-long-initial-password"), vendor("wizamart"))
    assert post_file(browser, "/admin/bulk-import", content, csrf="forged").status == 403
    assert store_profile(Tenant("oms", "atelier")) is None
    done = post_file(browser, "/admin/bulk-import", content)
    assert done.status == 303, done.text[:1000]
    location = done.headers["location"]
    assert re.fullmatch(r"/admin/bulk-import/[0-9A-Z]{26}", location)
    results = browser.get(location)  # a reload shows the same rows again
    assert results.status == 200
    assert re.search(
        r'data-status="created">\s*<td class="num">2</td>\s*<th scope="row">atelier', results.text
    )
    assert re.search(
        r'data-status="failed">\s*<td class="num">3</td>\s*<th scope="row">wizamart', results.text
    )
    assert store_profile(Tenant("oms", "atelier")) is not None
    download = browser.get(location + "/results.csv")
    assert download.status == 200 and download.headers["content-type"].startswith("text/csv")
    lines = download.text.splitlines()
    assert lines[0] == "row,subdomain,status,message,store,owner,import_job_id"
    assert lines[1].startswith("2,atelier,created,") and lines[2].startswith("3,wizamart,failed,")
    assert "stores.bulk_import" in audit_actions("atelier")
    assert browser.get("/admin/bulk-import/01AAAAAAAAAAAAAAAAAAAAAAAA").status == 404


# --- import jobs across stores --------------------------------------------------------------------------


def test_import_jobs_list_shows_stores_jobs_and_reruns_a_failed_one() -> None:
    import boto3

    from orion.imports.service import fail_import, get_import_job, list_import_jobs, request_upload
    from orion.settings import get_settings
    from orion.tenant import Tenant

    wiz = Tenant("oms", "wizamart")
    waiting = request_upload(wiz, "never-uploaded.csv").job
    failed = request_upload(wiz, "feed.csv").job
    boto3.client("s3").put_object(
        Bucket=get_settings().uploads_bucket, Key=failed.upload_key, Body=b"id,title\n1,Mug\n"
    )
    fail_import(wiz, failed.id)
    browser = operator()
    every = browser.get("/admin/imports")  # unfinished jobs first, then the failed ones, as the admin API
    assert every.status == 200
    assert every.text.index(f'data-job="{waiting.id}"') < every.text.index(f'data-job="{failed.id}"')
    only_failed = browser.get("/admin/imports?status=FAILED")
    assert (
        f'data-job="{failed.id}"' in only_failed.text and f'data-job="{waiting.id}"' not in only_failed.text
    )
    assert "Failed" in only_failed.text and ">FAILED<" not in only_failed.text  # a label, not the code
    assert browser.get("/admin/imports?store=nope").status == 404
    assert browser.get("/admin/imports?status=LOST").status == 422
    bad_link = browser.get("/admin/imports?cursor=bm90LWEtY3Vyc29y")
    assert bad_link.status == 200 and "first page" in bad_link.text
    flagged = browser.get("/admin/imports?stuck=1")  # nothing has run for a minute? not yet stuck
    assert 'data-stuck="1"' not in flagged.text
    store_jobs = browser.get("/admin/imports?store=wizamart")
    assert f'data-job="{failed.id}" data-status="FAILED"' in store_jobs.text
    assert f"/admin/imports/wizamart/{failed.id}/rerun" in store_jobs.text
    assert f"/admin/imports/wizamart/{waiting.id}/rerun" not in store_jobs.text  # neither failed nor stuck
    rerun = browser.post(f"/admin/imports/wizamart/{failed.id}/rerun", {})
    assert rerun.status == 303 and rerun.headers["location"] == "/admin/imports?store=wizamart"
    newest = list_import_jobs(wiz, 1)[0]
    assert newest.id != failed.id and newest.file_name == "feed.csv"
    assert get_import_job(wiz, failed.id).status.value == "FAILED"
    assert "import.rerun" in audit_actions("wizamart")
    browser.get("/admin/imports?store=wizamart")
    assert browser.post(f"/admin/imports/wizamart/{waiting.id}/rerun", {}).status == 409
    assert browser.post(f"/admin/imports/bakery/{failed.id}/rerun", {}).status == 404  # another store's
    # the admin API's listing and re-run
    listed = admin("GET", "/imports", query="store=wizamart").json()["jobs"]
    assert failed.id in {job["id"] for job in listed}
    assert waiting.id in {job["id"] for job in admin("GET", "/imports").json()["jobs"]}
    assert admin("POST", f"/imports/wizamart/{waiting.id}/rerun").status == 409


# --- outbox ---------------------------------------------------------------------------------------------


def test_outbox_lists_failed_emails_and_retries_one() -> None:
    from datetime import UTC, datetime

    from orion.outbox.repository import OutboxRepository
    from tests.integration.outbox.test_outbox_retry import new_message

    message = new_message()
    OutboxRepository().record_failure(
        "oms",
        message.id,
        attempts=5,
        error="MessageRejected: bad address",
        retry_at=None,
        now=datetime.now(UTC),
    )
    browser = operator()
    page = browser.get("/admin/outbox")
    assert page.status == 200
    assert f'data-message="{message.id}"' in page.text and "MessageRejected: bad address" in page.text
    retried = browser.post(f"/admin/outbox/{message.id}/retry", {})
    assert retried.status == 303
    assert browser.get("/admin/outbox").text.count(message.id) == 0
    assert message.id in browser.get("/admin/outbox?status=pending").text
    assert browser.post(f"/admin/outbox/{message.id}/retry", {}).status == 404
    assert "outbox.retry" in audit_actions("wizamart")
    owner = signed_in("wizamart-owner")
    assert owner.get("/admin/outbox").status == 404  # a store's console has no outbox


def test_a_stuck_running_import_is_flagged_and_can_run_again() -> None:
    from datetime import UTC, datetime, timedelta

    import boto3

    from orion.data import keys
    from orion.imports.repository import ImportJobItem, ImportRepository
    from orion.imports.service import get_import_job, list_import_jobs, request_upload
    from orion.settings import get_settings
    from orion.tenant import Tenant

    wiz = Tenant("oms", "wizamart")
    job = request_upload(wiz, "big.csv").job
    boto3.client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=job.upload_key, Body=b"id\n1\n")
    assert ImportRepository().claim_job(wiz, job.id, "execution-1")
    ImportJobItem(keys.import_job_pk("oms", "wizamart", job.id), keys.IMPORT_JOB_SK).update(
        actions=[ImportJobItem.updated_at.set(datetime.now(UTC) - timedelta(hours=2))]
    )
    browser = operator()
    listing = browser.get("/admin/imports")  # across stores, from the open-jobs index
    assert f'data-job="{job.id}" data-status="RUNNING" data-stuck="1"' in listing.text
    assert 'data-stuck="1"' not in browser.get("/admin/imports?stuck=600").text
    rerun = browser.post(f"/admin/imports/wizamart/{job.id}/rerun", {})
    assert rerun.status == 303
    assert get_import_job(wiz, job.id).status.value == "FAILED"
    assert list_import_jobs(wiz, 1)[0].id != job.id
