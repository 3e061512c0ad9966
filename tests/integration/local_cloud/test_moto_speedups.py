"""The local cloud's moto speed-ups (infra/local/moto_speedups.py) keep DynamoDB's behaviour: a cancelled
transaction writes nothing, a successful one writes everything, and a table or index Query returns
what DynamoDB returns (its partition, in range-key order, page by page, as of the last write)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.local import streams
from infra.wiring import LOCAL_REGION

pytestmark = pytest.mark.usefixtures("aws")
TABLE = "orion"


def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=LOCAL_REGION)


def item(pk: str, sk: str, **attributes: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": pk}, "SK": {"S": sk}, **{name: {"S": value} for name, value in attributes.items()}}


def everything() -> list[dict[str, Any]]:
    items = dynamodb().scan(TableName=TABLE, ConsistentRead=True)["Items"]
    return sorted(items, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def seed() -> None:
    client = dynamodb()
    for n in range(30):  # other partitions, so a table-wide mistake would show
        client.put_item(TableName=TABLE, Item=item(f"P#{n % 3}", f"S#{n:03d}", data=str(n)))
    client.put_item(TableName=TABLE, Item=item("T#1", "A", data="kept"))
    client.put_item(TableName=TABLE, Item={**item("T#1", "B"), "count": {"N": "5"}})


def test_a_cancelled_transaction_writes_nothing() -> None:
    seed()
    before = everything()

    with pytest.raises(ClientError) as raised, streams.listening(TABLE) as records:
        dynamodb().transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": item("T#1", "NEW", data="new")}},
                {"Put": {"TableName": TABLE, "Item": item("T#1", "A", data="replaced")}},
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"PK": {"S": "T#1"}, "SK": {"S": "B"}},
                        "UpdateExpression": "ADD #c :one",
                        "ExpressionAttributeNames": {"#c": "count"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "P#0"}, "SK": {"S": "S#000"}}}},
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": {"PK": {"S": "T#1"}, "SK": {"S": "MISSING"}},
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )

    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert everything() == before
    assert records == []  # nor any stream record (infra/local/streams.py)


def test_a_transaction_refused_as_invalid_writes_nothing() -> None:
    seed()
    before = everything()

    with pytest.raises(ClientError):
        dynamodb().transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": item("T#1", "NEW", data="new")}},
                {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "T#1"}, "SK": {"S": "A"}}}},
                {"Put": {"TableName": TABLE, "Item": item("T#1", "A", data="twice")}},  # same item again
            ]
        )

    assert everything() == before


def test_a_transaction_that_succeeds_writes_every_item() -> None:
    seed()

    with streams.listening(TABLE) as records:
        dynamodb().transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": item("T#1", "NEW", data="new")}},
                {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "T#1"}, "SK": {"S": "A"}}}},
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"PK": {"S": "T#1"}, "SK": {"S": "B"}},
                        "UpdateExpression": "ADD #c :one",
                        "ExpressionAttributeNames": {"#c": "count"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}, ":five": {"N": "5"}},
                        "ConditionExpression": "#c = :five",
                    }
                },
            ]
        )

    partition = [i for i in everything() if i["PK"]["S"] == "T#1"]
    assert [(i["SK"]["S"], i.get("data"), i.get("count")) for i in partition] == [
        ("B", None, {"N": "6"}),
        ("NEW", {"S": "new"}, None),
    ]
    assert len(everything()) == 32
    # its stream records, once it committed, in its order
    assert [(r["eventName"], r["dynamodb"]["Keys"]["SK"]["S"]) for r in records] == [
        ("INSERT", "NEW"),
        ("REMOVE", "A"),
        ("MODIFY", "B"),
    ]


@pytest.mark.parametrize("forward", [True, False])
def test_a_table_query_returns_its_partition_in_order_page_by_page(forward: bool) -> None:
    seed()
    expected = [i for i in everything() if i["PK"]["S"] == "P#1" and i["SK"]["S"] >= "S#004"]
    if not forward:
        expected.reverse()

    found: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        page = dynamodb().query(
            TableName=TABLE,
            KeyConditionExpression="PK = :pk AND SK >= :from",
            ExpressionAttributeValues={":pk": {"S": "P#1"}, ":from": {"S": "S#004"}},
            ScanIndexForward=forward,
            Limit=3,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        found += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            break

    assert found == expected
    assert len(found) == 9
    assert (
        dynamodb().query(
            TableName=TABLE,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": "NOBODY"}},
        )["Items"]
        == []
    )


def index_query(partition: str, page_size: int = 2) -> list[tuple[str, str]]:
    """Every item of a GSI2 partition, page by page, as (SK, GSI2SK)."""
    found: list[tuple[str, str]] = []
    start: dict[str, Any] | None = None
    while True:
        page = dynamodb().query(
            TableName=TABLE,
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk",
            ExpressionAttributeValues={":pk": {"S": partition}},
            Limit=page_size,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        found += [(i["SK"]["S"], i["GSI2SK"]["S"]) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def test_an_index_query_reads_its_partition_and_sees_every_write_since() -> None:
    seed()
    client = dynamodb()
    for n in range(5):
        client.put_item(TableName=TABLE, Item=item("Q#1", f"M#{n}", GSI2PK="DUE", GSI2SK=f"{9 - n}"))
    assert index_query("DUE") == [("M#4", "5"), ("M#3", "6"), ("M#2", "7"), ("M#1", "8"), ("M#0", "9")]

    # an update moves an item within the partition, another takes one out of it (a sparse index)
    client.update_item(
        TableName=TABLE,
        Key={"PK": {"S": "Q#1"}, "SK": {"S": "M#0"}},
        UpdateExpression="SET GSI2SK = :first",
        ExpressionAttributeValues={":first": {"S": "0"}},
    )
    client.update_item(
        TableName=TABLE,
        Key={"PK": {"S": "Q#1"}, "SK": {"S": "M#2"}},
        UpdateExpression="REMOVE GSI2PK, GSI2SK",
    )
    client.update_item(
        TableName=TABLE,
        Key={"PK": {"S": "Q#1"}, "SK": {"S": "M#3"}},
        UpdateExpression="SET GSI2PK = :other",
        ExpressionAttributeValues={":other": {"S": "FAILED"}},
    )
    client.delete_item(TableName=TABLE, Key={"PK": {"S": "Q#1"}, "SK": {"S": "M#4"}})
    client.transact_write_items(
        TransactItems=[{"Put": {"TableName": TABLE, "Item": item("Q#2", "M#9", GSI2PK="DUE", GSI2SK="3")}}]
    )
    client.batch_write_item(
        RequestItems={TABLE: [{"PutRequest": {"Item": item("Q#2", "M#8", GSI2PK="DUE", GSI2SK="4")}}]}
    )

    assert index_query("DUE") == [("M#0", "0"), ("M#9", "3"), ("M#8", "4"), ("M#1", "8")]
    assert index_query("FAILED") == [("M#3", "6")]
    assert index_query("NOBODY") == []


def every_kind_of_value() -> dict[str, Any]:
    return {
        **item("T#2", "ALL", text='é ✓ "quoted"'),
        "number": {"N": "12.50"},
        "yes": {"BOOL": True},
        "nothing": {"NULL": True},
        "words": {"SS": ["a", "b"]},
        "numbers": {"NS": ["1", "2.5"]},
        "list": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"BOOL": False}}}]},
        "map": {"M": {"inner": {"S": "y"}, "empty": {"L": []}}},
        "GSI1PK": {"S": "G#1"},
        "GSI1SK": {"S": "1"},
    }


READS: list[tuple[str, dict[str, Any]]] = [
    ("get_item", {"TableName": TABLE, "Key": {"PK": {"S": "T#2"}, "SK": {"S": "ALL"}}}),
    ("get_item", {"TableName": TABLE, "Key": {"PK": {"S": "T#2"}, "SK": {"S": "NONE"}}}),
    ("get_item", {"TableName": TABLE, "Key": {"PK": {"S": "T#3"}, "SK": {"S": "BIN"}}}),
    (
        "query",
        {
            "TableName": TABLE,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "P#2"}},
            "Limit": 4,
            "ReturnConsumedCapacity": "TOTAL",
        },
    ),
    (
        "query",
        {
            "TableName": TABLE,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "G#1"}},
        },
    ),
    ("scan", {"TableName": TABLE, "Limit": 7}),
    (
        "batch_get_item",
        {
            "RequestItems": {
                TABLE: {
                    "Keys": [
                        {"PK": {"S": "T#2"}, "SK": {"S": "ALL"}},
                        {"PK": {"S": "P#0"}, "SK": {"S": "S#003"}},
                        {"PK": {"S": "T#3"}, "SK": {"S": "BIN"}},
                    ]
                }
            }
        },
    ),
    (
        "transact_get_items",
        {"TransactItems": [{"Get": {"TableName": TABLE, "Key": {"PK": {"S": "T#2"}, "SK": {"S": "ALL"}}}}]},
    ),
]


@pytest.mark.parametrize(("operation", "request_"), READS, ids=[f"{o}-{i}" for i, (o, _) in enumerate(READS)])
def test_item_reads_answer_as_moto_itself_answers(operation: str, request_: dict[str, Any]) -> None:
    from infra.local.moto_speedups import moto_serializer

    seed()
    client = dynamodb()
    client.put_item(TableName=TABLE, Item=every_kind_of_value())
    client.put_item(TableName=TABLE, Item={**item("T#3", "BIN"), "blob": {"B": b"\x00\x01binary"}})

    fast = getattr(client, operation)(**request_)
    with moto_serializer():
        slow = getattr(client, operation)(**request_)

    fast.pop("ResponseMetadata")
    slow.pop("ResponseMetadata")
    assert fast == slow
