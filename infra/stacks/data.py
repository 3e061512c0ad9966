"""Data stack: the single table, the buckets and the secrets of the wiring table."""

from __future__ import annotations

from aws_cdk import Aws, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import wiring
from infra.config import Deployment
from infra.stacks.nag import acknowledge

# Why cdk-nag finds no rotation schedule next to each secret (docs/operations.md, Secrets).
SECRET_ROTATION: dict[str, str] = {
    "origin-verify": "Rotated every 30 days by the rotation schedule in the storefront stack, next to the "
    "distribution whose origin header it switches; cdk-nag checks only this stack.",
    "jwt-signing-keys": "Rotated by the operator with rotate_key_set (the new key signs, the previous one "
    "still verifies); a key set is an RSA JSON document no generic rotation Lambda can produce.",
    "shopper-signing-key": "Rotated by the operator (put a new value): forms rendered before it fail their "
    "CSRF check once, a visible step an operator schedules rather than a timer.",
}


def _pascal(name: str) -> str:
    """``import-uploads`` -> ``ImportUploads`` (output ids are alphanumeric)."""
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def bucket_name(deployment: Deployment, bucket: wiring.Bucket) -> str:
    """Deterministic (and globally unique per account and region), so other stacks and IAM policies
    name a bucket without a cross-stack reference."""
    return f"{deployment.prefix}-{bucket.name}-{Aws.ACCOUNT_ID}-{Aws.REGION}"


def secret_name(deployment: Deployment, secret: wiring.Secret) -> str:
    """``orion/<env>/<name>``: functions and CloudFront name the secret by it, no cross-stack reference."""
    return f"orion/{deployment.name}/{secret.name}"


def store_secrets_prefix(deployment: Deployment) -> str:
    """``orion/<env>/stores``: where each store's own secrets live (``<prefix>/<platform>/<store>/<name>``,
    created by the functions that connect a store, e.g. its Stripe keys; not by the deploy)."""
    return f"orion/{deployment.name}/stores"


def edge_parameter_name(deployment: Deployment) -> str:
    """The SSM parameter holding the storefront's multi-tenant distribution and connection group ids: the
    storefront stack writes it, the domain functions (deployed before it, in the API stack) read it at
    run time, so neither stack references the other's resources."""
    return f"/orion/{deployment.name}/storefront-edge"


def edge_parameter_arn(deployment: Deployment) -> str:
    return f"arn:{Aws.PARTITION}:ssm:{Aws.REGION}:{Aws.ACCOUNT_ID}:parameter{edge_parameter_name(deployment)}"


def bucket_arn(deployment: Deployment, bucket: wiring.Bucket) -> str:
    return f"arn:{Aws.PARTITION}:s3:::{bucket_name(deployment, bucket)}"


def bucket_arn_for_nag(deployment: Deployment, bucket: wiring.Bucket) -> str:
    """How cdk-nag prints :func:`bucket_arn` in a finding id."""
    return f"arn:<AWS::Partition>:s3:::{deployment.prefix}-{bucket.name}-<AWS::AccountId>-<AWS::Region>"


