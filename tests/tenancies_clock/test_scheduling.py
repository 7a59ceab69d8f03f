"""The scheduled jobs run in the real background worker: `doorstroom run-scheduled` enqueues them,
`doorstroom worker` runs them, and running both twice on one day does nothing twice."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core.management import call_command

from doorstroom.config.scheduling import scheduled_jobs
from doorstroom.tenancies import aftercare, services
from doorstroom.tenancies.models import (
    AftercareCheckIn,
    AttentionReminder,
    Placement,
    PlacementState,
)

TODAY = dt.date(2024, 10, 15)


def test_the_jobs_are_listed() -> None:
    names = [name for name, _job in scheduled_jobs()]
    assert {
        "tenancies.attention_reminders",
        "tenancies.schedule_check_ins",
        "tenancies.end_labels",
    } <= set(names)


def attention_mails(smtp_server: Any) -> list[Any]:
    return [
        m for m in smtp_server.messages if "maanden" in m["Subject"] or "months" in m["Subject"]
    ]


@pytest.mark.django_db(transaction=True)
def test_run_scheduled_and_the_worker_send_each_reminder_once(
    world: Any, smtp_server: Any, frozen: Any
) -> None:
    frozen(TODAY)
    reminded = world.place(dt.date(2022, 1, 15))  # 33 months on TODAY
    flipped = world.flip(world.place(dt.date(2021, 6, 1)), dt.date(2024, 3, 1))
    world.place(dt.date(2024, 1, 1))  # nothing yet
    smtp_server.wait_for(1)
    before = len(smtp_server.messages)  # the flip's own notification

    call_command("run-scheduled")
    # Nothing happens in the command itself: the worker does the work.
    assert not AttentionReminder.objects.exists()
    call_command("worker", "--batch", "--no-startup-delay")
    smtp_server.wait_for(before + 1)
    call_command("run-scheduled")
    call_command("run-scheduled")
    call_command("worker", "--batch", "--no-startup-delay")
    call_command("worker", "--batch", "--no-startup-delay")
    time.sleep(0.5)

    new = smtp_server.messages[before:]
    assert len(new) == 1, [m["Subject"] for m in new]
    assert reminded.client_ref in new[0]["Subject"]
    assert sorted(reminded.reminders.values_list("months", flat=True)) == [24, 30, 33]
    assert AttentionReminder.objects.count() == 3
    assert list(
        AftercareCheckIn.objects.filter(placement=flipped).values_list(
            "months_after_flip", flat=True
        )
    ) == [6, 12, 24]
    assert AftercareCheckIn.objects.count() == 3

    # The next day: still nothing new.
    frozen(TODAY + dt.timedelta(days=1))
    call_command("run-scheduled")
    call_command("worker", "--batch", "--no-startup-delay")
    time.sleep(0.3)
    assert len(smtp_server.messages) == before + 1


@pytest.mark.django_db
def test_labels_end_at_their_end_date_once(world: Any, frozen: Any) -> None:
    if not hasattr(services, "end_label"):
        pytest.skip("tenancies.services.end_label is not there yet")
    frozen(TODAY)
    placement = world.flip(world.place(dt.date(2021, 1, 1)), dt.date(2022, 6, 1))
    label_until = placement.tenancy.care_label_until
    assert label_until == dt.date(2024, 6, 1)
    later = world.flip(world.place(dt.date(2021, 2, 1)), dt.date(2023, 1, 1))

    assert aftercare.end_due_labels(today=label_until - dt.timedelta(days=1)) == 0
    assert aftercare.end_due_labels(today=TODAY) == 1
    placement.refresh_from_db()
    later.refresh_from_db()
    assert placement.state == PlacementState.LABEL_ENDED
    assert later.state == PlacementState.FLIPPED
    assert aftercare.end_due_labels(today=TODAY) == 0
    assert Placement.objects.filter(state=PlacementState.LABEL_ENDED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_ends_labels(world: Any, frozen: Any, smtp_server: Any) -> None:
    if not hasattr(services, "end_label"):
        pytest.skip("tenancies.services.end_label is not there yet")
    frozen(TODAY)
    placement = world.flip(world.place(dt.date(2021, 1, 1)), dt.date(2022, 6, 1))
    call_command("run-scheduled")
    call_command("run-scheduled")
    call_command("worker", "--batch", "--no-startup-delay")
    placement.refresh_from_db()
    assert placement.state == PlacementState.LABEL_ENDED
