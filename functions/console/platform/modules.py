"""The platform console's modules ``/admin/modules``: every module, core or optional, and whether it
runs; switching an optional one on or off says what follows before it happens (a confirmation page,
or the reason it cannot), then applies it as ``PATCH /api/v1/admin/platform`` does
(``orion.modules.registry.plan_switch``, ``orion.tenancy.platforms.update_platform``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from functions.console.auditing import record_admin
from functions.console.web import Posted, SignedIn, invalid
from orion.modules.registry import discover_modules, optional_module_codes, plan_switch, running_modules
from orion.tenancy import platforms

router = APIRouter()


def _names(codes: tuple[str, ...] | list[str]) -> str:
    by_code = {m.code: m.name for m in discover_modules()}
    return ", ".join(by_code.get(code, code) for code in codes)


@router.get("/admin/modules")
def modules(console: SignedIn) -> HTMLResponse:
    console.admin()
    enabled = platforms.get_platform(console.access.tenant).enabled_modules
    running = {m.code for m in running_modules(enabled)}
    return console.render(
        "platform/modules.html",
        modules=discover_modules(),
        running=running,
        enabled=enabled,
        names=_names,
    )


@router.post("/admin/modules/{code}")
def switch(console: Posted, code: str) -> Response:
    """``enabled`` = ``on`` or ``off``; without ``confirm=yes`` the page says what the switch does."""
    console.admin()
    wanted = console.form.get("enabled")
    if wanted not in ("on", "off"):
        raise invalid("Choose on or off.", enabled="Choose on or off.")
    enabled = platforms.get_platform(console.access.tenant).enabled_modules
    plan = plan_switch(enabled, code, on=wanted == "on")
    if not plan.changes:
        state = console._("on") if plan.on else console._("off")
        return console.redirect(
            "/admin/modules", console._("{name} is already {state}.", name=plan.module.name, state=state)
        )
    if not plan.allowed or console.form.get("confirm") != "yes":
        return console.render(
            "platform/module_switch.html", 409 if plan.blocked_by else 200, plan=plan, names=_names
        )
    platforms.update_platform(
        console.access.tenant,
        enabled_modules=sorted(plan.enabled_after),
        known_optional_modules=optional_module_codes(),
    )
    record_admin(
        console,
        "platform.update",
        console.access.tenant.platform,
        details={"enabled_modules": sorted(plan.enabled_after)},
    )
    notice = (
        console._("{name} is on.", name=plan.module.name)
        if plan.on
        else console._("{name} is off.", name=plan.module.name)
    )
    return console.redirect("/admin/modules", notice)
