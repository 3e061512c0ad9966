"""``/api/v1/admin/modules``: every module, core or optional, and whether it runs on this platform."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from functions.admin_api.access import Admin
from orion.modules.registry import discover_modules, running_modules

router = APIRouter(prefix="/admin", tags=["admin"])


class ModuleOut(BaseModel):
    code: str
    name: str
    optional: bool
    enabled: bool
    dependencies: list[str]
    permissions: list[str]
    menu: list[str]
    scheduled_tasks: list[str]


@router.get("/modules", summary="Every module: core or optional, and whether it runs on this platform")
def list_modules(admin: Admin) -> list[ModuleOut]:
    running = {m.code for m in running_modules(admin.resolved.platform.enabled_modules)}
    return [
        ModuleOut(
            code=m.code,
            name=m.name,
            optional=m.optional,
            enabled=m.code in running,
            dependencies=list(m.dependencies),
            permissions=[p.code for p in m.permissions],
            menu=[e.label for e in m.menu],
            scheduled_tasks=[t.name for t in m.scheduled_tasks],
        )
        for m in discover_modules()
    ]
