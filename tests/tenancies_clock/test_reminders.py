"""One reminder e-mail per attention point, through a real SMTP server; never twice; missed
points get no mail of their own."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from doorstroom.audit.models import AuditEvent
from doorstroom.tenancies.clock import send_attention_reminders
from doorstroom.tenancies.models import AttentionReminder, EventKind, FlipPolicy, PlacementEvent
from tests.smtp import body_of

START = dt.date(2022, 1, 15)


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    def run_on(day: dt.date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_attention_reminders(today=day)

    return run_on


def settle() -> None:
    """Give the SMTP server a moment, so a message sent by mistake would arrive."""
    time.sleep(0.3)


@pytest.mark.django_db
def test_one_mail_per_attention_point_and_none_on_a_second_run(
    world: Any, smtp_server: Any, run: Any
) -> None:
    placement = world.place(START)
    assert run(dt.date(2024, 1, 14)) == 0
    assert run(dt.date(2024, 1, 15)) == 1
    [message] = smtp_server.wait_for(1)
    assert sorted(message["To"].split(", ")) == [
        "begeleider@zorg.test",
        "beheerder@corporatie.test",
    ]
    body = body_of(message)
    assert placement.client_ref in message["Subject"] and "24" in message["Subject"]
    assert placement.client_ref in body and placement.dwelling.address in body
    assert "Geheim" not in body and "Persoon" not in body
    # The same day again, and the next day: nothing.
    assert run(dt.date(2024, 1, 15)) == 0
    assert run(dt.date(2024, 1, 16)) == 0
    settle()
    assert len(smtp_server.messages) == 1
    assert list(placement.reminders.values_list("months", "due_on")) == [(24, dt.date(2024, 1, 15))]
    # The next point: one more mail.
    assert run(dt.date(2024, 7, 15)) == 1
    assert len(smtp_server.wait_for(2)) == 2
    assert "30" in smtp_server.messages[1]["Subject"]
    assert run(dt.date(2024, 10, 15)) == 1
    assert run(dt.date(2024, 10, 16)) == 0
    settle()
    assert len(smtp_server.messages) == 3
    events = PlacementEvent.objects.filter(placement=placement, kind=EventKind.REMINDER)
    assert list(events.values_list("on", flat=True)) == [
        dt.date(2024, 1, 15),
        dt.date(2024, 7, 15),
        dt.date(2024, 10, 15),
    ]
    assert AuditEvent.objects.filter(object_type="tenancies.attentionreminder").count() == 3


@pytest.mark.django_db
def test_missed_points_send_only_the_highest(world: Any, smtp_server: Any, run: Any) -> None:
    placement = world.place(dt.date(2021, 1, 1))
    # The job did not run for years: 24, 30 and 33 months passed, and the placement is overdue.
    assert run(dt.date(2024, 2, 1)) == 1
    [message] = smtp_server.wait_for(1)
    assert "33" in message["Subject"]
    assert sorted(placement.reminders.values_list("months", flat=True)) == [24, 30, 33]
    [event] = PlacementEvent.objects.filter(placement=placement, kind=EventKind.REMINDER)
    assert "24, 30" in event.summary
    assert run(dt.date(2024, 2, 1)) == 0
    settle()
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_the_agreement_policy_sets_the_points(world: Any, smtp_server: Any, run: Any) -> None:
    FlipPolicy.objects.create(agreement=world.agreement, attention_months=[12])
    placement = world.place(START)
    assert run(dt.date(2023, 1, 15)) == 1
    smtp_server.wait_for(1)
    assert run(dt.date(2024, 10, 15)) == 0
    assert list(placement.reminders.values_list("months", flat=True)) == [12]


@pytest.mark.django_db
def test_a_new_policy_without_a_row_gets_the_defaults_and_flipped_placements_are_skipped(
    world: Any, smtp_server: Any, run: Any
) -> None:
    flipped = world.place(dt.date(2021, 1, 1))
    world.flip(flipped, dt.date(2023, 1, 1))
    assert not FlipPolicy.objects.exists()
    assert run(dt.date(2024, 2, 1)) == 0
    assert not AttentionReminder.objects.exists()
    world.place(START)
    assert run(dt.date(2024, 2, 1)) == 1
    assert FlipPolicy.objects.get().attention_months == [24, 30, 33]
