"""Every permission-guarded staff operation, as every role: allowed -> 2xx (and audited if it writes),
denied -> 403. Generated from the routes' own permission declarations, so a new route cannot slip by."""

from __future__ import annotations

import re

import pytest

from functions.staff_api.common.access import route_permission
from functions.staff_api.common.docs import all_routers
from orion.modules.manifest import Role
from orion.modules.registry import module_of_permission, permissions_of_role
from tests.integration.staff_api.operations import WIZAMART, examples
from tests.staff import call, token_of

ENABLED = frozenset(
    {
        "orders",
        "customers",
        "inventory",
        "imports",
        "analytics",
        "messaging",
        "payments",
        "billing",
        "channels",
        "media",
    }
)


def guarded_operations() -> dict[tuple[str, str], str]:
    """(method, OpenAPI path) -> permission, for every staff route that requires one."""
    found: dict[tuple[str, str], str] = {}
    for router in all_routers():
        for route in router.routes:
            permission = route_permission(route)
            if permission is None:
                continue
            path = "/api/v1" + re.sub(r"\{(\w+):path\}", r"{\1}", route.path)  # type: ignore[attr-defined]
            for method in route.methods:  # type: ignore[attr-defined]
                found[(method, path)] = permission
    return found


def role_token(role: Role) -> str:
    if role is Role.OWNER:
        return token_of("wizamart-owner")
    if role is Role.EDITOR:
        return token_of("wizamart-editor")
    from orion.identity.service import create_staff_user

    email = f"{role.value}@wizamart.lu"
    create_staff_user(WIZAMART, email, role.value.title(), "a-long-password", role)
    response = call("POST", "/api/v1/auth/login", body={"email": email, "password": "a-long-password"})
    return str(response.json()["access_token"])


def test_every_guarded_operation_has_an_example() -> None:
    # Routers of other features (e.g. imports; payments, which needs a Stripe to check keys against:
    # tests/integration/payments; channels, which needs a second store: tests/integration/channels)
    # bring their own matrix tests.
    ours = {
        key: permission
        for key, permission in guarded_operations().items()
        if module_of_permission(permission).code not in ("imports", "payments", "channels")
    }
    covered = {(e.method, e.template) for e in examples("unused")}
    assert set(ours) <= covered, sorted(set(ours) - covered)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_exactly_what_its_permissions_allow(
    demo: list[str], role: Role, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORION_DOMAIN_VERIFICATION", "trust")
    from orion.settings import reset_settings

    reset_settings()
    owner = token_of("wizamart-owner")
    token = role_token(role)
    granted = permissions_of_role(role, ENABLED)
    guarded = guarded_operations()
    failures: list[str] = []
    for example in examples(owner):
        permission = guarded[(example.method, example.template)]
        path, body = example.prepare()
        base, _, query = path.partition("?")
        response = call(example.method, base, body=body, token=token, query=query)
        allowed = permission in granted
        ok = 200 <= response.status < 300 if allowed else response.status == 403
        if not ok:
            failures.append(
                f"{role.value} {example.method} {path} ({permission}, "
                f"{'allowed' if allowed else 'denied'}) -> {response.status} {response.body[:200]!r}"
            )
    assert failures == [], "\n".join(failures)


# Renders that store nothing (and so write no audit entry).
PREVIEWS = ("/api/v1/theme/preview", "/api/v1/theme/settings/preview")


def test_every_successful_write_is_in_the_audit_log(demo: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORION_DOMAIN_VERIFICATION", "trust")
    from orion.audit.service import list_entries
    from orion.settings import reset_settings

    reset_settings()
    owner = token_of("wizamart-owner")
    missing: list[str] = []
    for example in examples(owner):
        if example.method == "GET" or example.template in PREVIEWS:
            continue
        path, body = example.prepare()
        before = len(list_entries(WIZAMART, limit=200)[0])
        response = call(example.method, path, body=body, token=owner)
        assert 200 <= response.status < 300, (example.method, path, response.body)
        entries = list_entries(WIZAMART, limit=200)[0]
        if len(entries) != before + 1 or not entries[0].request_id:
            missing.append(f"{example.method} {path}")
    assert missing == []
