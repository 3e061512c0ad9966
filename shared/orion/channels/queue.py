"""The channel queue: the messages the channel worker takes (an item that changed, a chunk of a large
publish) and their data access (SQS, the queue the wiring table names ``channel-changes``).

A message names its tenant, its item or job and nothing of the item's content: the worker reads the
item as it is when the message is taken, so duplicated and reordered messages end the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from orion.channels.models import ItemKind
from orion.data.clients import aws_client
from orion.ids import ID_PATTERN
from orion.settings import get_settings
from orion.tenant import CODE_PATTERN, Tenant

Code = Annotated[str, Field(pattern=CODE_PATTERN.pattern)]
Id = Annotated[str, Field(pattern=f"^{ID_PATTERN.pattern}$")]
ItemId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,100}$")]  # a product id or a page slug
# SQS delays a message at most 15 minutes, and takes at most 10 per batch request.
MAX_DELAY_SECONDS = 900
SEND_BATCH = 10


class ItemChanged(BaseModel):
    """An item of a store changed, or is to be sent again: the worker brings it to the store's active
    integrations (every one, or only ``integration_ids``: the retry of those that failed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["item"] = "item"
    platform: Code
    store: Code
    kind: ItemKind
    item_id: ItemId
    integration_ids: tuple[Id, ...] | None = Field(default=None, max_length=100)
    # How often the message this one narrows down was received: the backoff goes on from there.
    earlier_receives: int = Field(default=0, ge=0)

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.platform, self.store)


class JobChunk(BaseModel):
    """One chunk of a large publish: the products of one page of the rules' selection (phase
    ``selected``, category ``scope`` of the rule's categories), of one page of the integration's records
    (phase ``published``: those the rules no longer select are taken back), or the store's CMS pages
    (phase ``pages``, the last)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["job"] = "job"
    platform: Code
    store: Code
    integration_id: Id
    job_id: Id
    chunk: int = Field(ge=0)
    phase: Literal["selected", "published", "pages"] = "selected"
    scope: int = Field(default=0, ge=0)
    cursor: str | None = Field(default=None, max_length=1000)

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.platform, self.store)


ChannelMessage = Annotated[ItemChanged | JobChunk, Field(discriminator="type")]
_MESSAGE: TypeAdapter[ItemChanged | JobChunk] = TypeAdapter(ChannelMessage)


def read_message(body: str) -> ItemChanged | JobChunk:
    """A message from its body (ValueError for anything else: a ValidationError is one)."""
    return _MESSAGE.validate_json(body)


class ChannelQueue:
    """Sends the channel worker's messages and puts off one it failed (ChangeMessageVisibility)."""

    def send(self, messages: Sequence[ItemChanged | JobChunk], *, delay_seconds: int = 0) -> list[int]:
        """Send ``messages`` in batches of 10; the positions of those SQS did not take (empty: all
        were sent)."""
        client, url = aws_client("sqs"), get_settings().channel_queue_url
        delay = max(0, min(int(delay_seconds), MAX_DELAY_SECONDS))
        refused: list[int] = []
        for start in range(0, len(messages), SEND_BATCH):
            batch = messages[start : start + SEND_BATCH]
            entries = [
                {"Id": str(start + offset), "MessageBody": message.model_dump_json(), "DelaySeconds": delay}
                for offset, message in enumerate(batch)
            ]
            answer = client.send_message_batch(QueueUrl=url, Entries=entries)
            refused += [int(failure["Id"]) for failure in answer.get("Failed", [])]
        return refused

    def retry_later(self, receipt_handle: str, seconds: int) -> None:
        """Make a received message visible again ``seconds`` from now (the worker's backoff)."""
        aws_client("sqs").change_message_visibility(
            QueueUrl=get_settings().channel_queue_url,
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=max(0, int(seconds)),
        )
