"""Erasing applications that did not lead to a tenancy, after the retention period
(APPLICATION_RETENTION_MONTHS, default 6). Their reviews, interview slot and offers go with them;
the audit trail keeps only that an application was erased, never who applied."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import build_event
from doorstroom.lettings.models import ERASABLE_STATUSES, Application, ApplicationStatus


def stale_applications(*, now: dt.datetime | None = None, months: int | None = None) -> Q:
    """Applications ended (withdrawn, not selected) or never confirmed before the cut-off."""
    cutoff = (now or timezone.now()) - relativedelta(
        months=settings.APPLICATION_RETENTION_MONTHS if months is None else months
    )
    return Q(status__in=ERASABLE_STATUSES) & (
        Q(ended_at__lt=cutoff) | Q(status=ApplicationStatus.UNVERIFIED, submitted_at__lt=cutoff)
    )


@transaction.atomic
def erase_stale_applications(*, now: dt.datetime | None = None, months: int | None = None) -> int:
    """Erase stale applications; returns how many. Running it again erases nothing more."""
    stale = list(
        Application.objects.filter(stale_applications(now=now, months=months))
        .select_related("vacancy__dwelling__corporation")
        .select_for_update(of=("self",))
    )
    if not stale:
        return 0
    events = [
        build_event(
            actor=None,
            action=AuditAction.DELETE,
            organisation=application.vacancy.dwelling.corporation,
            obj=application,
            fields=["retention"],
        )
        for application in stale
    ]
    Application.objects.filter(pk__in=[a.pk for a in stale]).delete()
    for event in events:
        event.save()
    return len(stale)
