"""API stack: the HTTP API and one Lambda (with its own least-privilege role) per wiring function."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from aws_cdk import ArnFormat, Aws, CfnOutput, CustomResource, Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra import wiring
from infra.config import REPO_ROOT, Deployment
from infra.stacks.data import (
    DataStack,
    bucket_arn,
    bucket_arn_for_nag,
    bucket_name,
    edge_parameter_arn,
    edge_parameter_name,
    secret_name,
    store_secrets_prefix,
)
from infra.stacks.mail import MailStack, configuration_set_name
from infra.stacks.nag import acknowledge, default_policy
from infra.stacks.permissions import (
    OBJECT_ACTIONS,
    bucket_statements,
    prefix_delete_statements,
    secret_statements,
    store_secret_statements,
    table_statements,
)
from infra.stacks.retention import retention
from layers.dependency_layer import dependency_layer_code

RUNTIME = lambda_.Runtime.PYTHON_3_13
# Stage-wide request limits (API Gateway answers 429 beyond them): well above a busy day's peak and
# well below the account's regional limit, so one runaway client cannot starve the other tenants'
# functions of Lambda concurrency. Per-IP limits are the WAF's (infra/stacks/storefront.py).
THROTTLE_RATE_PER_SECOND = 500
THROTTLE_BURST = 1000
LIVE_ALIAS = wiring.LIVE_ALIAS
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "time": "$context.requestTime",
    "host": "$context.domainName",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "integrationError": "$context.integrationErrorMessage",
}


def state_machine_name(deployment: Deployment, machine: str) -> str:
    """Deterministic, so functions can be given a machine's ARN without a stack cycle."""
    return f"{deployment.prefix}-{machine}"


