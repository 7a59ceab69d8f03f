"""Background work of placements, run by the worker (enqueued by `doorstroom run-scheduled`).

Every job is idempotent: running it twice on one day does nothing twice."""

from __future__ import annotations

from django_tasks import task


@task()
def attention_reminders() -> int:
    """Send the reminder of each attention point of the 3-year clock once."""
    from doorstroom.tenancies import clock

    return clock.send_attention_reminders(today=clock.local_today())


@task()
def schedule_check_ins() -> int:
    """Create the aftercare check-ins of flipped placements."""
    from doorstroom.tenancies import aftercare, clock

    return aftercare.schedule_check_ins(today=clock.local_today())


@task()
def end_labels() -> int:
    """End the 'wonen met zorg' label of placements whose label end date has come."""
    from doorstroom.tenancies import aftercare, clock

    return aftercare.end_due_labels(today=clock.local_today())
