"""`make admin ENV=local` against the local cloud as `make run` starts it: the CLI invokes the same
platform_bootstrap function, the link arrives in the outbox, works once, and an expired one is refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import boto3

from infra.wiring import LOCAL_REGION, table
from tests.environment import REPO_ROOT
from tests.local_server import LocalServer


def make_admin(server: LocalServer, email: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ORION_"))}
    env["PYTHONPATH"] = "shared:."
    return subprocess.run(
        [sys.executable, "-m", "infra.admin", "--env", "local", "--platform", "oms", "--email", email,
         "--port", str(server.port), "--aws-port", str(server.aws_port)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def sign_in_link(server: LocalServer, email: str) -> str:
    with server.client() as client:
        messages = client.get("/_dev/outbox", params={"to": email}).json()["messages"]
    mail = next(m for m in messages if m["kind"] == "sign-in-link")
    found = re.search(r"(http://api\.oms\.localhost:\d+/api/v1/auth/sign-in-link)\?token=(\S+)", mail["text"])
    assert found, mail["text"]
    assert found.group(1).endswith(f":{server.port}/api/v1/auth/sign-in-link")
    return found.group(2)


def redeem(server: LocalServer, token: str, password: str) -> int:
    with server.client("api.oms.localhost") as client:
        answer = client.post("/api/v1/auth/sign-in-link", json={"token": token, "password": password})
    return answer.status_code


def test_make_admin_in_the_local_cloud_sends_a_link_that_works_once(local_server: LocalServer) -> None:
    done = make_admin(local_server, "first-admin@oms.lu")
    assert done.returncode == 0, done.stderr
    assert "first-admin@oms.lu is a platform admin of oms (a new account)" in done.stdout
    assert "token" not in done.stdout  # the link goes by e-mail only
    token = sign_in_link(local_server, "first-admin@oms.lu")
    with local_server.client("api.oms.localhost") as client:
        page = client.get("/api/v1/auth/sign-in-link", params={"token": token})
    assert page.status_code == 200 and "first-admin@oms.lu" in page.text
    assert redeem(local_server, token, "a-long-secret-1") == 200
    assert redeem(local_server, token, "a-long-secret-2") == 410
    with local_server.client("api.oms.localhost") as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": "first-admin@oms.lu", "password": "a-long-secret-1"}
        )
        assert login.status_code == 200
        admin = client.get(
            "/api/v1/admin/platform", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
    assert admin.status_code == 200


def test_an_expired_link_is_refused_in_the_local_cloud(local_server: LocalServer) -> None:
    assert make_admin(local_server, "late-admin@oms.lu").returncode == 0
    token = sign_in_link(local_server, "late-admin@oms.lu")
    dynamodb = boto3.client(
        "dynamodb",
        region_name=LOCAL_REGION,
        endpoint_url=f"http://127.0.0.1:{local_server.aws_port}",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
    dynamodb.update_item(
        TableName=table("main").local_name,
        Key={"PK": {"S": f"P#oms#SIGNIN#{token.split('.')[0]}"}, "SK": {"S": "SIGNIN"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"S": past}},
    )
    assert redeem(local_server, token, "a-long-secret-1") == 410


def test_make_admin_for_an_unknown_platform_says_so(local_server: LocalServer) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ORION_"))}
    env["PYTHONPATH"] = "shared:."
    done = subprocess.run(
        [sys.executable, "-m", "infra.admin", "--env", "local", "--platform", "nowhere", "--email", "a@b.lu",
         "--port", str(local_server.port), "--aws-port", str(local_server.aws_port)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "No platform 'nowhere'" in done.stderr
