"""Background work of lettings, run by the worker (enqueued by `doorstroom run-scheduled`)."""

from __future__ import annotations

from django_tasks import task

from doorstroom.lettings.retention import erase_stale_applications


@task()
def erase_applications() -> int:
    """Erase applications past the retention period (idempotent)."""
    return erase_stale_applications()


@task()
def expire_offers() -> int:
    """Withdraw offers whose response deadline has passed (reason REA; idempotent)."""
    from django.utils import timezone

    from doorstroom.lettings.offers import expire_overdue_offers

    return expire_overdue_offers(today=timezone.localdate())
