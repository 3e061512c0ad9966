"""Outbox retries: a failed or never-attempted delivery is tried again by the scheduled task with
backoff, claimed so overlapping runs send once, and given up after the last attempt, visibly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import boto3
import pytest

from functions.outbox_sender.handler import handler as stream_handler
from orion.modules.tasks import run_task
from orion.outbox.models import OutboxMessage
from orion.outbox.repository import OutboxRepository
from orion.outbox.service import enqueue_email, retry_delay
from orion.outbox.tasks import retry_undelivered
from orion.settings import get_settings
from orion.tenancy.platforms import list_platforms
from orion.tenant import Tenant
from tests.events import FakeContext
from tests.integration.admin.test_admin_api import admin
from tests.integration.outbox.test_outbox_sender import stream_event

WIZAMART = Tenant("oms", "wizamart")
OMS = Tenant("oms")


class Mailer:
    """A mail sender that fails while ``down`` and remembers what it sent."""

    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.sent: list[str] = []

    def send(self, message: OutboxMessage, sender: str) -> None:
        if self.down:
            raise ConnectionError("mail service unreachable")
        self.sent.append(message.id)


def stored(message_id: str, platform: str = "oms") -> OutboxMessage:
    found = OutboxRepository().get(platform, message_id)
    assert found is not None
    return found


def new_message(tenant: Tenant = WIZAMART) -> OutboxMessage:
    return enqueue_email(tenant, to="someone@example.com", subject="Hello", text="Body", kind="test")


def test_a_failed_stream_delivery_is_recorded_for_the_retry_task_not_retried_by_the_stream(
    aws: None,
) -> None:
    # given SES refuses the sender (no verified identity in this account)
    message = new_message()
    image = boto3.client("dynamodb", region_name="eu-west-1").get_item(
        TableName=get_settings().table_name, Key={"PK": {"S": "P#oms#OUTBOX"}, "SK": {"S": message.id}}
    )["Item"]
    # when the stream hands it to the sender
    result = stream_handler(stream_event(image), FakeContext())
    # then the shard moves on, and the message waits for its next attempt
    assert result["batchItemFailures"] == []
    failed = stored(message.id)
    assert failed.status == "pending"
    assert failed.attempts == 1
    assert failed.last_error
    assert failed.next_attempt_at is not None and failed.next_attempt_at > datetime.now(UTC)


def test_an_undelivered_message_is_sent_once_it_is_due(aws: None) -> None:
    message = new_message()
    mailer = Mailer()
    created = message.created_at
    # not yet due: the stream normally delivers within seconds
    assert retry_undelivered(OMS, created + timedelta(seconds=10), mailer) == 0
    # due: sent and marked, and gone from the due partition
    assert retry_undelivered(OMS, created + timedelta(minutes=6), mailer) == 1
    assert mailer.sent == [message.id]
    assert stored(message.id).status == "sent"
    assert retry_undelivered(OMS, created + timedelta(hours=5), mailer) == 0
    assert mailer.sent == [message.id]


def test_failures_back_off_and_the_last_one_gives_up_visibly(aws: None) -> None:
    message = new_message()
    mailer = Mailer(down=True)
    now = message.created_at + timedelta(minutes=6)
    attempts_due: list[datetime] = []
    for _ in range(get_settings().outbox_max_attempts):
        assert retry_undelivered(OMS, now, mailer) == 1
        current = stored(message.id)
        if current.next_attempt_at is None:
            break
        attempts_due.append(current.next_attempt_at)
        assert retry_undelivered(OMS, current.next_attempt_at - timedelta(seconds=1), mailer) == 0
        now = current.next_attempt_at
    # the delay doubles after each failure
    gaps = [b - a for a, b in pairwise(attempts_due)]
    assert gaps == [retry_delay(n) for n in range(2, len(attempts_due) + 1)]
    # after the last attempt it is given up: never tried again, and listed for operators
    given_up = stored(message.id)
    assert given_up.status == "failed"
    assert given_up.attempts == get_settings().outbox_max_attempts
    assert "mail service unreachable" in (given_up.last_error or "")
    assert retry_undelivered(OMS, now + timedelta(days=1), Mailer()) == 0
    assert [m.id for m in OutboxRepository().list_failed("oms", 10)] == [message.id]


def test_operators_see_given_up_messages_and_can_requeue_them(demo: list[str]) -> None:
    message = new_message()
    repository = OutboxRepository()
    now = datetime.now(UTC)
    repository.record_failure(
        "oms", message.id, attempts=5, error="MessageRejected: bad address", retry_at=None, now=now
    )
    listed: list[dict[str, Any]] = admin("GET", "/outbox", query="status=failed").json()
    assert [(m["id"], m["status"], m["attempts"]) for m in listed] == [(message.id, "failed", 5)]
    assert "text" not in listed[0]  # bodies may hold single-use links
    assert admin("GET", "/outbox", platform="loyalty", query="status=failed").json() == []
    assert admin("GET", "/outbox", query="status=whatever").status == 422

    requeued = admin("POST", f"/outbox/{message.id}/retry")
    assert requeued.status == 200
    assert requeued.json()["status"] == "pending"
    assert admin("POST", f"/outbox/{message.id}/retry").status == 404  # only given-up ones
    mailer = Mailer()
    assert retry_undelivered(OMS, datetime.now(UTC) + timedelta(seconds=1), mailer) >= 1
    assert message.id in mailer.sent


def test_overlapping_runs_send_a_message_once(aws: None) -> None:
    message = new_message()
    repository = OutboxRepository()
    later = message.created_at + timedelta(minutes=6)
    [seen_by_a] = repository.list_due("oms", later, 10)
    [seen_by_b] = repository.list_due("oms", later, 10)
    lease = later + timedelta(minutes=5)
    assert repository.claim("oms", seen_by_a, lease)
    assert not repository.claim("oms", seen_by_b, lease)


def test_the_task_stays_on_its_platform(aws: None) -> None:
    ours, theirs = new_message(), new_message(Tenant("loyalty", "cafe"))
    mailer = Mailer()
    retry_undelivered(OMS, ours.created_at + timedelta(minutes=6), mailer)
    assert mailer.sent == [ours.id]
    assert stored(theirs.id, "loyalty").status == "pending"


@pytest.mark.parametrize("platform", ["oms", "loyalty"])
def test_the_retry_task_runs_on_every_platform(demo: list[str], platform: str) -> None:
    # The outbox is core: its task runs everywhere, whatever optional modules a platform has.
    run = run_task("outbox.retry_undelivered", list_platforms, datetime.now(UTC))
    assert platform in run.handled
    assert run.failed == {}
