"""The board of four: the manager records elections and appointments as terms, and ends a term
early. At most four terms run on any day, the chair, the secretary and the treasurer each have
one holder at a time, and a resident holds one seat at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.community.models import (
    BOARD_SEATS,
    BoardPosition,
    BoardTerm,
    Community,
    Resident,
    TermKind,
)
from doorstroom.community.models.residents import SINGLE_POSITIONS
from doorstroom.organisations.access import require_permission


def _date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def most_running(terms: list[BoardTerm], start: dt.date, end: dt.date) -> int:
    """The largest number of ``terms`` running on one day between ``start`` and ``end``."""
    # The count only goes up on the first day of the period or of a term.
    days = {start} | {t.start_date for t in terms if start <= t.start_date <= end}
    return max(
        (sum(1 for t in terms if t.start_date <= day <= t.end_date) for day in days), default=0
    )


@transaction.atomic
def record_term(
    *,
    acting_user: Any,
    community: Community,
    resident: Resident,
    position: str,
    start_date: dt.date,
    end_date: dt.date,
    kind: str = TermKind.ELECTED,
    decided_on: dt.date | None = None,
    note: str = "",
) -> BoardTerm:
    """Record an election or appointment of a resident to a seat of the board."""
    require_permission(acting_user, "community.manage_board", community)
    community = (
        Community.objects.select_for_update(of=("self",))
        .select_related("complex__corporation")
        .get(pk=community.pk)
    )
    resident = Resident.objects.get(pk=resident.pk)
    note = str(note or "").strip()
    if resident.community_id != community.pk:
        raise ValidationError({"resident": _("Choose a resident of this community.")})
    if position not in BoardPosition.values:
        raise ValidationError({"position": _("Choose a position.")})
    if kind not in TermKind.values:
        raise ValidationError({"kind": _("Choose how the seat was filled.")})
    if end_date <= start_date:
        raise ValidationError({"end_date": _("A term ends after it starts.")})
    if decided_on is not None and decided_on > timezone.localdate():
        raise ValidationError(
            {"decided_on": _("The date of the decision cannot be in the future.")}
        )
    if len(note) > 200:
        raise ValidationError({"note": _("Write at most 200 characters.")})
    if resident.left_on is not None and resident.left_on <= timezone.localdate():
        raise ValidationError({"resident": _("This resident has left the community.")})
    if resident.left_on is not None and end_date > resident.left_on:
        raise ValidationError(
            {
                "end_date": _("This resident leaves on %(date)s; the term cannot run longer.")
                % {"date": _date(resident.left_on)}
            }
        )
    overlapping = list(
        BoardTerm.objects.filter(
            community=community, start_date__lte=end_date, end_date__gte=start_date
        ).select_related("resident")
    )
    if any(t.resident_id == resident.pk for t in overlapping):
        raise ValidationError(
            {"resident": _("This resident already holds a seat on the board in this period.")}
        )
    if position in SINGLE_POSITIONS:
        holder = next((t for t in overlapping if t.position == position), None)
        if holder is not None:
            raise ValidationError(
                {
                    "position": _(
                        "In this period the %(position)s is already %(name)s (until %(date)s)."
                    )
                    % {
                        "position": BoardPosition(position).label.lower(),
                        "name": holder.resident.display_name,
                        "date": _date(holder.end_date),
                    }
                }
            )
    if most_running(overlapping, start_date, end_date) >= BOARD_SEATS:
        raise ValidationError(
            _("The board has four seats; in this period all four are taken. End a term first.")
        )
    term = BoardTerm(
        community=community,
        resident=resident,
        position=position,
        start_date=start_date,
        end_date=end_date,
        kind=kind,
        decided_on=decided_on,
        note=note,
        recorded_by=acting_user,
    )
    term.full_clean()
    term.save()
    record_saved(
        actor=acting_user, organisation=community.complex.corporation, obj=term, before=None
    )
    return term


@transaction.atomic
def end_term(*, acting_user: Any, term: BoardTerm, end_date: dt.date, reason: str) -> BoardTerm:
    """End a term before its planned end (a resignation, a move), with the reason."""
    require_permission(acting_user, "community.manage_board", term.community)
    community = (
        Community.objects.select_for_update(of=("self",))
        .select_related("complex__corporation")
        .get(pk=term.community_id)
    )
    term = BoardTerm.objects.select_for_update(of=("self",)).get(pk=term.pk)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the term ends early.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Write at most 200 characters.")})
    if end_date <= term.start_date:
        raise ValidationError(
            {
                "end_date": _("A term ends after it starts (%(date)s).")
                % {"date": _date(term.start_date)}
            }
        )
    if end_date >= term.end_date:
        raise ValidationError(
            {
                "end_date": _("This term already ends on %(date)s; an early end is before that.")
                % {"date": _date(term.end_date)}
            }
        )
    before = snapshot_fields(term)
    term.end_date = end_date
    term.ended_early_reason = reason
    term.save(update_fields=["end_date", "ended_early_reason"])
    record_saved(
        actor=acting_user, organisation=community.complex.corporation, obj=term, before=before
    )
    return term
