"""Imports ``/admin/imports``: the jobs, a new upload sent by the browser straight to S3 (a plain form
with the presigned POST's fields; S3's redirect brings it back to the job's page), a job's progress,
counts, error report and staged products, and publishing a selection with per-product overrides.

The same ``orion.imports`` services, permissions and audit records as the staff API's
``/api/v1/imports``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from functions.common.imported_images import image_fetches
from functions.console.pages.team import absolute_url, audit
from functions.console.web import Anonymous, Console, Posted, SignedIn, invalid
from orion.catalog.models import ProductStatus
from orion.errors import Conflict, Invalid, NotFound, OrionError
from orion.imports import service as imports
from orion.imports.models import LANGUAGES, ImportFormat, ImportJob, PublishState, PublishStatus
from orion.imports.publish import ProductOverride, PublishRequest, PublishResult, request_publish
from orion.imports.rows import parse_price

router = APIRouter()

_JOB_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
PAGE_SIZE = 50
FORMATS = (
    ("auto", "Detect from the file"),
    ("letzshop", "Letzshop / Google Shopping feed"),
    ("shopify", "Shopify product export"),
    ("orion", "Orion CSV"),
)


def _job(console: Console, job_id: str) -> ImportJob:
    if not _JOB_ID.fullmatch(job_id):
        raise NotFound("No such import job.")
    return imports.get_import_job(console.resolved.tenant, job_id)


@router.get("/admin/imports")
def jobs(console: SignedIn) -> HTMLResponse:
    access = console.need("imports.view")
    return console.render("imports.html", jobs=imports.list_import_jobs(access.tenant, PAGE_SIZE))


# --- a new import: start (creates the job, counts towards the day's allowance), then upload -------------


def _start_form(console: Console, status: int = 200, **context: Any) -> HTMLResponse:
    return console.render(
        "imports_new.html", status, formats=FORMATS, languages=("auto", *LANGUAGES), ticket=None, **context
    )


@router.get("/admin/imports/new")
def new_import(console: SignedIn, job: str = "") -> Response:
    """Without ``job``: the start form (format, language, the file's name). With the id of a job
    waiting for its file: the upload form, posting the file straight to S3."""
    access = console.need("imports.run")
    if not job:
        return _start_form(console)
    found = _job(console, job)
    target = f"/admin/imports/{found.id}"
    landing = absolute_url(console, f"{target}/uploaded")
    try:
        ticket = imports.upload_ticket(access.tenant, found.id, redirect=landing)
    except Conflict:
        return console.redirect(target)
    return console.render("imports_new.html", ticket=ticket, job=found, max_mb=ticket.max_bytes // 1_048_576)


@router.post("/admin/imports/new")
def start_import(console: Posted) -> Response:
    access = console.need("imports.run")
    form = console.form
    errors: dict[str, str] = {}
    file_name = form.get("file_name").strip()
    if len(file_name) > 200:
        errors["file_name"] = "At most {n} characters."
    if form.get("format", "auto") not in {value for value, _ in FORMATS}:
        errors["format"] = "Choose a format."
    if form.get("language", "auto") not in ("auto", *LANGUAGES):
        errors["language"] = "Choose a language."
    if errors:
        return _start_form(
            console,
            422,
            values=form.as_dict(),
            errors={k: console._(v, n=200) for k, v in errors.items()},
            message=console._("Please correct the fields marked below."),
        )
    try:
        ticket = imports.request_upload(
            access.tenant,
            file_name or "upload.csv",
            ImportFormat(form.get("format", "auto")),
            form.get("language", "auto"),
            created_by=access.user_id,
        )
    except OrionError as error:  # the day's imports used up (409, naming the limit), a bad language
        if error.status not in (409, 422):
            raise
        return _start_form(console, error.status, values=form.as_dict(), message=console.error_message(error))
    audit(console, "imports.start", f"import:{ticket.job.id}", {"file": ticket.job.file_name})
    return console.redirect(f"/admin/imports/new?job={ticket.job.id}")


# --- a job ---------------------------------------------------------------------------------------------


def _job_page(
    console: Console, job_id: str, status: int = 200, cursor: str = "", **context: Any
) -> HTMLResponse:
    access = console.need("imports.view")
    job = _job(console, job_id)
    rows: list[Any] = []
    next_cursor = None
    if job.counts.accepted and job.status.is_final:
        try:
            rows, next_cursor = imports.staged_products_page(
                access.tenant, job.id, limit=PAGE_SIZE, cursor=cursor or None, job=job
            )
        except Invalid:
            rows, next_cursor = imports.staged_products_page(access.tenant, job.id, limit=PAGE_SIZE, job=job)
    publish = job.publish.seen_at(datetime.now(UTC)) if job.publish else None
    running = not job.status.is_final or (publish is not None and publish.status is PublishStatus.RUNNING)
    return console.render(
        "imports_job.html",
        status,
        job=job,
        publish=publish,
        running=running,
        percent=100 if job.status.is_final else job.progress.percent,
        report_url=imports.error_report_url(access.tenant, job),
        report_errors=imports.report_errors(job) if job.report_key else [],
        rows=rows,
        next_cursor=next_cursor,
        cursor=cursor,
        statuses=[s.value for s in ProductStatus],
        **context,
    )


@router.get("/admin/imports/{job_id}/uploaded")
def uploaded(job_id: str, console: Anonymous) -> HTMLResponse:
    """Where S3's redirect after an upload lands (with ``bucket``, ``key`` and ``etag`` in the query,
    which change nothing). The session cookie is SameSite=Strict, so a browser withholds it on this
    navigation from S3's site: this page needs no session and shows nothing of the job; it sends the
    browser on to the job's page (a meta refresh, a same-site navigation that carries the session)."""
    if not _JOB_ID.fullmatch(job_id):
        raise NotFound("No such import job.")
    return console.render("imports_uploaded.html", job_id=job_id)


