"""The console's imports: the job list, a new import whose upload form posts straight to S3 (a valid
presigned POST that pins S3's redirect back to the job's page), the job page with progress, counts,
errors and staged products, publishing a selection with overrides, 403 without the permission, and
store isolation."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests
from moto import mock_aws

from infra.local.cloud import install_bridges
from orion import runtime
from orion.audit.service import list_entries
from orion.catalog.models import ProductStatus
from orion.catalog.products.repository import ProductRepository
from orion.catalog.service import get_product
from orion.imports.models import ImportStatus, StagedStatus
from orion.imports.service import get_import_job, request_upload, staged_products
from orion.tenant import Tenant
from tests.console import ConsoleBrowser, signed_in
from tests.feeds import letzshop_feed
from tests.integration.imports.conftest import Uploader, seed_tenants_and_staff
from tests.integration.moto_state import AccountStates
from tests.staff import BAKERY, WIZAMART

WIZ = Tenant("oms", "wizamart")
BAK = Tenant("oms", "bakery")


@pytest.fixture
def cloud(account_states: AccountStates) -> Iterator[None]:
    """moto with the local cloud's bridges: S3 enforces POST policies, uploads start the pipeline."""
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        install_bridges()
        account_states.restore_or_build("pipeline", seed_tenants_and_staff)
        runtime.reset()
        yield


def upload_form(html: str) -> tuple[str, dict[str, str]]:
    """The S3 form of the upload page: its action and hidden fields."""
    form = (
        html.split('id="upload-form"', maxsplit=1)[0].rsplit("<form", 1)[1]
        + html.split('id="upload-form"')[1]
    )
    form = form.split("</form>")[0]
    action = unescape(re.search(r'action="([^"]+)"', form).group(1))  # type: ignore[union-attr]
    fields = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    }
    return action, fields


def start(browser: ConsoleBrowser, file_name: str = "letzshop_fr.tsv") -> str:
    """Start an import in the console; the id of its job (from the upload page's address)."""
    browser.get("/admin/imports/new")
    answer = browser.post(
        "/admin/imports/new", {"file_name": file_name, "format": "auto", "language": "auto"}
    )
    assert answer.status == 303, answer.text[:2000]
    location = answer.headers["location"]
    assert location.startswith("/admin/imports/new?job=")
    return location.split("=", 1)[1]


def upload_through_the_form(browser: ConsoleBrowser, job_id: str, content: bytes) -> requests.Response:
    page = browser.get(f"/admin/imports/new?job={job_id}")
    assert page.status == 200
    action, fields = upload_form(page.text)
    return requests.post(
        action, data=fields, files={"file": ("letzshop_fr.tsv", content)}, allow_redirects=False, timeout=30
    )


def test_the_upload_page_is_a_presigned_post_that_redirects_to_the_job(cloud: None) -> None:
    owner = signed_in("wizamart-owner")
    job_id = start(owner)
    page = owner.get(f"/admin/imports/new?job={job_id}")
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="file" type="file"' in page.text
    action, fields = upload_form(page.text)

    assert urlsplit(action).path.rstrip("/").endswith("orion-uploads") or "orion-uploads" in action
    job = get_import_job(WIZ, job_id)
    assert fields["key"] == job.upload_key
    redirect = f"http://{WIZAMART}/admin/imports/{job_id}/uploaded"
    assert fields["success_action_redirect"] == redirect
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert {"success_action_redirect": redirect} in policy["conditions"]
    assert {"key": job.upload_key} in policy["conditions"]
    assert any(c[0] == "content-length-range" for c in policy["conditions"] if isinstance(c, list))
    assert "imports.start" in [e.action for e in list_entries(WIZ)[0]]

    # S3 refuses the form with its redirect changed (the policy pins it) and an empty file.
    tampered = requests.post(
        action,
        data={**fields, "success_action_redirect": "https://evil.example/"},
        files={"file": ("f.tsv", letzshop_feed(2))},
        allow_redirects=False,
        timeout=30,
    )
    assert tampered.status_code == 403
    empty = requests.post(
        action, data=fields, files={"file": ("f.tsv", b"")}, allow_redirects=False, timeout=30
    )
    assert empty.status_code == 400
    assert get_import_job(WIZ, job_id).status is ImportStatus.PENDING


