"""Retention of community data (docs/privacy-register.md), run daily by the scheduled job
``community.forget_former_residents``:

- a resident who left more than COMMUNITY_RETENTION_MONTHS ago (default 12) is forgotten: the
  display name becomes 'Oud-bewoner', 'about me' is emptied and their contribution log is deleted.
  Their requests, decisions and evaluations stay, as the community's history, under that name;
- invitations that were never accepted are deleted 30 days after they expired or were withdrawn;
- receipts are deleted 7 years after the end of the year of the activity (the fiscal term); the
  amounts stay.
The audit trail records that the data was erased, never what it said."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import build_event
from doorstroom.community.models import ContributionLog, Expense, Invitation, Resident

FORGOTTEN_NAME = "Oud-bewoner"
RECEIPT_YEARS = 7
INVITATION_DAYS = 30


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def forget_former_residents(*, today: dt.date | None = None) -> int:
    """Apply the retention rules; returns how many records were erased. Idempotent."""
    today = today or timezone.localdate()
    erased = 0
    cutoff = today - relativedelta(months=settings.COMMUNITY_RETENTION_MONTHS)
    residents = list(
        Resident.objects.filter(left_on__lt=cutoff)
        .filter(~Q(display_name__startswith=FORGOTTEN_NAME) | ~Q(about=""))
        .select_related("community__complex__corporation")
        .select_for_update(of=("self",))
    )
    events = []
    for resident in residents:
        resident.display_name = f"{FORGOTTEN_NAME} {resident.pk}"
        resident.about = ""
        events.append(
            build_event(
                actor=None,
                action=AuditAction.UPDATE,
                organisation=resident.community.complex.corporation,
                obj=resident,
                fields=["display_name", "about", "retention"],
            )
        )
    Resident.objects.bulk_update(residents, ["display_name", "about"])
    erased += len(residents)
    erased += ContributionLog.objects.filter(resident__left_on__lt=cutoff).delete()[0]

    stale_invitations = Invitation.objects.filter(accepted_at__isnull=True).filter(
        Q(expires_on__lt=today - dt.timedelta(days=INVITATION_DAYS))
        | Q(revoked_at__lt=timezone.now() - dt.timedelta(days=INVITATION_DAYS))
    )
    erased += stale_invitations.delete()[0]

    old_receipts = list(
        Expense.objects.exclude(receipt="").filter(
            request__starts_on__year__lt=today.year - RECEIPT_YEARS
        )
    )
    stored = [expense.receipt.name for expense in old_receipts if expense.receipt.name]
    for expense in old_receipts:
        expense.receipt = ""
        expense.receipt_name = ""
        expense.receipt_type = ""
    Expense.objects.bulk_update(old_receipts, ["receipt", "receipt_name", "receipt_type"])
    # The files go once the rows no longer point at them.
    transaction.on_commit(lambda: _delete_files(stored))
    erased += len(old_receipts)
    for event in events:
        event.save()
    return erased
