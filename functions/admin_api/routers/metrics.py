"""``/api/v1/admin/metrics``: the platform's figures from every running module."""

from __future__ import annotations

from fastapi import APIRouter

from functions.admin_api.access import Admin
from orion.metrics.aggregator import enabled_providers, platform_report, widgets_of

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/metrics", summary="The platform's figures from every running module (counters, no scans)")
def platform_metrics(admin: Admin) -> dict[str, object]:
    enabled = admin.resolved.platform.enabled_modules
    report = platform_report(admin.tenant.platform, enabled_providers(enabled))
    return {**report.as_dict(), "widgets": widgets_of(report, enabled)}