class DataStack(Stack):
    """Everything that holds state. An environment that keeps its data (``retainData``: prod) retains
    the table, buckets, key and secrets when a stack is deleted, and protects the table from deletion;
    one that does not (dev) can be destroyed whole: the table unprotected, the buckets emptied first."""

    def __init__(
        self, scope: Construct, construct_id: str, *, deployment: Deployment, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        removal = RemovalPolicy.RETAIN if deployment.retain_data else RemovalPolicy.DESTROY
        self.table_key = kms.Key(
            self,
            "TableKey",
            description=f"{deployment.prefix}: encrypts the single DynamoDB table",
            enable_key_rotation=True,
            removal_policy=removal,
        )
        self.tables: dict[str, dynamodb.TableV2] = {
            table.name: self._table(table, removal) for table in wiring.TABLES
        }
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=removal,
            auto_delete_objects=not deployment.retain_data,
        )
        acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This bucket receives the server access logs of the other buckets; logging it into itself "
            "would loop.",
        )
        self.buckets: dict[str, s3.Bucket] = {
            bucket.name: self._bucket(bucket, deployment, removal) for bucket in wiring.BUCKETS
        }
        self.secrets: dict[str, secretsmanager.Secret] = {
            secret.name: self._secret(secret, deployment) for secret in wiring.SECRETS
        }
        self._outputs()

    def _outputs(self) -> None:
        """What an operator looks up after a deploy (``aws cloudformation describe-stacks``)."""
        for name, table in self.tables.items():
            CfnOutput(
                self,
                f"TableName{_pascal(name)}",
                value=table.table_name,
                description=f"DynamoDB table {name!r} (point-in-time recovery on)",
            )
        for name, bucket in self.buckets.items():
            CfnOutput(
                self,
                f"BucketName{_pascal(name)}",
                value=bucket.bucket_name,
                description=wiring.bucket(name).purpose,
            )
        CfnOutput(
            self,
            "BucketNameAccessLogs",
            value=self.access_logs.bucket_name,
            description="server access logs of the other buckets",
        )

    def _table(self, table: wiring.Table, removal: RemovalPolicy) -> dynamodb.TableV2:
        string = dynamodb.AttributeType.STRING
        return dynamodb.TableV2(
            self,
            f"Table-{table.name}",
            partition_key=dynamodb.Attribute(name=table.partition_key, type=string),
            sort_key=dynamodb.Attribute(name=table.sort_key, type=string),
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=name,
                    partition_key=dynamodb.Attribute(name=pk, type=string),
                    sort_key=dynamodb.Attribute(name=sk, type=string),
                    projection_type=dynamodb.ProjectionType.ALL,
                )
                for name, pk, sk in table.gsis
            ],
            time_to_live_attribute=table.ttl_attribute,
            # Item images before and after each write feed the functions that listen to the table (the
            # outbox sender reads the new image; channel changes compare the two, and read a removed
            # item's kind from the old one).
            dynamo_stream=(
                dynamodb.StreamViewType.NEW_AND_OLD_IMAGES
                if any(fn.table_stream == table.name for fn in wiring.FUNCTIONS)
                else None
            ),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            # Deletion protection wherever the data is kept; dev's table goes with its stack.
            deletion_protection=removal == RemovalPolicy.RETAIN,
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(self.table_key),
            billing=dynamodb.Billing.on_demand(),
            removal_policy=removal,
        )

    def _bucket(self, bucket: wiring.Bucket, deployment: Deployment, removal: RemovalPolicy) -> s3.Bucket:
        rules = [
            s3.LifecycleRule(
                id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(2)
            )
        ]
        for prefix, days in sorted(bucket.expire_days.items()):
            rules.append(
                s3.LifecycleRule(
                    id=f"expire-{prefix.strip('/') or 'all'}",
                    prefix=prefix or None,
                    expiration=Duration.days(days),
                    noncurrent_version_expiration=Duration.days(days),
                )
            )
        for value, days in sorted(bucket.expire_tagged.items()):
            rules.append(
                s3.LifecycleRule(
                    id=f"expire-tagged-{value}",
                    tag_filters={wiring.EXPIRY_TAG: value},
                    expiration=Duration.days(days),
                    noncurrent_version_expiration=Duration.days(days),
                )
            )
        created = s3.Bucket(
            self,
            f"Bucket-{bucket.name}",
            bucket_name=bucket_name(deployment, bucket),
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=bucket.versioned,
            lifecycle_rules=rules,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{bucket.name}/",
            removal_policy=removal,
            # Emptied by CDK's provider before deletion, where the environment does not keep its data.
            auto_delete_objects=removal == RemovalPolicy.DESTROY,
        )
        if bucket.served_at:
            self._served_by_cloudfront(created, bucket)
        if bucket.event_bridge:
            # Set on the L1 resource: the L2 flag deploys a notifications custom-resource Lambda.
            resource = created.node.default_child
            assert isinstance(resource, s3.CfnBucket)
            resource.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
                event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(
                    event_bridge_enabled=True
                )
            )
        return created

    def _served_by_cloudfront(self, created: s3.Bucket, bucket: wiring.Bucket) -> None:
        """CloudFront (Origin Access Control) may read the served objects, by their endings only, and
        list the bucket so a missing variant is a 404 rather than a 403. The storefront stack's
        distribution cannot be named here (it is built after this stack, from this bucket): the
        condition names this account's distributions, and only those with this bucket as an origin
        ever sign requests for it."""
        distributions = f"arn:{Aws.PARTITION}:cloudfront::{Aws.ACCOUNT_ID}:distribution/*"
        condition = {"StringLike": {"AWS:SourceArn": distributions}}
        principal = iam.ServicePrincipal("cloudfront.amazonaws.com")
        created.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudFrontReadsServedObjects",
                principals=[principal],
                actions=["s3:GetObject"],
                resources=[created.arn_for_objects(f"*{suffix}") for suffix in bucket.served_suffixes],
                conditions=condition,
            )
        )
        created.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudFrontAnswers404",
                principals=[principal],
                actions=["s3:ListBucket"],
                resources=[created.bucket_arn],
                conditions=condition,
            )
        )

    def _secret(self, secret: wiring.Secret, deployment: Deployment) -> secretsmanager.Secret:
        created = secretsmanager.Secret(
            self,
            f"Secret-{secret.name}",
            secret_name=secret_name(deployment, secret),
            description=secret.description,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48
            ),
            removal_policy=RemovalPolicy.RETAIN if deployment.retain_data else RemovalPolicy.DESTROY,
        )
        acknowledge(created, "AwsSolutions-SMG4", SECRET_ROTATION[secret.name])
        return created
