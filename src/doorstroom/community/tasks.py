"""Background work of the community, run by the worker (enqueued by `doorstroom run-scheduled`).

Every job is idempotent: running it twice on one day does nothing twice."""

from __future__ import annotations

from django_tasks import task


@task()
def plan_meetings() -> int:
    """Plan each community's monthly meetings of this month and the next by its rule."""
    from doorstroom.community import meetings

    return meetings.plan_meetings()


@task()
def end_residencies() -> int:
    """Take the resident role from people whose move-out date has passed (and who live in no
    other complex of the corporation)."""
    from doorstroom.community.residents import revoke_former_resident_memberships

    return revoke_former_resident_memberships()


@task()
def forget_former_residents() -> int:
    """Apply the community's retention rules (community/retention.py)."""
    from doorstroom.community.retention import forget_former_residents as forget

    return forget()
