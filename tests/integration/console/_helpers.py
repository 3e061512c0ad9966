"""Console test helpers for the content, theme and settings areas: a Viewer of wizamart."""

from __future__ import annotations

import contextlib

from orion.errors import OrionError
from orion.identity.service import create_staff_user
from orion.modules.manifest import Role
from orion.tenant import Tenant
from tests.console import CONSOLE_LOGINS, ConsoleBrowser, signed_in

VIEWER = ("viewer@wizamart.lu", "wizamart-viewer-demo")


def viewer() -> ConsoleBrowser:
    """A signed-in Viewer of wizamart (created on first use)."""
    if "wizamart-viewer-content" not in CONSOLE_LOGINS:
        CONSOLE_LOGINS["wizamart-viewer-content"] = VIEWER
    with contextlib.suppress(OrionError):  # already there in this test's data
        create_staff_user(Tenant("oms", "wizamart"), VIEWER[0], "Vera Viewer", VIEWER[1], Role.VIEWER)
    return signed_in("wizamart-viewer-content")


def audit_actions(platform: str = "oms", store: str = "wizamart") -> list[str]:
    """The actions in a store's audit log, newest first."""
    from orion.audit import service as audit

    return [entry.action for entry in audit.list_entries(Tenant(platform, store), limit=200)[0]]
