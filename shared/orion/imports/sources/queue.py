"""The source-runs queue (wiring ``import-source-runs``): a message asks the runner to run a source
(``run``) or to finish a run whose import jobs have all ended (``finish``). It names the tenant, the
source and the run, nothing else; the runner reads both as they are when it takes the message."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from orion.data.clients import aws_client
from orion.errors import Conflict
from orion.ids import ID_PATTERN
from orion.settings import get_settings
from orion.tenant import CODE_PATTERN, Tenant

Code = Annotated[str, Field(pattern=CODE_PATTERN.pattern)]
Id = Annotated[str, Field(pattern=f"^{ID_PATTERN.pattern}$")]


class SourceMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["run", "finish"]
    platform: Code
    store: Code
    source_id: Id
    run_id: Id

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.platform, self.store)


def read_message(body: str) -> SourceMessage:
    """A message from its body (ValueError, a ValidationError, for anything else)."""
    return SourceMessage.model_validate_json(body)


class SourceQueue:
    """Sends to the source-runs queue."""

    def send(self, message: SourceMessage) -> None:
        url = get_settings().import_source_queue_url
        if not url:
            raise Conflict("Saved sources cannot run here: the source-runs queue is not configured.")
        aws_client("sqs").send_message(QueueUrl=url, MessageBody=message.model_dump_json())
