"""Aftercare after the flip: check-ins at months after the flip date (the agreement's flip policy,
default 6, 12 and 24), recorded by the client's care provider (still housed, concerns, referred,
not housed); and the end of the 'wonen met zorg' label at its end date.

The scheduling functions are idempotent: the worker may run them any number of times a day.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.tenancies import clock
from doorstroom.tenancies.models import (
    AftercareCheckIn,
    CheckInOutcome,
    EventKind,
    Placement,
    PlacementEvent,
    PlacementState,
)
from doorstroom.tenancies.models.pathway import default_aftercare_months

logger = logging.getLogger(__name__)

#: Check-ins show as due this many days before their date.
DUE_SOON_DAYS = 30
FLIPPED_STATES = (PlacementState.FLIPPED, PlacementState.LABEL_ENDED)
CARE_ROLES = {Role.CASE_WORKER, Role.TEAM_LEAD}


def _allowed(user: Any, permission: str, obj: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and rules.has_perm(permission, user, obj)
    )


# --- scheduling ----------------------------------------------------------------------------------


def _flipped(on: dt.date) -> QuerySet[Placement]:
    return Placement.objects.filter(
        state__in=FLIPPED_STATES, exit_date__isnull=True, flip_date__lte=on
    )


def schedule_check_ins(today: dt.date | None = None) -> int:
    """Create the missing check-ins of every flipped placement at the flip date plus the months
    of its agreement's flip policy. Idempotent; returns the number of check-ins created."""
    on = today or clock.local_today()
    placements = list(
        _flipped(on)
        .select_related("care_lease__agreement__flip_policy", "dwelling")
        .prefetch_related("check_ins")
    )
    created = 0
    policies: dict[int, list[int]] = {}
    for placement in placements:
        lease = placement.care_lease
        if lease is None:
            months = default_aftercare_months()
        else:
            if lease.agreement_id not in policies:
                policy = clock.policy_for(lease.agreement)
                policies[lease.agreement_id] = [int(m) for m in policy.aftercare_months or []]
            months = policies[lease.agreement_id]
        have = {c.months_after_flip for c in placement.check_ins.all()}
        if set(months) <= have:
            continue
        created += _schedule_for(placement.pk, months)
    return created


@transaction.atomic
def _schedule_for(placement_id: int, months: list[int]) -> int:
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("dwelling")
        .get(pk=placement_id)
    )
    if placement.flip_date is None:
        return 0
    have = set(placement.check_ins.values_list("months_after_flip", flat=True))
    created = 0
    for m in sorted(set(months) - have):
        check_in = AftercareCheckIn.objects.create(
            placement=placement,
            months_after_flip=m,
            due_on=clock.point_date(placement.flip_date, m),
        )
        record_saved(actor=None, organisation=placement.care_provider, obj=check_in, before=None)
        created += 1
    return created


# --- recording -----------------------------------------------------------------------------------


@transaction.atomic
def record_check_in(
    *,
    acting_user: Any,
    check_in: AftercareCheckIn,
    done_on: dt.date,
    outcome: str,
    note: str = "",
) -> AftercareCheckIn:
    """The care provider records a check-in: when it took place and how the tenant is doing."""
    check_in = (
        AftercareCheckIn.objects.select_for_update(of=("self",))
        .select_related("placement__dwelling")
        .get(pk=check_in.pk)
    )
    placement = check_in.placement
    if acting_user is not None and not _allowed(
        acting_user, "tenancies.record_check_in", placement
    ):
        raise PermissionDenied(_("You may not do this."))
    if check_in.done_on is not None:
        raise ValidationError(_("This check-in has already been recorded."))
    errors: dict[str, str] = {}
    if outcome not in CheckInOutcome.values:
        errors["outcome"] = _("Choose the outcome of the check-in.")
    if done_on > clock.local_today():
        errors["done_on"] = _("The check-in cannot be in the future.")
    elif placement.flip_date is None or done_on < placement.flip_date:
        errors["done_on"] = _("The check-in cannot be before the flip.")
    if errors:
        raise ValidationError(errors)
    before = snapshot_fields(check_in)
    check_in.done_on, check_in.outcome, check_in.note = done_on, outcome, note.strip()
    if acting_user is not None and acting_user.is_authenticated:
        check_in.recorded_by = acting_user
    check_in.full_clean()
    check_in.save(update_fields=["done_on", "outcome", "note", "recorded_by"])
    record_saved(
        actor=acting_user, organisation=placement.care_provider, obj=check_in, before=before
    )
    # The timeline is seen by the corporation too: no outcome or note there.
    PlacementEvent.objects.create(
        placement=placement,
        kind=EventKind.CHECK_IN,
        on=done_on,
        summary=str(
            _("Aftercare check-in after %(months)s months") % {"months": check_in.months_after_flip}
        ),
        by=check_in.recorded_by,
    )
    return check_in