@router.get("/admin/imports/{job_id}")
def job_page(job_id: str, console: SignedIn, cursor: str = "") -> HTMLResponse:
    """A job's page (any ``bucket``, ``key`` or ``etag`` in the query changes nothing: the job is
    the path's)."""
    return _job_page(console, job_id, cursor=cursor[:1000])


@router.post("/admin/imports/{job_id}/publish")
def publish(job_id: str, console: Posted) -> Response:
    access = console.need("imports.run")
    job = _job(console, job_id)
    try:
        request = _publish_request(console)
    except Invalid as error:
        return _job_page(
            console,
            job.id,
            422,
            values=console.form.as_dict(),
            selected=set(console.form.all("products")),
            errors={item.field: console._(item.message) for item in error.errors},
            message=console.error_message(error),
        )
    try:
        outcome = request_publish(access.tenant, job.id, request, on_published=image_fetches(access.tenant))
    except Conflict as error:  # not completed, or a publish of it is running
        return _job_page(console, job.id, 409, message=console.error_message(error))
    if isinstance(outcome, PublishResult):
        details: dict[str, object] = {
            "created": len(outcome.created),
            "updated": len(outcome.updated),
            "failed": len(outcome.failed),
        }
        notice = console._(
            "Published: {created} created, {updated} updated, {failed} failed.",
            created=len(outcome.created),
            updated=len(outcome.updated),
            failed=len(outcome.failed),
        )
    else:
        assert isinstance(outcome, PublishState)
        details = {"background": True, "requested": outcome.requested, "publish": outcome.id}
        notice = console._("Publishing {n} products in the background.", n=outcome.requested)
    audit(console, "imports.publish", f"import:{job.id}", details)
    return console.redirect(f"/admin/imports/{job.id}", notice)


def _publish_request(console: Console) -> PublishRequest:
    """The publish form as the staff API's request: ``products`` (checkboxes) or ``all``=1, the
    ``status`` to publish with, and per product ``price.<id>`` (e.g. 12.50), ``status.<id>`` and
    ``description.<id>`` overrides (empty: as staged)."""
    form = console.form
    every = form.get("all") == "1"
    chosen = list(dict.fromkeys(form.all("products")))
    if not every and not chosen:
        raise invalid(
            console._("Select the products to publish."), products=console._("Select at least one product.")
        )
    status_value = form.get("status", "active")
    if status_value not in {s.value for s in ProductStatus}:
        raise invalid(
            console._("Please correct the fields marked below."), status=console._("Choose a status.")
        )
    currency = console.resolved.store.currency if console.resolved.store is not None else "EUR"
    overrides: dict[str, ProductOverride] = {}
    errors: dict[str, str] = {}
    ids = {
        name.split(".", 1)[1]
        for name in form.names()
        if name.split(".", 1)[0] in ("price", "status", "description") and "." in name
    }
    for external_id in sorted(ids):
        if not every and external_id not in chosen:
            continue
        price_text = form.get(f"price.{external_id}").strip()
        row_status = form.get(f"status.{external_id}")
        description = form.get(f"description.{external_id}").strip()
        changes: dict[str, Any] = {}
        if price_text:
            try:
                changes["price"] = parse_price(price_text, currency)
            except ValueError as exc:
                errors[f"price.{external_id}"] = console._(
                    "The price {reason}.", reason=console.error_message(exc)
                )
        if row_status:
            if row_status in {s.value for s in ProductStatus}:
                changes["status"] = ProductStatus(row_status)
            else:
                errors[f"status.{external_id}"] = console._("Choose a status.")
        if description:
            if len(description) > 20_000:
                errors[f"description.{external_id}"] = console._("At most {n} characters.", n=20_000)
            else:
                changes["description"] = description
        if changes:
            overrides[external_id] = ProductOverride(**changes)
    if errors:
        raise invalid(console._("Please correct the fields marked below."), **errors)
    if len(chosen) > 1000:
        raise invalid(
            console._("Select at most 1000 products, or publish all."), products=console._("Too many.")
        )
    return PublishRequest(
        external_ids=[] if every else chosen,
        all=every,
        status=ProductStatus(status_value),
        overrides=overrides,
    )
