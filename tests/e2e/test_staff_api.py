"""The staff API over HTTP against the server `make run` starts: the invitation flow end to end, and
Schemathesis fuzzing of every operation of the OpenAPI document with a valid token."""

from __future__ import annotations

import itertools
import os
import re
import socket
from functools import cache
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from requests.adapters import HTTPAdapter
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from functions.staff_api.common.docs import merged_openapi
from tests.local_server import LocalServer

pytestmark = pytest.mark.e2e

WIZAMART = "wizamart.oms.localhost"


def sign_in(http: httpx.Client, email: str, password: str) -> str:
    response = http.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_the_docs_and_the_document_are_served(local_server: LocalServer) -> None:
    with local_server.client("api.oms.localhost") as http:
        document = http.get("/api/v1/openapi.json")
        docs = http.get("/api/v1/docs")
    assert document.status_code == 200
    assert "/api/v1/products" in document.json()["paths"]
    assert docs.status_code == 200
    assert "POST /api/v1/auth/login" in docs.text


# slow (make test-deep, which CI runs): tests/integration/staff_api covers invitations and roles.
@pytest.mark.slow
def test_an_invited_editor_joins_signs_in_and_has_editor_permissions_only(local_server: LocalServer) -> None:
    with local_server.client(WIZAMART) as http:
        owner = sign_in(http, "owner@wizamart.lu", "wizamart-owner-demo")
        auth = {"Authorization": f"Bearer {owner}"}
        invited = http.post(
            "/api/v1/team/invitations",
            json={"email": "e2e-editor@example.com", "role": "editor"},
            headers=auth,
        )
        assert invited.status_code == 201
        assert "token" not in invited.text.lower()
    with local_server.client() as dev:
        outbox = dev.get("/_dev/outbox", params={"to": "e2e-editor@example.com"}).json()["messages"]
    [message] = outbox
    link = re.search(r"https?://\S+accept\?token=(\S+)", message["text"])
    assert link is not None, message["text"]
    assert f"{WIZAMART}:{local_server.port}" in link.group(0)
    with local_server.client(WIZAMART) as http:
        accepted = http.post(
            "/api/v1/team/invitations/accept",
            json={"token": link.group(1), "name": "E2E Editor", "password": "e2e-editor-password"},
        )
        assert accepted.status_code == 201, accepted.text
        editor = sign_in(http, "e2e-editor@example.com", "e2e-editor-password")
        auth = {"Authorization": f"Bearer {editor}"}
        me = http.get("/api/v1/auth/me", headers=auth).json()
        [membership] = me["memberships"]
        assert membership["role"] == "editor"
        assert "products.edit" in membership["permissions"]
        assert "team.invite" not in membership["permissions"]
        assert http.get("/api/v1/products", headers=auth).status_code == 200
        assert http.get("/api/v1/team", headers=auth).status_code == 403
        assert http.get("/api/v1/audit", headers=auth).status_code == 403
        assert http.put("/api/v1/settings", headers=auth, json={}).status_code == 403
        # Spent.
        again = http.post("/api/v1/team/invitations/accept", json={"token": link.group(1)})
        assert again.status_code == 410


# --- fuzzing -------------------------------------------------------------------------------------------

DEEP = os.environ.get("ORION_FUZZ_DEPTH") == "deep"
# 10 generated cases per operation in make test (every operation, each new one included, answered with
# bad and odd input: about 800 requests), 100 in make test-deep (CI runs both), 1000 in make fuzz;
# ORION_FUZZ_CASES sets it.
CASES = int(os.environ.get("ORION_FUZZ_CASES", "1000" if DEEP else "10"))
FUZZ_HOST = "cafe.loyalty.localhost"  # its own platform and store, so fuzzing never edits the oms demo
LOGIN = ("POST", "/api/v1/auth/login")
# Failed sign-ins are throttled per account and per source address (production code, unchanged here).
# Fuzzed from the session's own address, login would lock out every later sign-in of the test session
# from 127.0.0.1 for the throttle's window. So each generated sign-in comes from its own loopback
# address (all of 127.0.0.0/8 reaches the local server on Linux; the gateway takes the source from the
# socket, as API Gateway does), and the e-mails are generated, never a real account's: no real account
# and no other test's address is ever counted, and every case runs the whole sign-in path (lookup,
# argon2, failure counters) instead of stopping at the throttle. The throttle itself is asserted in
# tests/integration/staff_api/test_auth.py.
REAL_ACCOUNTS = {"owner@cafe.lu", "owner@wizamart.lu", "editor@wizamart.lu", "owner@bakery.lu"}
_sources = itertools.cycle(f"127.0.{a}.{b}" for a in range(1, 4) for b in range(1, 255))

# The bounded run (make test) skips Schemathesis' coverage phase (boundary values per field) to stay
# within its budget; the deep run (make fuzz) adds it back with ten times the generated cases.
schema = schemathesis.openapi.from_dict(
    merged_openapi(), config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": DEEP}}})
)


class _SourceAddressAdapter(HTTPAdapter):
    """Connections from a chosen local address (urllib3's ``source_address``)."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


@cache
def _other_loopback_addresses() -> bool:
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.1.1", 0))
    except OSError:
        return False
    return True


def login_session() -> requests.Session:
    """A session whose connections come from the next unused loopback address."""
    if not _other_loopback_addresses():
        pytest.skip("fuzzing login needs loopback addresses besides 127.0.0.1 (Linux has 127.0.0.0/8)")
    session = requests.Session()
    session.mount("http://", _SourceAddressAdapter(next(_sources)))
    return session


@pytest.fixture(scope="module")
def fuzz_session(local_server: LocalServer) -> dict[str, str]:
    with local_server.client(FUZZ_HOST) as http:
        token = sign_in(http, "owner@cafe.lu", "cafe-owner-demo")
    return {"Host": f"{FUZZ_HOST}:{local_server.port}", "Authorization": f"Bearer {token}"}


@pytest.mark.fuzz
@schema.include(method_regex="GET|PUT|POST|PATCH|DELETE").parametrize()
@settings(
    max_examples=CASES,
    deadline=None,
    derandomize=not DEEP,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_ever_answers_with_a_server_error(
    case: Any, local_server: LocalServer, fuzz_session: dict[str, str]
) -> None:
    if case.method.upper() not in {"GET", "PUT", "POST", "PATCH", "DELETE", "OPTIONS", "HEAD"}:
        return  # TRACE and friends never reach a function: API Gateway (and the local one) refuse them
    session = None
    if (case.method.upper(), case.path) == LOGIN:
        if isinstance(case.body, dict) and str(case.body.get("email", "")).strip().lower() in REAL_ACCOUNTS:
            return  # never count a failed sign-in against a real account
        session = login_session()
    try:
        case.call_and_validate(
            base_url=local_server.base_url,
            session=session,
            headers={**dict(case.headers or {}), **fuzz_session},
            checks=[not_a_server_error],
            # Generous: a loaded CI machine can take seconds on a cold execution environment; a real
            # hang still fails.
            timeout=60,
        )
    finally:
        if session is not None:
            session.close()
