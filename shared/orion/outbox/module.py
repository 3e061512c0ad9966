"""Manifest of the outbox (core): e-mails written next to their change; retries of failed sends."""

from orion.modules.manifest import ModuleManifest, ScheduledTask

MANIFEST = ModuleManifest(
    code="outbox",
    name="E-mail outbox",
    scheduled_tasks=(
        ScheduledTask(
            "outbox.retry_undelivered",
            "orion.outbox.tasks:retry_undelivered",
            "rate(5 minutes)",
            "send again e-mails whose delivery failed or never happened (backoff, then given up)",
        ),
    ),
)
