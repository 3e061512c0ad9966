"""Platform admin API Lambda (``/api/v1/admin/...`` on ``api.<platform domain>``), with its OpenAPI
document at ``/api/v1/admin/openapi.json`` and a browsable page at ``/api/v1/admin/docs``."""

from __future__ import annotations

from functools import cache
from typing import Any

from functions.admin_api.routers import (
    audit,
    imports,
    merchants,
    metrics,
    modules,
    outbox,
    pages,
    platform,
    stores,
    theme,
    tiers,
    users,
)
from functions.staff_api.common.app import API_PREFIX, create_app, lambda_handler
from functions.staff_api.common.docs import serve_docs

TITLE = "Orion platform admin API"
DESCRIPTION = (
    "Run a platform: its domains and optional modules, merchants, stores and their tiers, staff "
    "users, the audit log and metrics. Served on `api.<platform domain>` to platform admins only. "
    "Errors are RFC 9457 problem+json."
)
# In the order the OpenAPI document lists them.
ROUTERS = (
    platform.router,
    modules.router,
    tiers.router,
    merchants.router,
    stores.router,
    users.router,
    audit.router,
    metrics.router,
    outbox.router,
    pages.router,
    theme.router,
    imports.router,
)
app = create_app(*ROUTERS, title=TITLE, description=DESCRIPTION)


@cache
def openapi_document() -> dict[str, Any]:
    """Every admin operation, the bulk store import (its own function) included; built on the first
    docs request only, so the admin API's cold start never imports the bulk importer."""
    from functions.admin_api.routers.bulk_import import router as bulk_router

    document: dict[str, Any] = create_app(
        *ROUTERS, bulk_router, title=TITLE, description=DESCRIPTION
    ).openapi()
    return document


serve_docs(app, f"{API_PREFIX}/admin", openapi_document)
handler = lambda_handler(app)
