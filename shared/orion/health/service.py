"""Liveness and readiness reports for the health endpoints and the CDK's alarms."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pydantic import BaseModel

from orion.health.probes import AwsResourceProbe, ResourceProbe
from orion.settings import get_settings


class Check(BaseModel):
    """One dependency and whether it answered."""

    name: str
    ok: bool
    reason: str | None = None


class Readiness(BaseModel):
    """Ready only when every dependency answered."""

    status: str
    checks: list[Check]

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def liveness() -> dict[str, str]:
    """The process runs and can answer; nothing outside it is asked."""
    return {"status": "ok", "stage": get_settings().stage}


def readiness(probe: ResourceProbe | None = None) -> Readiness:
    """Whether the table and every bucket answer, checked in parallel (one slow bucket does not add up)."""
    probe = probe or AwsResourceProbe()
    settings = get_settings()
    targets: list[tuple[str, str, str]] = [
        ("table", "main", settings.table_name),
        ("bucket", "templates", settings.templates_bucket),
        ("bucket", "uploads", settings.uploads_bucket),
        ("bucket", "reports", settings.reports_bucket),
    ]

    def run(target: tuple[str, str, str]) -> Check:
        kind, label, name = target
        reason = probe.table(name) if kind == "table" else probe.bucket(name)
        return Check(name=f"{kind}:{label}", ok=reason is None, reason=reason)

    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        checks = list(pool.map(run, targets))
    return Readiness(status="ready" if all(c.ok for c in checks) else "not-ready", checks=checks)