def state_machine_arn(stack: Stack, deployment: Deployment, machine: str) -> str:
    return stack.format_arn(
        service="states",
        resource="stateMachine",
        resource_name=state_machine_name(deployment, machine),
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


# What the function zip holds besides the handlers: the default theme, which the functions that render
# pages read from ``$LAMBDA_TASK_ROOT/templates`` (orion.rendering.template_store), so a deploy renders
# with an empty templates bucket (it holds only platform and store overrides).
PACKAGED_FOLDERS = ("functions", "templates")


def function_code() -> lambda_.Code:
    """``functions/`` and ``templates/`` go into the function zip; ``orion`` and the libraries come
    from the layer."""
    staging = Path(tempfile.mkdtemp(prefix="orion-functions-"))
    for folder in PACKAGED_FOLDERS:
        shutil.copytree(
            REPO_ROOT / folder,
            staging / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tests", ".*"),
        )
    return lambda_.Code.from_asset(str(staging))


def stream_filters(fn: wiring.Function) -> list[Mapping[str, Any]]:
    """The event source mapping's filters: the function's item kinds, for its events (a removed item's
    kind is in its old image)."""
    kinds = lambda_.FilterRule.or_(*fn.stream_kinds)
    written = [event for event in fn.stream_events if event != "REMOVE"]
    filters: list[Mapping[str, Any]] = []
    if written:
        filters.append(
            lambda_.FilterCriteria.filter(
                {
                    "eventName": lambda_.FilterRule.or_(*written),
                    "dynamodb": {"NewImage": {"kind": {"S": kinds}}},
                }
            )
        )
    if "REMOVE" in fn.stream_events:
        filters.append(
            lambda_.FilterCriteria.filter(
                {
                    "eventName": lambda_.FilterRule.is_equal("REMOVE"),
                    "dynamodb": {"OldImage": {"kind": {"S": kinds}}},
                }
            )
        )
    return filters


class ApiStack(Stack):
    """Every wiring function as a Lambda behind one HTTP API, each with only the access it declares."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        deployment: Deployment,
        data: DataStack,
        mail: MailStack,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.deployment = deployment
        self.data = data
        self.mail = mail
        self.layer = lambda_.LayerVersion(
            self,
            "DependencyLayer",
            code=dependency_layer_code(stub=deployment.stub_layer),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[lambda_.Architecture.ARM_64],
            description="Orion runtime dependencies and the orion package (arm64)",
        )
        self.api_logs = logs.LogGroup(
            self,
            "ApiAccessLogs",
            retention=retention(self.deployment.log_retention_days),
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            api_name=f"{deployment.prefix}-api",
            description="Orion: storefront, checkout, staff and admin APIs",
            create_default_stage=False,
        )
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=THROTTLE_RATE_PER_SECOND, burst_limit=THROTTLE_BURST
            ),
        )
        stage_resource = self.stage.node.default_child
        assert isinstance(stage_resource, apigwv2.CfnStage)
        stage_resource.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=self.api_logs.log_group_arn, format=json.dumps(ACCESS_LOG_FORMAT)
        )
        acknowledge(
            self.http_api,
            "AwsSolutions-APIG4",
            "Authorization happens in the functions: shopper routes are public by design and the staff/admin "
            "APIs verify their own short-lived JWTs (orion identity), per tenant, in-process. Every "
            "function also refuses requests without CloudFront's origin secret (the origin gate).",
        )
        code = function_code()
        # Dead-letter queues by what they catch; the observability stack alarms on each one's depth.
        self.dead_letters: dict[str, sqs.Queue] = {}
        self.queues: dict[str, sqs.Queue] = {queue.name: self._queue(queue) for queue in wiring.QUEUES}
        self.functions: dict[str, lambda_.Function] = {}
        self.aliases: dict[str, lambda_.Alias] = {}
        self.roles: dict[str, iam.Role] = {}
        for fn in wiring.FUNCTIONS:
            self._function(fn, code)
        CfnOutput(
            self,
            "ApiEndpoint",
            value=self.http_api.api_endpoint,
            description="The HTTP API's own endpoint (CloudFront's origin): it answers only requests "
            "carrying CloudFront's origin secret, so shoppers and staff use the storefront distribution",
        )
        self._schedules()
        for fn in wiring.FUNCTIONS:
            if fn.applies_declarations:
                self._declared_platforms(fn)

    def _declared_platforms(self, fn: wiring.Function) -> None:
        """A custom resource whose every Create and Update gives the function the environment's
        declared platforms (cdk.json ``platforms``) to apply; its Delete deletes nothing."""
        framework_logs = logs.LogGroup(
            self,
            f"ProviderLogs-{fn.name}",
            retention=retention(self.deployment.log_retention_days),
            removal_policy=RemovalPolicy.DESTROY,
        )
        provider = cr.Provider(
            self,
            f"Provider-{fn.name}",
            on_event_handler=self.aliases[fn.name],
            log_group=framework_logs,
        )
        declared = [p.model_dump(mode="json", by_alias=True) for p in self.deployment.platforms]
        self.declared_platforms = CustomResource(
            self,
            "DeclaredPlatforms",
            service_token=provider.service_token,
            resource_type="Custom::OrionDeclaredPlatforms",
            # A JSON string: CloudFormation would turn numbers and booleans in nested properties into
            # strings; any change to a declaration is a change of this property, hence an Update.
            properties={"Platforms": json.dumps(declared, sort_keys=True)},
        )
        framework = provider.node.find_child("framework-onEvent")
        acknowledge(
            framework.node.find_child("ServiceRole").node.find_child("Resource"),
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "The CDK Provider framework's own function writes only its log streams (the AWS managed basic "
            "execution role); it is created by aws-cdk-lib, not by us.",
        )

    def _schedules(self) -> None:
        """One EventBridge Scheduler schedule per ``wiring.SCHEDULES`` entry, invoking the target's
        live alias with the schedule's input (the scheduled tasks modules declare)."""
        if not wiring.SCHEDULES:
            return
        targets = sorted({schedule.target for schedule in wiring.SCHEDULES})
        role = iam.Role(
            self,
            "SchedulerRole",
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com"),
            description=f"{self.deployment.prefix}: EventBridge Scheduler invokes the scheduled tasks",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"],
                resources=[self.aliases[target].function_arn for target in targets],
            )
        )
        # A run Scheduler could not deliver after its retries lands here instead of vanishing.
        dead_letters = self._dead_letter_queue(
            "ScheduleDeadLetters", "scheduled runs EventBridge Scheduler could not deliver"
        )
        role.add_to_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[dead_letters.queue_arn])
        )
        self.dead_letters["schedules"] = dead_letters
        for schedule in wiring.SCHEDULES:
            scheduler.CfnSchedule(
                self,
                f"Schedule-{schedule.name}",
                name=f"{self.deployment.prefix}-{schedule.name}",
                description=schedule.description or schedule.name,
                schedule_expression=schedule.expression,
                flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(
                    mode="FLEXIBLE", maximum_window_in_minutes=1
                ),
                target=scheduler.CfnSchedule.TargetProperty(
                    arn=self.aliases[schedule.target].function_arn,
                    role_arn=role.role_arn,
                    input=json.dumps(dict(schedule.input)),
                    retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                        maximum_retry_attempts=2, maximum_event_age_in_seconds=600
                    ),
                    dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                        arn=dead_letters.queue_arn
                    ),
                ),
            )

    def _queue(self, queue: wiring.Queue) -> sqs.Queue:
        """A wiring queue (encrypted, TLS only) with its dead-letter queue, where a message received
        ``max_receives`` times without being deleted moves (alarmed by the observability stack)."""
        dead_letters = self._dead_letter_queue(
            f"QueueDeadLetters-{queue.name}",
            f"messages of the {queue.name} queue its consumer failed on {queue.max_receives} times",
        )
        self.dead_letters[f"queue-{queue.name}"] = dead_letters
        return sqs.Queue(
            self,
            f"Queue-{queue.name}",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(queue.visibility_timeout_seconds),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=queue.max_receives, queue=dead_letters),
        )

    def _dead_letter_queue(self, construct_id: str, holds: str) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            construct_id,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(
            queue,
            "AwsSolutions-SQS3",
            f"This queue is itself a dead-letter destination ({holds}); nothing consumes it but an "
            "operator, and an alarm watches its depth.",
        )
        return queue

    def resource_names(self) -> dict[str, str]:
        """The deployed name of every wiring resource, keyed as ``wiring.environment_of`` expects."""
        names: dict[str, str] = {}
        for name, table in self.data.tables.items():
            names[f"table:{name}"] = table.table_name
        for bucket in wiring.BUCKETS:
            names[f"bucket:{bucket.name}"] = bucket_name(self.deployment, bucket)
        for secret in wiring.SECRETS:
            names[f"secret:{secret.name}"] = secret_name(self.deployment, secret)
        names[wiring.STORE_SECRETS] = store_secrets_prefix(self.deployment)
        for machine in wiring.STATE_MACHINES:
            names[f"state_machine:{machine.name}"] = self.state_machine_arn(machine.name)
        for name, queue in self.queues.items():
            names[f"queue:{name}"] = queue.queue_url
        return names

    def state_machine_arn(self, machine: str) -> str:
        return state_machine_arn(self, self.deployment, machine)

    def _role(self, fn: wiring.Function, log_group: logs.LogGroup) -> iam.Role:
        role = iam.Role(
            self,
            f"Role-{fn.name}",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{self.deployment.prefix}-{fn.name}: only what infra/wiring.py lists for it",
        )
        statements = [
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]
            )
        ]
        for name, access in fn.tables.items():
            table = self.data.tables[name]
            indexes = [f"{table.table_arn}/index/{index}" for index, _, _ in wiring.table(name).gsis]
            statements += table_statements(access, table.table_arn, indexes, self.data.table_key.key_arn)
        policy = iam.Policy(self, f"Policy-{fn.name}", roles=[role])
        for name, access in fn.buckets.items():
            bucket = wiring.bucket(name)
            statements += bucket_statements(access, bucket_arn(self.deployment, bucket))
            if not OBJECT_ACTIONS[access]:
                continue  # metadata only: no object statement to excuse
            acknowledge(
                policy,
                f"AwsSolutions-IAM5[Resource::{bucket_arn_for_nag(self.deployment, bucket)}/*]",
                f"Object-level S3 actions name objects, so the {name} bucket's objects are '<bucket>/*'; the "
                "function sees only the bucket infra/wiring.py lists for it.",
            )
        for name, prefix in fn.bucket_deletes.items():
            bucket = wiring.bucket(name)
            statements += prefix_delete_statements(prefix, bucket_arn(self.deployment, bucket))
            acknowledge(
                policy,
                f"AwsSolutions-IAM5[Resource::{bucket_arn_for_nag(self.deployment, bucket)}/{prefix}*]",
                f"Deleting what lies under {prefix} of the {name} bucket names those objects by their prefix "
                "(their keys hold tenants and ids no policy can know ahead); nothing else is deleted.",
            )
        for name in fn.secrets:
            statements += secret_statements(self.data.secrets[name].secret_arn)
        if fn.store_secrets is not None:
            prefix = store_secrets_prefix(self.deployment)
            arn = f"arn:{Aws.PARTITION}:secretsmanager:{Aws.REGION}:{Aws.ACCOUNT_ID}:secret:{prefix}/*"
            statements += store_secret_statements(fn.store_secrets, arn)
            acknowledge(
                policy,
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:"
                f"<AWS::AccountId>:secret:{prefix}/*]",
                "Each store keeps its own secrets (its Stripe keys) under one prefix per deployment, "
                "created when staff connect the store; they cannot be listed ahead, and the function "
                "reaches no other secret.",
            )
        if fn.email:
            # Pseudo-parameters (not the stack's env) so the finding id is the same in every environment.
            ses_arn = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}"
            configuration_set = f"{ses_arn}:configuration-set/{configuration_set_name(self.deployment)}"
            # SES authorises SendEmail on the configuration set and on the sender's identity (and, while
            # the account is in the sandbox, on the recipient's identity too).
            statements.append(iam.PolicyStatement(actions=["ses:SendEmail"], resources=[configuration_set]))
            statements.append(
                iam.PolicyStatement(
                    actions=["ses:SendEmail"],
                    resources=[f"{ses_arn}:identity/*"],
                    conditions={"StringLike": {"ses:FromAddress": self._sender_addresses()}},
                )
            )
            acknowledge(
                policy,
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]",
                "In the SES sandbox each recipient address is an identity SendEmail is authorised on, so "
                "recipients cannot be listed; the statement is confined to the configured sender addresses "
                "(ses:FromAddress) of this account and region.",
            )
        if fn.edge_tenants and self.deployment.platform_domains:
            # The ids of the multi-tenant distribution, which the storefront stack writes (it deploys
            # after this one); its CloudFront permissions come from there too (StorefrontStack).
            statements.append(
                iam.PolicyStatement(
                    actions=["ssm:GetParameter"], resources=[edge_parameter_arn(self.deployment)]
                )
            )
        if fn.queues:
            # Sending only; the queue that triggers a function grants its consumer actions itself.
            statements.append(
                iam.PolicyStatement(
                    actions=["sqs:SendMessage"], resources=[self.queues[name].queue_arn for name in fn.queues]
                )
            )
        if fn.state_machines:
            statements.append(
                iam.PolicyStatement(
                    actions=["states:StartExecution"],
                    resources=[self.state_machine_arn(machine) for machine in fn.state_machines],
                )
            )
        policy.add_statements(*statements)
        return role

    def _sender_addresses(self) -> list[str]:
        senders = [*self.deployment.mail_senders.values(), *filter(None, [self.deployment.mail_from])]
        return sorted({parseaddr(sender)[1] for sender in senders})

    def _mail_environment(self, fn: wiring.Function) -> dict[str, str]:
        """A sending function's senders and configuration set; the synth stops if it would have none
        (it would otherwise send from a made-up address, and SES would refuse every e-mail)."""
        if not fn.email:
            return {}
        if not self.deployment.mail_senders and not self.deployment.mail_from:
            raise ValueError(
                f"{fn.name} sends e-mail but environment {self.deployment.name!r} names no sender: set "
                "platformDomains (each sends from no-reply@<domain>), mailSenders or mailFrom in cdk.json"
            )
        environment = {"ORION_MAIL_CONFIGURATION_SET": configuration_set_name(self.deployment)}
        if self.deployment.mail_senders:
            environment["ORION_MAIL_SENDERS"] = json.dumps(dict(self.deployment.mail_senders), sort_keys=True)
        if self.deployment.mail_from:
            environment["ORION_MAIL_FROM"] = self.deployment.mail_from
        return environment

    def _function(self, fn: wiring.Function, code: lambda_.Code) -> None:
        function_name = f"{self.deployment.prefix}-{fn.name}"
        log_group = logs.LogGroup(
            self,
            f"Logs-{fn.name}",
            log_group_name=f"/aws/lambda/{function_name}",
            retention=retention(self.deployment.log_retention_days),
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = self._role(fn, log_group)
        environment = {
            **wiring.environment_of(fn, self.resource_names()),
            **(
                {"ORION_EDGE_PARAMETER": edge_parameter_name(self.deployment)}
                if fn.edge_tenants and self.deployment.platform_domains
                else {}
            ),
            **self._mail_environment(fn),
            "ORION_STAGE": self.deployment.name,
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "POWERTOOLS_LOGGER_LOG_EVENT": "false",
            "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
        }
        if wiring.routes_of(fn):
            # Only requests CloudFront forwarded are answered (functions/common/origin_gate.py): the
            # execute-api endpoint stays CloudFront's origin but is no way around CloudFront and its WAF.
            environment["ORION_REQUIRE_ORIGIN_VERIFY"] = "true"
        function = lambda_.Function(
            self,
            f"Function-{fn.name}",
            function_name=function_name,
            description=fn.description,
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler=fn.handler,
            code=code,
            layers=[self.layer],
            memory_size=fn.memory_mb,
            timeout=Duration.seconds(fn.timeout_seconds),
            role=role,
            environment=environment,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            reserved_concurrent_executions=self.deployment.reserved_concurrency.get(fn.name),
        )
        acknowledge(
            default_policy(role),
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; "
            "AWS requires *.",
        )
        acknowledge(
            function,
            "AwsSolutions-L1",
            "Pinned to Python 3.13, the version the dependency layer's wheels are built and tested for; "
            "bumped together with layers/dependency_layer.py.",
        )
        provisioned = self.deployment.provisioned_concurrency.get(fn.name)
        alias = lambda_.Alias(
            self,
            f"Alias-{fn.name}",
            alias_name=LIVE_ALIAS,
            version=function.current_version,
            provisioned_concurrent_executions=provisioned or None,
        )
        self.functions[fn.name] = function
        self.aliases[fn.name] = alias
        self.roles[fn.name] = role
        if fn.table_stream:
            failures = self._dead_letter_queue(
                f"StreamFailures-{fn.name}", f"stream batches {fn.name} failed after its retries"
            )
            self.dead_letters[f"stream-{fn.name}"] = failures
            alias.add_event_source(
                sources.DynamoEventSource(
                    self.data.tables[fn.table_stream],
                    starting_position=lambda_.StartingPosition.LATEST,
                    batch_size=fn.stream_batch_size,
                    retry_attempts=5,
                    bisect_batch_on_error=True,
                    report_batch_item_failures=True,
                    # Records still failing after the retries: their shard positions, for an operator.
                    on_failure=sources.SqsDlq(failures),
                    filters=stream_filters(fn),
                )
            )
        if fn.queue_trigger:
            queue = wiring.queue(fn.queue_trigger)
            alias.add_event_source(
                sources.SqsEventSource(
                    self.queues[queue.name],
                    batch_size=queue.batch_size,
                    max_batching_window=Duration.seconds(1),
                    # Only the messages the function reports failed come back (after their backoff).
                    report_batch_item_failures=True,
                )
            )
        if any(
            rule.target_kind is wiring.TargetKind.FUNCTION and rule.target == fn.name
            for rule in wiring.EVENT_RULES
        ):
            # Bucket events invoke it asynchronously: a run that raises is retried twice, then the event
            # waits in a queue the observability stack alarms on (an operator can replay it).
            failures = self._dead_letter_queue(
                f"AsyncFailures-{fn.name}", f"events {fn.name} failed on after Lambda's retries"
            )
            self.dead_letters[f"async-{fn.name}"] = failures
            alias.configure_async_invoke(
                retry_attempts=2,
                max_event_age=Duration.hours(6),
                on_failure=destinations.SqsDestination(failures),
            )
        if fn.mail_feedback:
            # Here, not with the topic: the subscription and its permission name the alias, and the mail
            # stack must not depend on this one (which already reads the configuration set's name).
            subscription = sns.Subscription(
                self,
                f"MailFeedback-{fn.name}",
                topic=self.mail.topic,
                # The alias's qualified ARN, spelled out: SNS invokes the live alias like every trigger.
                endpoint=Fn.sub(f"${{FunctionArn}}:{LIVE_ALIAS}", {"FunctionArn": function.function_arn}),
                protocol=sns.SubscriptionProtocol.LAMBDA,
            )
            subscription.node.add_dependency(alias)
            alias.add_permission(
                "MailFeedbackTopic",
                principal=iam.ServicePrincipal("sns.amazonaws.com"),
                source_arn=self.mail.topic.topic_arn,
            )
        routes = wiring.routes_of(fn)
        if routes:
            integration = integrations.HttpLambdaIntegration(f"Integration-{fn.name}", alias)
            for route in routes:
                self.http_api.add_routes(
                    path=route.path, methods=[apigwv2.HttpMethod(route.method)], integration=integration
                )
