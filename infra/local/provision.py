"""Create the wiring table's resources in a (moto) AWS account: used by `make run` and by the tests."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import boto3

from infra import wiring
from infra.wiring import LOCAL_ACCOUNT, LOCAL_REGION
from infra.workflows.definitions import state_machine_definition

TASK_ROLE_ARN = f"arn:aws:iam::{LOCAL_ACCOUNT}:role/orion-local"


def create_tables(region: str) -> None:
    client = boto3.client("dynamodb", region_name=region)
    for table in wiring.TABLES:
        attributes = {table.partition_key, table.sort_key}
        for _, pk, sk in table.gsis:
            attributes.update((pk, sk))
        client.create_table(
            TableName=table.local_name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[
                {"AttributeName": table.partition_key, "KeyType": "HASH"},
                {"AttributeName": table.sort_key, "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": name,
                    "KeySchema": [
                        {"AttributeName": pk, "KeyType": "HASH"},
                        {"AttributeName": sk, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for name, pk, sk in table.gsis
            ],
        )
        client.update_time_to_live(
            TableName=table.local_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )
        if any(fn.table_stream == table.name for fn in wiring.FUNCTIONS):
            # As on AWS (infra/stacks/data.py); the local cloud delivers its records (streams.py).
            client.update_table(
                TableName=table.local_name,
                StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            )


def create_queues(region: str) -> None:
    """Each wiring queue with its dead-letter queue and redrive policy (moto moves a message received
    ``max_receives`` times to it, as SQS does)."""
    client = boto3.client("sqs", region_name=region)
    for queue in wiring.QUEUES:
        dead_letters = client.create_queue(QueueName=wiring.local_dead_letter_name(queue))["QueueUrl"]
        arn = client.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        client.create_queue(
            QueueName=queue.local_name,
            Attributes={
                "VisibilityTimeout": str(queue.visibility_timeout_seconds),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": queue.max_receives}
                ),
            },
        )


def create_buckets(region: str) -> None:
    s3 = boto3.client("s3", region_name=region)
    for bucket in wiring.BUCKETS:
        location: Any = {"LocationConstraint": region}
        s3.create_bucket(Bucket=bucket.local_name, CreateBucketConfiguration=location)
        if bucket.event_bridge:
            s3.put_bucket_notification_configuration(
                Bucket=bucket.local_name,
                NotificationConfiguration={"EventBridgeConfiguration": {}},
            )


def _jwt_signing_keys() -> str:
    from orion.identity.tokens import generate_key_set

    return generate_key_set()


SECRET_GENERATORS: dict[str, Callable[[], str]] = {
    "origin-verify": lambda: secrets.token_urlsafe(32),
    "jwt-signing-keys": _jwt_signing_keys,
}


def create_secrets(region: str) -> None:
    client = boto3.client("secretsmanager", region_name=region)
    for secret in wiring.SECRETS:
        generate = SECRET_GENERATORS.get(secret.name, lambda: secrets.token_urlsafe(48))
        client.create_secret(Name=secret.secret_name, Description=secret.description, SecretString=generate())


def create_workflows(region: str) -> None:
    """Lambda functions for state-machine tasks and operator-invoked functions (run in-process, see
    cloud.py), state machines, rules."""
    if not wiring.STATE_MACHINES:
        return
    lam = boto3.client("lambda", region_name=region)
    iam = boto3.client("iam", region_name=region)
    sfn = boto3.client("stepfunctions", region_name=region)
    events = boto3.client("events", region_name=region)
    iam.create_role(
        RoleName="orion-local",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    task_functions = {fn for machine in wiring.STATE_MACHINES for fn in machine.tasks.values()}
    # Operators invoke these by name (make admin): they exist as Lambda functions here too.
    task_functions |= {fn.name for fn in wiring.FUNCTIONS if fn.operator_invoked}
    # Event rules invoke these (the local cloud's bridge runs them, cloud.py).
    task_functions |= {r.target for r in wiring.EVENT_RULES if r.target_kind is wiring.TargetKind.FUNCTION}
    arns: dict[str, str] = {}
    for name in sorted(task_functions):
        fn = wiring.function(name)
        created = lam.create_function(
            FunctionName=f"orion-{fn.name}",
            Runtime="python3.13",
            Role=TASK_ROLE_ARN,
            Handler=fn.handler,
            Code={"ZipFile": _empty_zip()},
            Timeout=fn.timeout_seconds,
            MemorySize=fn.memory_mb,
        )
        arns[name] = created["FunctionArn"]
    machine_arns: dict[str, str] = {}
    for machine in wiring.STATE_MACHINES:
        machine_arns[machine.name] = sfn.create_state_machine(
            name=f"orion-{machine.name}",
            definition=json.dumps(state_machine_definition(machine, arns)),
            roleArn=TASK_ROLE_ARN,
        )["stateMachineArn"]
    for rule in wiring.EVENT_RULES:
        bucket = wiring.bucket(rule.bucket)
        events.put_rule(
            Name=f"orion-{rule.name}",
            EventPattern=json.dumps(
                {
                    "source": ["aws.s3"],
                    "detail-type": ["Object Created"],
                    "detail": {
                        "bucket": {"name": [bucket.local_name]},
                        "object": {"key": [rule.key_filter]},
                    },
                }
            ),
        )
        target = (
            arns[rule.target] if rule.target_kind is wiring.TargetKind.FUNCTION else machine_arns[rule.target]
        )
        events.put_targets(
            Rule=f"orion-{rule.name}", Targets=[{"Id": "start", "Arn": target, "RoleArn": TASK_ROLE_ARN}]
        )


def _empty_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "# handlers run in-process in the local cloud\n")
    return buffer.getvalue()


def provision(region: str = LOCAL_REGION) -> None:
    """Every resource of the wiring table, in the account the AWS SDK currently points at."""
    from infra.local import moto_speedups, streams

    moto_speedups.install()  # every caller provisions moto (local cloud, tests, benchmarks)
    streams.install()  # before the table exists: a stream's records are delivered, never kept
    create_tables(region)
    create_queues(region)
    create_buckets(region)
    create_secrets(region)
    create_workflows(region)
