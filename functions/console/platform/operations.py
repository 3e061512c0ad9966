"""The platform console's operations: bulk store import ``/admin/bulk-import`` (a CSV from the
browser, a result row per store, results kept to show again and download), catalogue imports across
the platform's stores ``/admin/imports`` (stuck ones flagged, re-run) and the outbox ``/admin/outbox``
(failed and waiting e-mails, retry). The same ``orion`` use cases and audit actions as the admin API
(``/api/v1/admin/stores/bulk-import``, ``/api/v1/admin/imports``, ``/api/v1/admin/outbox``)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from functools import partial
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from functions.common import edge
from functions.console.platform.content import audit
from functions.console.web import Console, CsrfRefused, Form, Posted, SignedIn, same_origin, signed_in
from orion.errors import Invalid, NotFound
from orion.identity import sessions
from orion.tenant import CODE_PATTERN, Tenant

router = APIRouter()

ID = r"^[0-9A-Z]{26}$"
Id = Annotated[str, Path(pattern=ID)]
StoreCode = Annotated[str, Path(pattern=CODE_PATTERN.pattern)]
MAX_CSV_BYTES = 2 * 1024 * 1024  # what the admin API's bulk import accepts


# --- a multipart form (the CSV upload; the console's other forms are urlencoded) ---------------------


async def read_multipart(request: Request) -> tuple[Form, dict[str, bytes]]:
    """The text fields and the files (by field name) of a ``multipart/form-data`` body, read with the
    standard library's MIME parser; bodies past the bulk import's size are refused."""
    kind = request.headers.get("content-type", "")
    if not kind.lower().startswith("multipart/form-data"):
        raise Invalid("Send the form as multipart/form-data.")
    body = await request.body()
    if len(body) > MAX_CSV_BYTES + 64 * 1024:
        raise Invalid(f"The CSV may be at most {MAX_CSV_BYTES // (1024 * 1024)} MB.")
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode("latin-1") + body)
    if not message.is_multipart():
        raise Invalid("The form could not be read.")
    pairs: list[tuple[str, str]] = []
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            files[name] = content
        else:
            pairs.append((name, content.decode("utf-8", errors="replace")))
    return Form(tuple(pairs)), files


async def posted_upload(request: Request) -> tuple[Console, dict[str, bytes]]:
    """As the console's ``Posted`` (a live session, the same origin, this session's CSRF token), for a
    multipart form."""
    console = signed_in(request)
    form, files = await read_multipart(request)
    assert console.session is not None
    if not same_origin(request) or not sessions.csrf_matches(console.session, form.get("csrf_token")):
        raise CsrfRefused
    console.form = form
    return console, files


Uploaded = Annotated[tuple[Console, dict[str, bytes]], Depends(posted_upload)]


# --- bulk store import -----------------------------------------------------------------------------------


@router.get("/admin/bulk-import")
def bulk_form(console: SignedIn) -> HTMLResponse:
    from orion.imports.bulk_stores import BULK_HEADER

    console.admin()
    return console.render("platform/bulk_import.html", header=",".join(BULK_HEADER), errors={}, message=None)


@router.post("/admin/bulk-import")
def bulk_run(upload: Uploaded) -> Response:
    """Create the CSV's stores (a bad row never stops the others), keep the results and show them at
    their own address (a reload shows them again, ``results.csv`` downloads them)."""
    from orion.imports.bulk_stores import BULK_HEADER, bulk_import_stores, save_results

    console, files = upload
    access = console.admin()
    content = files.get("file", b"")

    def again(message: str) -> HTMLResponse:
        errors = {"file": message}
        return console.render(
            "platform/bulk_import.html", 422, header=",".join(BULK_HEADER), errors=errors, message=message
        )

    if not content.strip():
        return again(console._("Choose a CSV file with at least one store."))
    if len(content) > MAX_CSV_BYTES:
        return again(console._("The CSV may be at most {n} MB.", n=MAX_CSV_BYTES // (1024 * 1024)))
    platform_host = (edge.viewer_host(console.request.headers) or "").removeprefix("api.")
    scheme = edge.viewer_scheme(console.request.headers)
    accept_url = f"{scheme}://{{store}}.{platform_host}/api/v1/team/invitations/accept"
    try:
        results = bulk_import_stores(access.tenant, content, accept_url=accept_url, admin_id=access.user_id)
    except Invalid as exc:
        return again(console.error_message(exc))
    for result in results:
        if result.status == "created":
            audit(console, "stores.bulk_import", f"store:{result.store}", store=result.store)
    run_id = save_results(access.tenant.platform, results)
    return console.redirect(
        f"/admin/bulk-import/{run_id}", "The file is imported: a result row per store below."
    )


@router.get("/admin/bulk-import/{run_id}")
def bulk_results(run_id: Id, console: SignedIn) -> HTMLResponse:
    from orion.imports.bulk_stores import load_results

    access = console.admin()
    results = load_results(access.tenant.platform, run_id)
    created = sum(1 for result in results if result.status == "created")
    return console.render(
        "platform/bulk_results.html",
        run_id=run_id,
        results=results,
        created=created,
        failed=len(results) - created,
    )


@router.get("/admin/bulk-import/{run_id}/results.csv")
def bulk_results_csv(run_id: Id, console: SignedIn) -> Response:
    from orion.imports.bulk_stores import load_results, results_csv

    access = console.admin()
    body = results_csv(load_results(access.tenant.platform, run_id))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="bulk-import-{run_id}.csv"',
            "Cache-Control": "no-store",
        },
    )


# --- import jobs across stores ---------------------------------------------------------------------------


# The status filter's choices, as the admin API's ``status`` (empty: every status).
IMPORT_STATUSES = (
    ("", "Any status"),
    ("PENDING", "Pending"),
    ("RUNNING", "Running"),
    ("FAILED", "Failed"),
    ("COMPLETED_WITH_ERRORS", "Completed with errors"),
    ("COMPLETED", "Completed"),
)
IMPORTS_PAGE = 50


@router.get("/admin/imports")
def imports_list(
    console: SignedIn,
    *,
    store: Annotated[str, Query(max_length=63)] = "",
    status: Annotated[str, Query(max_length=30)] = "",
    older_than_hours: Annotated[str, Query(max_length=6)] = "",
    stuck: Annotated[int, Query(ge=1, le=10080)] = 30,
    cursor: Annotated[str, Query(max_length=1000)] = "",
) -> HTMLResponse:
    """The platform's import jobs across its stores, as the admin API's ``GET /api/v1/admin/imports``
    lists them: unfinished ones first (stuck before the rest), then failed, completed with errors and
    completed ones, newest first; filtered by store, status and age, a page at a time."""
    from orion.errors import BadRequest
    from orion.imports import service as imports
    from orion.imports.models import ImportJob, ImportStatus
    from orion.tenancy.stores import store_profile

    access = console.admin()
    platform = access.tenant.platform
    store = store.strip().lower()
    errors: dict[str, str] = {}
    code = 200
    if store and not CODE_PATTERN.fullmatch(store):
        errors["store"] = console._("Enter a store code (lower-case letters, digits and '-').")
        code = 422
    elif store and store_profile(Tenant(platform, store)) is None:
        errors["store"] = console._("No such store on this platform.")
        code = 404
    if status and status not in {value for value, _ in IMPORT_STATUSES}:
        errors["status"] = console._("Choose a status.")
        code = 422
    hours = older_than_hours.strip()
    if hours and not (hours.isdigit() and int(hours) <= 24 * 366):
        errors["older_than_hours"] = console._("Enter a number of hours.")
        code = 422
    rows: list[tuple[ImportJob, bool]] = []
    next_cursor = None
    message = None
    if not errors:
        listing = partial(
            imports.platform_import_jobs,
            Tenant(platform),
            now=datetime.now(UTC),
            status=ImportStatus(status) if status else None,
            store=store or None,
            older_than_hours=int(hours) if hours else None,
            stuck_after_minutes=stuck,
            limit=IMPORTS_PAGE,
        )
        try:
            page = listing(cursor=cursor or None)
        except BadRequest:
            message = console._("That page link is not valid; here is the first page.")
            page = listing()
        rows = [(listed.job, listed.stuck) for listed in page.jobs]
        next_cursor = page.next_cursor
    filters = {"store": store, "status": status, "older_than_hours": hours, "stuck": str(stuck)}
    return console.render(
        "platform/imports.html",
        code,
        rows=rows,
        filters=filters,
        statuses=[(value, console._(label)) for value, label in IMPORT_STATUSES],
        next_query=urlencode({**{k: v for k, v in filters.items() if v}, "cursor": next_cursor})
        if next_cursor
        else None,
        errors=errors,
        message=message,
        rerunnable=lambda job, is_stuck: not job.rerun_as and (is_stuck or job.status.value == "FAILED"),
    )


@router.post("/admin/imports/{store}/{job_id}/rerun")
def imports_rerun(store: StoreCode, job_id: Id, console: Posted) -> Response:
    from orion.imports import rerun
    from orion.tenancy.stores import store_profile

    access = console.admin()
    tenant = Tenant(access.tenant.platform, store)
    if store_profile(tenant) is None:
        raise NotFound("No such store on this platform.")
    job = rerun.rerun_import(tenant, job_id, created_by=f"admin:{access.user_id}")
    audit(console, "import.rerun", f"import:{job_id}", store=store, new_job_id=job.id)
    return console.redirect(f"/admin/imports?store={store}", "The import runs again as a new job.")


# --- outbox ----------------------------------------------------------------------------------------------


@router.get("/admin/outbox")
def outbox_list(
    console: SignedIn, status: Annotated[str, Query(pattern="^(failed|pending)$")] = "failed"
) -> HTMLResponse:
    from orion.outbox import service as outbox

    access = console.admin()
    messages = outbox.list_undelivered(access.tenant, failed=status == "failed", limit=100)
    return console.render("platform/outbox.html", messages=messages, which=status)


@router.post("/admin/outbox/{message_id}/retry")
def outbox_retry(message_id: Id, console: Posted) -> Response:
    from orion.outbox import service as outbox

    access = console.admin()
    message = outbox.requeue(access.tenant, message_id)
    audit(console, "outbox.retry", message_id, store=message.store)
    return console.redirect("/admin/outbox", "The e-mail is sent again shortly.")