# --- reading -------------------------------------------------------------------------------------


def provider_ids(user: Any) -> set[int]:
    """The care providers in which ``user`` is a case worker or team lead."""
    return {m.organisation_id for m in memberships_of(user) if m.role in CARE_ROLES}


def open_check_ins(on: dt.date) -> QuerySet[AftercareCheckIn]:
    """Check-ins not yet recorded that are due within ``DUE_SOON_DAYS`` or overdue, of placements
    still housed after the flip."""
    return (
        AftercareCheckIn.objects.filter(
            done_on__isnull=True,
            due_on__lte=on + dt.timedelta(days=DUE_SOON_DAYS),
            placement__state__in=FLIPPED_STATES,
            placement__exit_date__isnull=True,
        )
        .select_related("placement__dwelling__complex")
        .order_by("due_on", "pk")
    )


def due_for(user: Any, on: dt.date) -> QuerySet[AftercareCheckIn]:
    """The open check-ins of the care providers ``user`` works for (none for anyone else)."""
    return open_check_ins(on).filter(placement__care_provider_id__in=provider_ids(user))


def check_ins_due_items(user: Any, membership: Any, limit: int = 12) -> list[Any]:
    """Aftercare check-ins due, for the home page: a case worker's clients, a team lead's team."""
    from doorstroom.home.sections import Item

    placements = clock.provider_placements(user, membership)
    if placements is None:
        return []
    on = clock.local_today()
    check_ins = open_check_ins(on).filter(placement__in=placements.values("pk"))[:limit]
    items = []
    for check_in in check_ins:
        if check_in.due_on < on:
            detail = _("Overdue since %(date)s") % {"date": check_in.due_on.strftime("%d-%m-%Y")}
        else:
            detail = _("Due on %(date)s") % {"date": check_in.due_on.strftime("%d-%m-%Y")}
        items.append(
            Item(
                label=f"{check_in.placement.client_ref} · {check_in.placement.dwelling.address}",
                detail=str(
                    _("Check-in after %(months)s months") % {"months": check_in.months_after_flip}
                )
                + f" · {detail}",
                url=check_in_url(check_in.pk),
            )
        )
    return items


def check_in_url(pk: int) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("aftercare:record", args=[pk])
    except NoReverseMatch:
        return ""


# --- the label's end -----------------------------------------------------------------------------


def end_due_labels(today: dt.date | None = None) -> int:
    """End the 'wonen met zorg' label of every flipped placement whose label end date has come
    (``tenancies.services.end_label``). Idempotent: an ended label is no longer in this state."""
    from doorstroom.tenancies import services

    on = today or clock.local_today()
    due = list(
        Placement.objects.filter(
            state=PlacementState.FLIPPED,
            exit_date__isnull=True,
            tenancy__care_label_until__lte=on,
        )
        .select_related("tenancy")
        .order_by("pk")
    )
    ended = 0
    for placement in due:
        assert placement.tenancy is not None and placement.tenancy.care_label_until is not None
        try:
            services.end_label(
                acting_user=None, placement=placement, on=placement.tenancy.care_label_until
            )
        except ValidationError as error:
            # One placement that cannot end must not stop the others; it is retried tomorrow.
            logger.warning("Label of placement %s not ended: %s", placement.pk, error)
            continue
        ended += 1
    return ended
