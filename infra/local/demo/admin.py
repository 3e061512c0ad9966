"""Demo platform admins, one per platform (demo-only passwords)."""

from __future__ import annotations

from orion.identity.service import create_platform_admin
from orion.tenant import Tenant

# (platform, e-mail, name, password); the passwords exist for the local demo only.
DEMO_ADMINS = (
    ("oms", "admin@oms.lu", "Olivia Admin", "oms-admin-demo"),
    ("loyalty", "admin@loyalty.lu", "Lou Admin", "loyalty-admin-demo"),
)


def seed(port: int) -> list[str]:
    lines = ["Platform console (platform admins; the same logins serve the admin API):"]
    for platform, email, name, password in DEMO_ADMINS:
        create_platform_admin(Tenant(platform), email, name, password)
        console = f"http://api.{platform}.localhost:{port}/admin/"
        lines.append(f"  {console:<45} {email:<20} {password}")
    lines.append(f"  merchants sign up at http://oms.localhost:{port}/signup")
    lines.append("Admin API (POST /api/v1/auth/login on api.<platform>.localhost):")
    lines.append(
        f"  then e.g. curl -H 'Host: api.oms.localhost' -H 'Authorization: Bearer <token>' "
        f"localhost:{port}/api/v1/admin/stores   (also /platform, /modules, /tiers, /metrics, /audit)"
    )
    lines.append(f"  health: http://api.oms.localhost:{port}/health and /health/ready")
    return lines