def test_import_a_feed_through_the_console_to_publication(cloud: None) -> None:
    owner = signed_in("wizamart-owner")
    job_id = start(owner)
    pending = owner.get(f"/admin/imports/{job_id}")
    assert "Waiting for the file." in pending.text

    sent = upload_through_the_form(
        owner, job_id, letzshop_feed(4, extra_rows=[["", "No id", "", "", "", "", "", "", "", "", ""]])
    )
    assert sent.status_code == 303, sent.text
    landing = urlsplit(sent.headers["location"])
    assert (landing.netloc, landing.path) == (WIZAMART, f"/admin/imports/{job_id}/uploaded")
    Uploader().wait(WIZ, job_id)

    # S3's redirect (with bucket and key added to the address) is a cross-site navigation: the
    # browser withholds the SameSite=Strict session, so the landing page needs none and sends the
    # browser on to the job's page, same-site.
    bounced = ConsoleBrowser().get(f"{landing.path}?{landing.query}")
    assert bounced.status == 200
    assert f'http-equiv="refresh" content="0; url=/admin/imports/{job_id}"' in bounced.text
    assert "letzshop_fr.tsv" not in bounced.text
    assert ConsoleBrowser().get("/admin/imports/nope/uploaded").status == 404
    page = owner.get(f"/admin/imports/{job_id}?{landing.query}")
    assert page.status == 200
    assert 'id="import-progress"' in page.text and 'value="100"' in page.text
    assert "data-refresh" not in page.text.split('id="publish-form"')[0].split('id="job"')[1].split(">")[0]
    for external_id in ("WZ-00001", "WZ-00002", "WZ-00003", "WZ-00004"):
        assert f'name="products" value="{external_id}"' in page.text
    assert "Rows with errors" in page.text
    assert 'id="error-report"' in page.text
    listing = owner.get("/admin/imports")
    assert f"/admin/imports/{job_id}" in listing.text

    bad = owner.post(
        f"/admin/imports/{job_id}/publish", [("products", "WZ-00001"), ("price.WZ-00001", "twelve")]
    )
    assert bad.status == 422
    assert 'value="twelve"' in bad.text
    assert 'name="products" value="WZ-00001" id="p-1" checked' in bad.text
    nothing = owner.post(f"/admin/imports/{job_id}/publish", [])
    assert nothing.status == 422

    owner.get(f"/admin/imports/{job_id}")
    published = owner.post(
        f"/admin/imports/{job_id}/publish",
        [
            ("products", "WZ-00001"),
            ("products", "WZ-00002"),
            ("status", "active"),
            ("price.WZ-00001", "12.50"),
            ("status.WZ-00002", "draft"),
            ("price.WZ-00003", "99"),  # not selected: ignored
        ],
    )
    assert published.status == 303, published.text[:3000]
    after = owner.get(f"/admin/imports/{job_id}")
    assert "Published: 2 created, 0 updated, 0 failed." in after.text
    assert 'id="publish-progress"' in after.text
    states = {p.external_id: p.status for p in staged_products(WIZ, job_id)}
    assert states["WZ-00001"] is StagedStatus.PUBLISHED and states["WZ-00003"] is StagedStatus.STAGED
    first = get_product(WIZ, ProductRepository().product_id_for_external_id(WIZ, "WZ-00001"))  # type: ignore[arg-type]
    second = get_product(WIZ, ProductRepository().product_id_for_external_id(WIZ, "WZ-00002"))  # type: ignore[arg-type]
    assert first.variants[0].price == 1250
    assert first.status is ProductStatus.ACTIVE
    assert second.status is ProductStatus.DRAFT
    assert ProductRepository().product_id_for_external_id(WIZ, "WZ-00003") is None
    assert "imports.publish" in [e.action for e in list_entries(WIZ)[0]]

    owner.get(f"/admin/imports/{job_id}")
    everything = owner.post(f"/admin/imports/{job_id}/publish", {"all": "1", "status": "active"})
    assert everything.status == 303
    assert staged_products(WIZ, job_id, StagedStatus.STAGED) == []


def test_a_file_the_pipeline_cannot_read_fails_with_a_message_on_the_job_page(cloud: None) -> None:
    owner = signed_in("wizamart-owner")
    job_id = start(owner, "photo.txt")
    sent = upload_through_the_form(owner, job_id, b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    assert sent.status_code == 303
    Uploader().wait(WIZ, job_id)
    page = owner.get(f"/admin/imports/{job_id}")
    assert get_import_job(WIZ, job_id).status is ImportStatus.FAILED
    assert 'id="job-message"' in page.text
    assert 'role="alert"' in page.text


def test_the_start_form_answers_bad_entries_with_the_form_again(cloud: None) -> None:
    owner = signed_in("wizamart-owner")
    owner.get("/admin/imports/new")
    answer = owner.post("/admin/imports/new", {"file_name": "feed.tsv", "format": "excel", "language": "it"})
    assert answer.status == 422
    assert 'id="e-format"' in answer.text and 'id="e-language"' in answer.text
    assert 'value="feed.tsv"' in answer.text


def test_an_editor_runs_imports_but_a_viewer_only_reads(cloud: None) -> None:
    from tests.console import signed_in_as

    job = request_upload(WIZ, "feed.tsv")
    viewer = signed_in_as("viewer")
    assert viewer.get("/admin/imports").status == 200
    assert 'href="/admin/imports/new"' not in viewer.get("/admin/imports").text
    assert viewer.get(f"/admin/imports/{job.job.id}").status == 200
    assert viewer.get("/admin/imports/new").status == 403
    assert viewer.post("/admin/imports/new", {"file_name": "x.tsv"}).status == 403
    assert viewer.post(f"/admin/imports/{job.job.id}/publish", {"all": "1"}).status == 403


def test_another_stores_job_is_not_found(cloud: None) -> None:
    theirs = request_upload(BAK, "bakery.tsv")
    owner = signed_in("wizamart-owner")
    assert owner.get(f"/admin/imports/{theirs.job.id}").status == 404
    assert owner.get(f"/admin/imports/new?job={theirs.job.id}").status == 404
    owner.get("/admin/imports")
    assert owner.post(f"/admin/imports/{theirs.job.id}/publish", {"all": "1"}).status == 404
    assert "bakery.tsv" not in owner.get("/admin/imports").text
    baker = signed_in("bakery-owner", host=BAKERY)
    assert baker.get(f"/admin/imports/{theirs.job.id}").status == 200
    assert owner.get("/admin/imports/not-a-job").status == 404
