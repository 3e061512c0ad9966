"""`make admin ENV=dev PLATFORM=oms EMAIL=a@b.c`: make a platform admin and e-mail them a one-time
sign-in link, without a password on any command line.

It invokes the deployed ``platform_bootstrap`` function (its live alias) with the operator's own AWS
credentials, which needs ``lambda:InvokeFunction`` on it. ``ENV=local`` invokes the same function in
the local cloud `make run` started (its AWS endpoint, ``--aws-port``), so the path is the same; the
link then shows in the dev outbox (http://localhost:8000/_dev/outbox).

Usage: python -m infra.admin --env dev|prod|local --platform <code> --email <address> [--name <name>]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import boto3

from infra import wiring
from infra.config import cdk_json_context, deployment_from_context

FUNCTION = "platform_bootstrap"


def request(platform: str, email: str, name: str | None, *, local_port: int | None) -> dict[str, Any]:
    """The function's admin request; the local cloud's links point at its own http port."""
    payload: dict[str, Any] = {"action": "admin", "platform": platform, "email": email}
    if name:
        payload["name"] = name
    if local_port is not None:
        payload |= {"scheme": "http", "port": local_port}
    return payload


def lambda_client_and_target(env: str, aws_port: int) -> tuple[Any, str]:
    """A Lambda client for the environment and the function (alias) to invoke there."""
    wiring.function(FUNCTION)  # fails loudly if the wiring lost it
    if env == "local":
        client = boto3.client(
            "lambda",
            region_name=wiring.LOCAL_REGION,
            endpoint_url=f"http://127.0.0.1:{aws_port}",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        return client, f"orion-{FUNCTION}"
    deployment = deployment_from_context({**cdk_json_context(), "env": env})
    client = boto3.client("lambda", region_name=deployment.region)
    return client, f"{deployment.prefix}-{FUNCTION}:{wiring.LIVE_ALIAS}"


def invoke(client: Any, target: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = client.invoke(FunctionName=target, Payload=json.dumps(payload).encode())
    answer: dict[str, Any] = json.loads(response["Payload"].read() or b"{}")
    if response.get("FunctionError"):
        return {"error": {"status": 500, "message": answer.get("errorMessage", "the function failed")}}
    return answer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.admin", description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", default="dev", help="dev, prod (cdk.json) or local (make run)")
    parser.add_argument("--platform", required=True, help="the platform's code, e.g. oms")
    parser.add_argument("--email", required=True, help="the admin's e-mail address")
    parser.add_argument("--name", default=None, help="the admin's name (a new account only)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ORION_LOCAL_PORT", "8000")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("ORION_LOCAL_AWS_PORT", "4566")))
    args = parser.parse_args(argv)
    client, target = lambda_client_and_target(args.env, args.aws_port)
    local_port = args.port if args.env == "local" else None
    answer = invoke(client, target, request(args.platform, args.email, args.name, local_port=local_port))
    if "error" in answer:
        print(f"make admin: {answer['error']['message']}", file=sys.stderr)
        return 1
    account = "a new account" if answer["created_user"] else "their existing account"
    print(
        f"{answer['email']} is a platform admin of {answer['platform']} ({account}). A one-time sign-in "
        f"link is on its way by e-mail; it works once, until {answer['expires_at']}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
