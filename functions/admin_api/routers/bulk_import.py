"""``POST /api/v1/admin/stores/bulk-import``: stores, their owners and catalogue imports from a CSV
(docs/imports.md, Bulk store import); served by its own function (functions/admin_api/bulk_import.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from functions.admin_api.access import Admin, audit_admin
from functions.common import edge
from orion.errors import BadRequest
from orion.imports.bulk_stores import BULK_HEADER, bulk_import_stores

router = APIRouter(prefix="/admin", tags=["admin"])
MAX_CSV_BYTES = 2 * 1024 * 1024


class BulkRowOut(BaseModel):
    row: int
    subdomain: str
    status: str
    message: str
    store: str | None
    owner: str | None
    import_job_id: str | None


class BulkResultOut(BaseModel):
    created: int
    failed: int
    rows: list[BulkRowOut]


@router.post(
    "/stores/bulk-import",
    summary="Create stores, their owners and (optionally) their catalogue imports from a CSV",
    description=(
        "Send the CSV as the request body (`Content-Type: text/csv`) with the header "
        f"`{','.join(BULK_HEADER)}`. Every row gets its own result; a bad row never stops the others."
    ),
)
async def bulk_import(request: Request, admin: Admin) -> BulkResultOut:
    content = await request.body()
    if not content.strip():
        raise BadRequest("Send the CSV as the request body.")
    if len(content) > MAX_CSV_BYTES:
        raise BadRequest(f"The CSV may be at most {MAX_CSV_BYTES // (1024 * 1024)} MB.")
    # Invited owners accept on their new store's host: <store>.<platform domain> (this is api.<domain>).
    platform_host = (edge.viewer_host(request.headers) or "").removeprefix("api.")
    scheme = edge.viewer_scheme(request.headers)
    accept_url = f"{scheme}://{{store}}.{platform_host}/api/v1/team/invitations/accept"
    results = bulk_import_stores(admin.tenant, content, accept_url=accept_url, admin_id=admin.user.id)
    created = [r for r in results if r.status == "created"]
    for result in created:
        audit_admin(request, admin, "stores.bulk_import", f"store:{result.store}", store=result.store)
    return BulkResultOut(
        created=len(created),
        failed=len(results) - len(created),
        rows=[BulkRowOut(**vars(r)) for r in results],
    )
