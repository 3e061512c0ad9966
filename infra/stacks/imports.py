"""Imports stack: the state machines of the wiring table (the same ASL the local cloud runs) and the
EventBridge rules that start them, or invoke a function, when a file lands in a bucket (catalogue
uploads, uploaded images), with a dead-letter queue and alarms."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import ArnFormat, Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra import wiring
from infra.config import Deployment
from infra.stacks.api import ApiStack, state_machine_name
from infra.stacks.data import bucket_arn, bucket_arn_for_nag, bucket_name
from infra.stacks.nag import acknowledge, default_policy
from infra.stacks.observability import ObservabilityStack
from infra.stacks.retention import retention
from infra.workflows.definitions import state_machine_definition


def _states(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every state of a definition, including those nested in Map and Parallel states."""
    found: list[dict[str, Any]] = []
    for state in definition.get("States", {}).values():
        found.append(state)
        for nested in (state.get("ItemProcessor"), state.get("Iterator"), *state.get("Branches", [])):
            if nested:
                found += _states(nested)
    return found


class ImportsStack(Stack):
    """Built from wiring.STATE_MACHINES and wiring.EVENT_RULES; empty (but valid) while they are."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        deployment: Deployment,
        api: ApiStack,
        observability: ObservabilityStack,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.deployment = deployment
        self.machines: dict[str, sfn.StateMachine] = {}
        for machine in wiring.STATE_MACHINES:
            self.machines[machine.name] = self._machine(machine, api)

        self.dead_letters = sqs.Queue(
            self,
            "RuleDeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(
            self.dead_letters,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of the bucket event rules; an alarm watches it.",
        )
        dead_letter_alarm = cloudwatch.Alarm(
            self,
            "Alarm-RuleDeadLetters",
            alarm_name=f"{deployment.prefix}-import-events-undelivered",
            alarm_description="A bucket event could not reach its target (import machine, media function)",
            metric=self.dead_letters.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        dead_letter_alarm.add_alarm_action(actions.SnsAction(observability.topic))

        for rule in wiring.EVENT_RULES:
            bucket = wiring.bucket(rule.bucket)
            target: events.IRuleTarget
            if rule.target_kind is wiring.TargetKind.FUNCTION:
                # Invoked asynchronously: Lambda retries a failed run and keeps what still fails in the
                # function's own failure queue (stacks/api.py); this queue holds undelivered events.
                target = targets.LambdaFunction(
                    api.aliases[rule.target],
                    dead_letter_queue=self.dead_letters,
                    retry_attempts=8,
                    max_event_age=Duration.hours(2),
                )
            else:
                target = targets.SfnStateMachine(
                    self.machines[rule.target],
                    dead_letter_queue=self.dead_letters,
                    retry_attempts=8,
                    max_event_age=Duration.hours(2),
                )
            keys = rule.wildcard or f"{rule.prefix}*"
            events.Rule(
                self,
                f"Rule-{rule.name}",
                rule_name=f"{deployment.prefix}-{rule.name}",
                description=f"{rule.bucket} objects {keys!r} created: {rule.target_kind.value} {rule.target}",
                event_pattern=events.EventPattern(
                    source=["aws.s3"],
                    detail_type=["Object Created"],
                    detail={
                        "bucket": {"name": [bucket_name(deployment, bucket)]},
                        "object": {"key": [rule.key_filter]},
                    },
                ),
                targets=[target],
            )

    def _machine(self, machine: wiring.StateMachine, api: ApiStack) -> sfn.StateMachine:
        name = state_machine_name(self.deployment, machine.name)
        arns = {fn: api.aliases[fn].function_arn for fn in machine.tasks.values()}
        definition = state_machine_definition(machine, arns)
        log_group = logs.LogGroup(
            self,
            f"Logs-{machine.name}",
            log_group_name=f"/aws/vendedlogs/states/{name}",
            retention=retention(self.deployment.log_retention_days),
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"Role-{machine.name}",
            assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
            description=f"{name}: invoke its task functions only",
        )
        created = sfn.StateMachine(
            self,
            f"StateMachine-{machine.name}",
            state_machine_name=name,
            # json.dumps, not Stack.to_json_string: the latter drops nulls (`"ResultPath": null`).
            definition_body=sfn.DefinitionBody.from_string(json.dumps(definition)),
            role=role,
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
        )
        for fn in sorted(set(machine.tasks.values())):
            api.aliases[fn].grant_invoke(role)
        self._distributed_map_access(machine, definition, role)
        acknowledge(
            default_policy(role),
            "AwsSolutions-IAM5[Resource::*]",
            "CloudWatch Logs delivery and X-Ray actions for Step Functions support no resource-level "
            "permissions; AWS requires *.",
        )
        return created

    def _distributed_map_access(
        self, machine: wiring.StateMachine, definition: dict[str, Any], role: iam.Role
    ) -> None:
        """A Distributed Map starts child executions of its own machine and may read its items from
        the bucket whose events start the machine."""
        states = _states(definition)
        distributed = [
            s
            for s in states
            if s.get("Type") == "Map" and "DISTRIBUTED" in json.dumps(s.get("ItemProcessor", {}))
        ]
        if not distributed:
            return
        name = state_machine_name(self.deployment, machine.name)
        own_arn = self.format_arn(
            service="states", resource="stateMachine", resource_name=name, arn_format=_COLON
        )
        # Pseudo parameters, not the stack's literal account/region, so the cdk-nag id below is stable.
        executions = f"arn:{Aws.PARTITION}:states:{Aws.REGION}:{Aws.ACCOUNT_ID}:execution:{name}/*"
        role.add_to_policy(iam.PolicyStatement(actions=["states:StartExecution"], resources=[own_arn]))
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:DescribeExecution", "states:StopExecution"], resources=[executions]
            )
        )
        acknowledge(
            default_policy(role),
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{name}/*]",
            "A Distributed Map manages the child executions of its own machine, whose names are generated.",
        )
        if any("ItemReader" in s for s in distributed):
            for rule in wiring.EVENT_RULES:
                if rule.target_kind is wiring.TargetKind.STATE_MACHINE and rule.target == machine.name:
                    bucket = wiring.bucket(rule.bucket)
                    arn = bucket_arn(self.deployment, bucket)
                    role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[f"{arn}/*"]))
                    role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[arn]))
                    acknowledge(
                        default_policy(role),
                        f"AwsSolutions-IAM5[Resource::{bucket_arn_for_nag(self.deployment, bucket)}/*]",
                        "The Distributed Map reads the uploaded file whose event started it; "
                        "object keys vary.",
                    )


_COLON = ArnFormat.COLON_RESOURCE_NAME
