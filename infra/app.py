"""The Orion CDK app: ``python -m infra.app`` (what ``make synth`` and cdk.json's ``app`` run).

Stacks per environment (``-c env=dev|prod``, settings in cdk.json): data, mail, api, observability,
imports, storefront. Every resource comes from infra/wiring.py. cdk-nag AwsSolutions checks run on
synth; an unacknowledged finding fails it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from infra.config import (
    OVERRIDE_KEYS,
    Deployment,
    InvalidEnvironment,
    cdk_json_context,
    deployment_from_context,
)

if TYPE_CHECKING:
    from aws_cdk import App

# The CDK (jsii starts a Node process) is imported by the functions that build the app, not here: a
# misconfigured environment is refused in well under a second, before any of it loads.


def build_app(context: Mapping[str, Any] | None = None, outdir: str | None = None) -> App:
    """An app with every stack of one environment; ``context`` overrides cdk.json's."""
    from aws_cdk import App, Validations
    from cdk_nag import AwsSolutionsChecks

    merged: dict[str, Any] = {**cdk_json_context(), **(context or {})}
    app = App(context=merged, outdir=outdir)
    # The CLI's -c values (CDK_CONTEXT_JSON) override cdk.json's; read them through the app.
    keys = {*merged, *OVERRIDE_KEYS}
    deployment = deployment_from_context({key: app.node.try_get_context(key) for key in keys})
    add_stacks(app, deployment)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def add_stacks(app: App, deployment: Deployment) -> None:
    from aws_cdk import Environment, Tags

    from infra.stacks.api import ApiStack
    from infra.stacks.data import DataStack
    from infra.stacks.imports import ImportsStack
    from infra.stacks.mail import MailStack
    from infra.stacks.observability import ObservabilityStack
    from infra.stacks.storefront import EdgeWafStack, StorefrontStack

    env = Environment(
        account=deployment.account or os.environ.get("CDK_DEFAULT_ACCOUNT"),
        region=deployment.region or os.environ.get("CDK_DEFAULT_REGION"),
    )
    prefix = deployment.prefix
    data = DataStack(app, f"{prefix}-data", deployment=deployment, env=env)
    mail = MailStack(app, f"{prefix}-mail", deployment=deployment, env=env)
    api = ApiStack(app, f"{prefix}-api", deployment=deployment, data=data, mail=mail, env=env)
    observability = ObservabilityStack(
        app, f"{prefix}-observability", deployment=deployment, api=api, env=env
    )
    ImportsStack(
        app, f"{prefix}-imports", deployment=deployment, api=api, observability=observability, env=env
    )
    web_acl_arn: str | None = None
    cross_region = False
    if deployment.waf == "create":
        edge = EdgeWafStack(
            app,
            f"{prefix}-edge-waf",
            deployment=deployment,
            env=Environment(account=env.account, region="us-east-1"),
        )
        web_acl_arn = edge.web_acl.attr_arn
        cross_region = env.region != "us-east-1"
    elif deployment.waf.startswith("arn:"):
        web_acl_arn = deployment.waf
    storefront = StorefrontStack(
        app,
        f"{prefix}-storefront",
        deployment=deployment,
        api=api,
        web_acl_arn=web_acl_arn,
        cross_region_references=cross_region,
        env=env,
    )
    storefront.add_stack_dependency(data, "the origin-verify secret must exist before CloudFront resolves it")
    Tags.of(app).add("app", "orion")
    Tags.of(app).add("environment", deployment.name)


def requested_deployment() -> Deployment:
    """The deployment this run asks for: cdk.json's context, overridden by the CLI's ``-c`` values
    (which it passes in ``CDK_CONTEXT_JSON``); raises :class:`InvalidEnvironment`."""
    cli_context = json.loads(os.environ.get("CDK_CONTEXT_JSON") or "{}")
    return deployment_from_context({**cdk_json_context(), **cli_context})


def main() -> int:
    started = time.perf_counter()
    try:
        requested_deployment()
    except InvalidEnvironment as error:
        # A settings mistake is the operator's to fix: one message naming the setting, no traceback.
        print(f"error: {error}", file=sys.stderr)
        return 2
    # The CLI passes context through CDK_CONTEXT_JSON; plain `python -m infra.app` uses cdk.json's.
    app = build_app(outdir=os.environ.get("CDK_OUTDIR") or "cdk.out")
    assembly = app.synth()
    stacks = ", ".join(stack.stack_name for stack in assembly.stacks)
    print(f"synthesised {stacks} into {assembly.directory} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
