"""Data access for readiness: ask AWS whether the table and the buckets answer (no data read)."""

from __future__ import annotations

from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from orion.data.clients import aws_client


class ResourceProbe(Protocol):
    """Checks that one kind of resource answers; returns ``None`` when healthy, else a short reason."""

    def table(self, name: str) -> str | None: ...

    def bucket(self, name: str) -> str | None: ...


class AwsResourceProbe:
    """DescribeTable and HeadBucket: metadata calls that touch no item or object."""

    def table(self, name: str) -> str | None:
        try:
            status = aws_client("dynamodb").describe_table(TableName=name)["Table"]["TableStatus"]
        except ClientError as exc:
            return str(exc.response.get("Error", {}).get("Code", "error"))
        except BotoCoreError as exc:
            return type(exc).__name__
        return None if status in {"ACTIVE", "UPDATING"} else f"table is {status}"

    def bucket(self, name: str) -> str | None:
        try:
            aws_client("s3").head_bucket(Bucket=name)
        except ClientError as exc:
            return str(exc.response.get("Error", {}).get("Code", "error"))
        except BotoCoreError as exc:
            return type(exc).__name__
        return None
