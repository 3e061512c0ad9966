"""Demo staff: an Owner and an Editor of wizamart, an Owner of bakery, an Owner of the loyalty
platform's cafe (demo-only passwords)."""

from __future__ import annotations

from orion.identity.service import create_staff_user
from orion.modules.manifest import Role
from orion.tenant import Tenant

# (platform, store, e-mail, name, password, role); the passwords exist for the local demo only.
DEMO_STAFF = (
    ("oms", "wizamart", "owner@wizamart.lu", "Wanda Owner", "wizamart-owner-demo", Role.OWNER),
    ("oms", "wizamart", "editor@wizamart.lu", "Eddie Editor", "wizamart-editor-demo", Role.EDITOR),
    ("oms", "bakery", "owner@bakery.lu", "Bob Baker", "bakery-owner-demo", Role.OWNER),
    # On the other platform; the end-to-end fuzzing signs in here, so it never edits the oms stores.
    ("loyalty", "cafe", "owner@cafe.lu", "Carla Cafe", "cafe-owner-demo", Role.OWNER),
)


def seed(port: int) -> list[str]:
    lines = ["Store console (staff sign in in the browser; the same logins serve the staff API):"]
    for platform, store, email, name, password, role in DEMO_STAFF:
        create_staff_user(Tenant(platform, store), email, name, password, role)
        console = f"http://{store}.{platform}.localhost:{port}/admin/"
        lines.append(f"  {console:<45} {role.value:<7} {email:<20} {password}")
    lines.append("Staff API (POST /api/v1/auth/login on the store's host):")
    lines.append(
        f"  e.g. curl -H 'Host: wizamart.oms.localhost' -H 'Content-Type: application/json' "
        f'-d \'{{"email":"owner@wizamart.lu","password":"wizamart-owner-demo"}}\' '
        f"localhost:{port}/api/v1/auth/login"
    )
    lines.append(f"  API docs: http://api.oms.localhost:{port}/api/v1/docs")
    return lines
