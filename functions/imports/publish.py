"""Task `PublishPages` of the import-publish state machine: publish pages while this invocation has time."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from functions.common.imported_images import image_fetches
from functions.imports.common import PublishTask, read_input
from orion.imports.publish import run_background_publish
from orion.imports.sources.service import publish_ended

# Stop starting pages this long before the Lambda's timeout: a page of products takes seconds.
RESERVE_MS = 3 * 60 * 1000


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task = read_input(PublishTask, event)
    done = run_background_publish(
        task.tenant,
        task.job_id,
        task.publish_id,
        keep_going=lambda: context.get_remaining_time_in_millis() > RESERVE_MS,
        on_published=image_fetches(task.tenant),  # the products' images, fetched into the store's media
    )
    if done:
        publish_ended(task.tenant, task.job_id)  # a saved source's run goes on with its next language
    return {"done": done, "publish_id": task.publish_id}
