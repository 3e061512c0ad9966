"""Admin API routers, one module per concern, each exporting ``router`` under ``/admin``; the admin API
function serves them all but the bulk store import (functions/admin_api/handler.py).

Every route needs a platform admin of the host's platform (functions/admin_api/access.py) and works on
that platform only; writes are audit-logged.
"""
