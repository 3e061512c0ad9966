"""Platform admin API Lambda (``/api/v1/admin/...`` on ``api.<platform domain>``)."""

from functions.admin_api.routers import router
from functions.staff_api.common.app import create_app, lambda_handler

app = create_app(
    router,
    title="Orion platform admin API",
    description=(
        "Run a platform: its domains and optional modules, merchants, stores and their tiers, staff "
        "users, the audit log and metrics. Served on `api.<platform domain>` to platform admins only. "
        "Errors are RFC 9457 problem+json."
    ),
)
handler = lambda_handler(app)
