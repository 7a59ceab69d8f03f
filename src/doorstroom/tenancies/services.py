"""Placement events: start in a care-leased dwelling, flip to an own tenancy, exit.

Each event checks its preconditions, changes state in one transaction and writes the audit trail.
The flip ends the care provider's lease and starts the labelled tenancy on the same date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.portfolio import services as portfolio
from doorstroom.portfolio.models import CareLease, Dwelling, LeaseEndReason
from doorstroom.tenancies.models import Placement


@transaction.atomic
def start_placement(
    *,
    acting_user: Any,
    dwelling: Dwelling,
    client_ref: str,
    start_date: dt.date,
    target_group: str = "mo",
) -> Placement:
    """Place a client in a dwelling the care provider leases on ``start_date``."""
    lease = (
        CareLease.objects.select_for_update(of=("self",))
        .select_related("agreement")
        .filter(dwelling=dwelling, start_date__lte=start_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start_date))
        .first()
    )
    if lease is None:
        raise ValidationError(_("The care provider does not lease this dwelling on that date."))
    if Placement.objects.filter(dwelling=dwelling, exit_date__isnull=True).exists():
        raise ValidationError(_("This dwelling already has a current placement."))
    overlapping = Placement.objects.filter(
        care_provider=lease.agreement.care_provider, client_ref=client_ref
    ).filter(Q(exit_date__isnull=True) | Q(exit_date__gt=start_date))
    if overlapping.exists():
        raise ValidationError(_("This client already has a placement in that period."))
    placement = Placement(
        care_provider=lease.agreement.care_provider,
        client_ref=client_ref,
        dwelling=dwelling,
        care_lease=lease,
        target_group=target_group,
        start_date=start_date,
    )
    placement.full_clean()
    placement.save()
    record_saved(
        actor=acting_user, organisation=lease.agreement.corporation, obj=placement, before=None
    )
    return placement


@transaction.atomic
def flip_placement(
    *, acting_user: Any, placement: Placement, flip_date: dt.date, tenant_name: str
) -> Placement:
    """The lease flips: the care lease ends, the client's own labelled tenancy starts."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("care_lease__agreement")
        .get(pk=placement.pk)
    )
    if placement.flip_date or placement.exit_date:
        raise ValidationError(_("Only a placement in the care lease can flip."))
    if flip_date < placement.start_date:
        raise ValidationError({"flip_date": _("The flip cannot be before the start.")})
    lease = placement.care_lease
    assert lease is not None
    before = snapshot_fields(placement)
    portfolio.end_care_lease(
        acting_user=acting_user, lease=lease, end_date=flip_date, reason=LeaseEndReason.FLIPPED
    )
    portfolio.start_regular_tenancy(
        acting_user=acting_user,
        dwelling=placement.dwelling,
        tenant_name=tenant_name,
        start_date=flip_date,
        care_label_until=flip_date + relativedelta(months=lease.agreement.label_months),
    )
    placement.flip_date = flip_date
    placement.save(update_fields=["flip_date"])
    record_saved(
        actor=acting_user, organisation=lease.agreement.corporation, obj=placement, before=before
    )
    return placement


@transaction.atomic
def exit_placement(
    *, acting_user: Any, placement: Placement, exit_date: dt.date, reason: str
) -> Placement:
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("dwelling")
        .get(pk=placement.pk)
    )
    if placement.exit_date:
        raise ValidationError(_("This placement has already ended."))
    before = snapshot_fields(placement)
    placement.exit_date, placement.exit_reason = exit_date, reason
    placement.full_clean()
    placement.save(update_fields=["exit_date", "exit_reason"])
    if placement.flip_date:
        tenancy = placement.dwelling.regular_tenancies.filter(end_date__isnull=True).first()
        if tenancy is not None:
            portfolio.end_regular_tenancy(
                acting_user=acting_user, tenancy=tenancy, end_date=exit_date
            )
    record_saved(
        actor=acting_user, organisation=placement.dwelling.corporation, obj=placement, before=before
    )
    return placement
