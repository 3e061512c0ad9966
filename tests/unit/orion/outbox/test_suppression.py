"""Suppression: a hard bounce or a complaint stops the platform sending to the address, a transient
bounce does not, and the outbox marks a message to a suppressed address suppressed instead of sending
it, on that platform only; each platform sends from its own sender, never from a made-up one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orion import runtime
from orion.outbox.models import Delivery, FeedbackKind, MailFeedback, OutboxMessage, Suppression
from orion.outbox.repository import OutboxRepository
from orion.outbox.service import deliver, mail_sender
from orion.outbox.suppression import is_suppressed, record_feedback
from orion.settings import MissingSetting
from orion.tenancy.models import Platform
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant

AT = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
OMS, LOYALTY = Tenant("oms"), Tenant("loyalty")


class FakeOutbox:
    """The outbox's data access, in memory: suppressions by (platform, address), marks by message."""

    def __init__(self) -> None:
        self.suppressions: dict[tuple[str, str], Suppression] = {}
        self.marks: dict[str, str] = {}

    def suppress(self, suppression: Suppression) -> None:
        self.suppressions[(suppression.platform, suppression.address.lower())] = suppression

    def suppression(self, platform: str, address: str) -> Suppression | None:
        return self.suppressions.get((platform, address.strip().lower()))

    def mark_suppressed(self, platform: str, message_id: str, now: datetime) -> None:
        self.marks[message_id] = "suppressed"

    def mark_sent(self, platform: str, message_id: str) -> None:
        self.marks[message_id] = "sent"


class FakeTenancy:
    def __init__(self, *platforms: Platform) -> None:
        self.platforms = {p.code: p for p in platforms}

    def get_platform(self, code: str) -> Platform | None:
        return self.platforms.get(code)


class Mailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, message: OutboxMessage, sender: str) -> None:
        self.sent.append((message.to, sender))


@pytest.fixture
def outbox() -> FakeOutbox:
    fake = FakeOutbox()
    runtime.substitute(OutboxRepository, fake)
    return fake


def feedback(kind: FeedbackKind, *addresses: str, permanent: bool = False) -> MailFeedback:
    return MailFeedback(kind=kind, addresses=addresses, permanent=permanent, message_id="m1", at=AT)


def message(platform: str = "oms", to: str = "someone@example.com") -> OutboxMessage:
    return OutboxMessage(
        id="01JTEST",
        platform=platform,
        store=None,
        kind="test",
        to=to,
        subject="Hi",
        text="Body",
        created_at=AT,
    )


def test_a_hard_bounce_suppresses_each_address_once_in_lower_case(outbox: FakeOutbox) -> None:
    written = record_feedback(
        OMS, feedback(FeedbackKind.BOUNCE, "Someone@Example.com", "someone@example.com", permanent=True)
    )

    assert [s.address for s in written] == ["someone@example.com"]
    assert is_suppressed(OMS, "SOMEONE@example.com")
    assert written[0].reason is FeedbackKind.BOUNCE and written[0].message_id == "m1"


def test_a_complaint_suppresses_the_address(outbox: FakeOutbox) -> None:
    record_feedback(OMS, feedback(FeedbackKind.COMPLAINT, "someone@example.com"))

    assert is_suppressed(OMS, "someone@example.com")


def test_a_transient_bounce_suppresses_nothing(outbox: FakeOutbox) -> None:
    assert record_feedback(OMS, feedback(FeedbackKind.BOUNCE, "someone@example.com", permanent=False)) == []
    assert not is_suppressed(OMS, "someone@example.com")


def test_a_suppression_holds_on_its_own_platform_only(outbox: FakeOutbox) -> None:
    record_feedback(OMS, feedback(FeedbackKind.COMPLAINT, "someone@example.com"))

    assert not is_suppressed(LOYALTY, "someone@example.com")


def test_a_message_to_a_suppressed_address_is_marked_suppressed_and_not_sent(outbox: FakeOutbox) -> None:
    record_feedback(OMS, feedback(FeedbackKind.BOUNCE, "someone@example.com", permanent=True))
    mailer = Mailer()

    assert deliver(OMS, message(), mailer) is Delivery.SUPPRESSED
    assert mailer.sent == []
    assert outbox.marks == {"01JTEST": "suppressed"}


def test_a_message_already_marked_suppressed_is_not_tried_again(outbox: FakeOutbox) -> None:
    mailer = Mailer()
    closed = message().model_copy(update={"suppressed_at": AT})

    assert deliver(OMS, closed, mailer) is Delivery.SUPPRESSED
    assert mailer.sent == []
    assert closed.status == "suppressed"


def test_another_platform_still_sends_to_the_address(outbox: FakeOutbox) -> None:
    record_feedback(OMS, feedback(FeedbackKind.COMPLAINT, "someone@example.com"))
    mailer = Mailer()

    assert deliver(LOYALTY, message("loyalty"), mailer) is Delivery.SENT
    assert [to for to, _ in mailer.sent] == ["someone@example.com"]


def test_each_platform_sends_from_the_sender_of_its_own_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "ORION_MAIL_SENDERS", '{"oms.lu": "OMS <no-reply@oms.lu>", "loyalty.lu": "no-reply@loyalty.lu"}'
    )
    monkeypatch.delenv("ORION_MAIL_FROM")
    runtime.reset()
    tenancy = FakeTenancy(
        Platform(code="oms", name="OMS", domains=("www.oms.lu", "oms.lu")),
        Platform(code="loyalty", name="Loyalty", domains=("loyalty.lu",)),
    )
    runtime.substitute(TenancyRepository, tenancy)

    assert mail_sender(Tenant("oms", "wizamart")) == "OMS <no-reply@oms.lu>"
    assert mail_sender(LOYALTY) == "no-reply@loyalty.lu"


def test_a_platform_without_a_sender_uses_the_deployment_default_or_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORION_MAIL_SENDERS", '{"oms.lu": "no-reply@oms.lu"}')
    monkeypatch.setenv("ORION_MAIL_FROM", "Orion <no-reply@orion.example>")
    runtime.reset()
    runtime.substitute(
        TenancyRepository, FakeTenancy(Platform(code="other", name="Other", domains=("x.lu",)))
    )
    assert mail_sender(Tenant("other")) == "Orion <no-reply@orion.example>"

    monkeypatch.delenv("ORION_MAIL_FROM")
    runtime.reset()
    runtime.substitute(
        TenancyRepository, FakeTenancy(Platform(code="other", name="Other", domains=("x.lu",)))
    )
    with pytest.raises(MissingSetting, match="no mail sender for platform 'other'"):
        mail_sender(Tenant("other"))


def test_nothing_defaults_the_sender_to_a_localhost_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORION_MAIL_FROM")
    monkeypatch.delenv("ORION_MAIL_SENDERS", raising=False)
    runtime.reset()

    with pytest.raises(MissingSetting):
        mail_sender(OMS)
