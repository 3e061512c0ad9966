"""Media processing Lambda: the media bucket's "Object Created" events for originals
(``<platform>/<store>/originals/<id>``) and for fetch requests (``<platform>/<store>/fetches/<id>``,
written when an import publishes products naming image addresses) invoke it asynchronously (EventBridge
rules); orion fetches the image if need be, checks it by decoding it and writes its variants, or
records why it is refused.

A refused image is an outcome, not an error: the record says why and nothing is retried. An error here
(S3 or DynamoDB unreachable) is raised, so Lambda retries the event (twice) and then sends it to the
dead-letter queue; a redelivered event for an upload processed already does nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from functions.common.entry import lambda_entry
from orion.media import fetching
from orion.media import service as media
from orion.media.models import MediaStatus
from orion.media.storage import parse_fetch_key
from orion.observability import logger, metrics


class S3Object(BaseModel):
    key: str = Field(min_length=1, max_length=1024)
    size: int | None = None


class S3Bucket(BaseModel):
    name: str


class ObjectCreated(BaseModel):
    """What the processing reads of S3's EventBridge event (``detail``)."""

    model_config = ConfigDict(populate_by_name=True)

    bucket: S3Bucket
    object: S3Object


class S3Event(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    detail_type: str = Field(alias="detail-type")
    detail: ObjectCreated


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        created = S3Event.model_validate(event)
    except ValidationError as exc:  # not an object event: nothing a retry would change
        logger.warning("not an S3 Object Created event, ignored", extra={"errors": exc.errors()})
        return {"status": "ignored"}
    key = created.detail.object.key
    logger.append_keys(media_key=key)
    # An upload's original, or a request to fetch an image an import named by address.
    record = fetching.process_fetch(key) if parse_fetch_key(key) else media.process_upload(key)
    if record is None:
        return {"status": "skipped"}
    logger.append_keys(platform=record.platform, store=record.store, media=record.id)
    if record.status is MediaStatus.READY:
        metrics.add_metric(name="MediaProcessed", unit=MetricUnit.Count, value=1)
        logger.info("image ready", extra={"widths": record.widths, "content_type": record.content_type})
    else:
        metrics.add_metric(name="MediaRefused", unit=MetricUnit.Count, value=1)
        logger.info("image refused", extra={"reason": record.reason})
    return {"status": record.status.value, "media": record.id}
