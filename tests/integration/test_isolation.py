"""Each integration test gets its own copy of the account (tests/integration/moto_state.py): whatever an
earlier test of the same process wrote to DynamoDB, S3 or Secrets Manager, the next one sees the demo
exactly as seeded (or the account exactly as provisioned)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra import wiring
from infra.local.demo.catalog import SIMPLE
from infra.wiring import LOCAL_REGION
from orion.catalog.service import adjust_stock, delete_product, get_product_by_handle
from orion.tenant import Tenant
from tests.integration.moto_state import AccountState

WIZAMART = Tenant("oms", "wizamart")
SKILLET = "cast-iron-skillet"
SKILLET_STOCK = next(stock for _, title, _, _, stock in SIMPLE if title == "Cast Iron Skillet")
TABLE = "orion"
TEMPLATES = wiring.bucket("templates").local_name
MARKER = {"PK": {"S": "ISOLATION"}, "SK": {"S": "MARKER"}}
# Cases enough that, on any number of xdist workers up to three, two of them share a worker and so one
# runs after another has written.
CASES = range(4)


def clients() -> tuple[Any, Any, Any]:
    return tuple(  # type: ignore[return-value]
        boto3.client(service, region_name=LOCAL_REGION) for service in ("dynamodb", "s3", "secretsmanager")
    )


def secret_name() -> str:
    return wiring.SECRETS[0].secret_name


def assert_nothing_written_before() -> None:
    dynamodb, s3, secrets = clients()
    assert "Item" not in dynamodb.get_item(TableName=TABLE, Key=MARKER, ConsistentRead=True)
    with pytest.raises(ClientError, match="NoSuchKey"):
        s3.get_object(Bucket=TEMPLATES, Key="isolation/marker.txt")
    assert secrets.get_secret_value(SecretId=secret_name())["SecretString"] != "overwritten by a test"


def write_everywhere() -> None:
    dynamodb, s3, secrets = clients()
    dynamodb.put_item(TableName=TABLE, Item=MARKER)
    s3.put_object(Bucket=TEMPLATES, Key="isolation/marker.txt", Body=b"written by a test")
    secrets.put_secret_value(SecretId=secret_name(), SecretString="overwritten by a test")


@pytest.mark.parametrize("case", CASES)
def test_the_demo_is_as_seeded_whatever_an_earlier_test_wrote(demo: list[str], case: int) -> None:
    skillet = get_product_by_handle(WIZAMART, SKILLET)
    assert [v.stock for v in skillet.variants] == [SKILLET_STOCK]
    assert_nothing_written_before()

    adjust_stock(WIZAMART, skillet.variants[0].sku, 1000)
    delete_product(WIZAMART, skillet.id)
    write_everywhere()


@pytest.mark.parametrize("case", CASES)
def test_the_account_is_as_provisioned_whatever_an_earlier_test_wrote(aws: None, case: int) -> None:
    dynamodb, _, _ = clients()
    assert dynamodb.scan(TableName=TABLE, ConsistentRead=True)["Items"] == []
    assert_nothing_written_before()

    write_everywhere()


def test_a_restored_copy_is_unchanged_by_writes_to_an_earlier_copy(demo: list[str]) -> None:
    state = AccountState.take()
    write_everywhere()
    delete_product(WIZAMART, get_product_by_handle(WIZAMART, SKILLET).id)

    state.restore()
    assert_nothing_written_before()
    write_everywhere()  # into the copy just restored: the state itself must not change

    state.restore()
    assert_nothing_written_before()
    assert [v.stock for v in get_product_by_handle(WIZAMART, SKILLET).variants] == [SKILLET_STOCK]
