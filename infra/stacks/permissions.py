"""IAM actions for each wiring ``Access``: what "read", "write" and "put" mean on a table, bucket, secret.

Tenant scoping: every item key starts with its tenant (``P#<platform>...``) or is a host lookup
(``DOMAIN#<host>``), so item-level table statements carry a ``dynamodb:LeadingKeys`` condition that
confines them to those key families. A Lambda serves every tenant from one execution role, so a static
role cannot name a single store; confining a call to one store needs per-request credentials (an
AssumeRole with session tags, see docs/operations.md, Least privilege). GSI queries are granted on the named
indexes in a separate statement without the condition, so they do not depend on how IAM matches an
index's partition key.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam

from infra.wiring import Access

# Key families a partition key may start with (see shared/orion/data/keys.py); tested against
# ACCESS_PATTERNS so a new global family fails a test instead of a production request.
TENANT_KEY_PATTERNS: tuple[str, ...] = ("P#*", "DOMAIN#*")

TABLE_ITEM_ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ: (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",  # the readiness check (GET /health/ready); reads no item
    ),
    Access.WRITE: (
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
    ),
    Access.PUT: (
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
    ),
    Access.READ_PUT: (
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",  # no BatchWriteItem: it can carry a DeleteRequest
    ),
    Access.PROBE: (),
}
TABLE_INDEX_ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ: ("dynamodb:Query",),
    Access.WRITE: ("dynamodb:Query",),
    Access.PUT: (),
    Access.READ_PUT: ("dynamodb:Query",),
    Access.PROBE: (),
}
# Table metadata (the readiness probe's DescribeTable): no item is read, so no LeadingKeys condition.
TABLE_META_ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ: ("dynamodb:DescribeTable",),
    Access.WRITE: ("dynamodb:DescribeTable",),
    Access.PUT: (),
    Access.READ_PUT: ("dynamodb:DescribeTable",),
    Access.PROBE: ("dynamodb:DescribeTable",),
}
# DescribeTable reads no encrypted item, so the readiness probe needs no key action.
TABLE_KEY_ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ: ("kms:Decrypt", "kms:DescribeKey"),
    Access.WRITE: ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"),
    Access.PUT: ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"),
    Access.READ_PUT: ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"),
    Access.PROBE: (),
}
# ListBucket lets a missing key answer 404 instead of 403 (the theme loader falls back on 404); it is
# also what HeadBucket (the readiness probe) needs.
BUCKET_ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ: ("s3:ListBucket",),
    Access.WRITE: ("s3:ListBucket",),
    Access.PUT: (),
    Access.READ_PUT: ("s3:ListBucket",),
    Access.PROBE: ("s3:ListBucket",),
}
# READ_PUT tags what it writes (a PutObject with tags needs s3:PutObjectTagging too): a saved source's run
# files carry the tag the bucket's lifecycle rule expires (wiring.Bucket.expire_tagged).
OBJECT_ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ: ("s3:GetObject",),
    Access.WRITE: ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"),
    Access.PUT: ("s3:PutObject", "s3:AbortMultipartUpload"),
    Access.READ_PUT: ("s3:GetObject", "s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"),
    Access.PROBE: (),
}
# A function's ``bucket_deletes``: list and delete the objects under a key prefix, nothing else.
PREFIX_DELETE_ACTIONS: tuple[str, ...] = ("s3:DeleteObject",)
PREFIX_LIST_ACTIONS: tuple[str, ...] = ("s3:ListBucket",)
SECRET_ACTIONS: tuple[str, ...] = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
# Everything that changes data; the storefront role must have none of them.
WRITE_ACTION_PREFIXES: tuple[str, ...] = (
    "dynamodb:Put",
    "dynamodb:Update",
    "dynamodb:Delete",
    "dynamodb:BatchWrite",
    "s3:Put",
    "s3:Delete",
    "s3:Abort",
    "secretsmanager:Put",
    "secretsmanager:Update",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "states:Start",
)


def table_statements(
    access: Access, table_arn: str, index_arns: Sequence[str], key_arn: str | None
) -> list[iam.PolicyStatement]:
    statements = []
    if TABLE_ITEM_ACTIONS[access]:
        statements.append(
            iam.PolicyStatement(
                actions=list(TABLE_ITEM_ACTIONS[access]),
                resources=[table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(TENANT_KEY_PATTERNS)}},
            )
        )
    if TABLE_META_ACTIONS[access]:
        statements.append(
            iam.PolicyStatement(actions=list(TABLE_META_ACTIONS[access]), resources=[table_arn])
        )
    if TABLE_INDEX_ACTIONS[access] and index_arns:
        statements.append(
            iam.PolicyStatement(actions=list(TABLE_INDEX_ACTIONS[access]), resources=list(index_arns))
        )
    if key_arn is not None and TABLE_KEY_ACTIONS[access]:
        statements.append(iam.PolicyStatement(actions=list(TABLE_KEY_ACTIONS[access]), resources=[key_arn]))
    return statements


def bucket_statements(access: Access, bucket_arn: str) -> list[iam.PolicyStatement]:
    statements = []
    if OBJECT_ACTIONS[access]:
        objects = f"{bucket_arn}/*"
        statements.append(iam.PolicyStatement(actions=list(OBJECT_ACTIONS[access]), resources=[objects]))
    if BUCKET_ACTIONS[access]:
        statements.append(iam.PolicyStatement(actions=list(BUCKET_ACTIONS[access]), resources=[bucket_arn]))
    return statements


def prefix_delete_statements(prefix: str, bucket_arn: str) -> list[iam.PolicyStatement]:
    """Delete the objects under ``prefix`` and list them (ListBucket confined to the prefix by its
    ``s3:prefix`` condition), whatever the function's access to the rest of the bucket."""
    return [
        iam.PolicyStatement(actions=list(PREFIX_DELETE_ACTIONS), resources=[f"{bucket_arn}/{prefix}*"]),
        iam.PolicyStatement(
            actions=list(PREFIX_LIST_ACTIONS),
            resources=[bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{prefix}*"]}},
        ),
    ]


def secret_statements(secret_arn: str) -> list[iam.PolicyStatement]:
    return [iam.PolicyStatement(actions=list(SECRET_ACTIONS), resources=[secret_arn])]


# A store's own secrets (wiring.Function.store_secrets): read them, or also create, change and delete them.
STORE_SECRET_ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ: SECRET_ACTIONS,
    Access.WRITE: (
        *SECRET_ACTIONS,
        "secretsmanager:CreateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:DeleteSecret",
    ),
}


def store_secret_statements(access: Access, secrets_arn: str) -> list[iam.PolicyStatement]:
    """``secrets_arn`` names every store's secrets under the deployment's prefix (ends with ``/*``)."""
    return [iam.PolicyStatement(actions=list(STORE_SECRET_ACTIONS[access]), resources=[secrets_arn])]
