"""Channel changes Lambda: the table's stream (product, variant and store page items, filtered by the
event source mapping) becomes work for the channel worker: each item whose channel content changed has
its synced records marked outdated and one message on the channel queue (orion.channels.changes).

A batch's writes of one item (a product save writes the product and its variants at once) make one
message. Where an item's changes could not be handed on, the earliest of its stream records is
reported (partial batch response), so the stream retries from there.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from orion.channels.changes import ItemChange, change_of, forward_changes
from orion.observability import metrics


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    first_record: dict[ItemChange, str] = {}  # each changed item's earliest stream record
    for record in DynamoDBStreamEvent(event).records:
        stream = record.dynamodb
        if stream is None or record.event_name is None:
            continue
        change = change_of(record.event_name.name, stream.keys or {}, stream.old_image, stream.new_image)
        if change is not None:
            first_record.setdefault(change, stream.sequence_number or "0")
    forwarded = forward_changes(first_record)
    metrics.add_metric(name="ChannelChanges", unit=MetricUnit.Count, value=forwarded.messages)
    failed = sorted((first_record[change] for change in forwarded.failed), key=int)
    return {"batchItemFailures": [{"itemIdentifier": failed[0]}] if failed else []}
