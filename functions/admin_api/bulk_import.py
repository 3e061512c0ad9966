"""Platform admin API Lambda for ``POST /api/v1/admin/stores/bulk-import``: stores from a CSV
(docs/imports.md, Bulk store import).

A function of its own (a more specific route than the admin API's ``/api/v1/admin/{proxy+}``): it needs
the uploads bucket, and a bulk run may take longer than the admin API's other calls.
"""

from __future__ import annotations

from functions.admin_api.routers.bulk_import import router
from functions.staff_api.common.app import create_app, lambda_handler

app = create_app(router)
handler = lambda_handler(app)
