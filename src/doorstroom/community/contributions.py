"""Contributions: what a resident pledged when they applied (seen by themselves only), what they
log having done, and the totals of a complex for the board and the manager: pledged against
delivered, never per person and never a ranking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved
from doorstroom.community.models import Community, ContributionLog, Resident
from doorstroom.lettings.models import Application, ContributionKind
from doorstroom.organisations.access import require_permission
from doorstroom.portfolio.models import active_on

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal("24")
#: The months the totals page goes back, this month included.
MONTHS = 12

_HOURS = DecimalField(max_digits=9, decimal_places=1)
_ZERO = Value(Decimal("0"), output_field=_HOURS)


# --- the resident's own pledge --------------------------------------------------------------------


@dataclass(frozen=True)
class Pledge:
    kinds: list[str]
    text: str
    hours: int


_TENANCY = "offers__allocation__regular_tenancy"


def _current_tenancy(day: dt.date) -> Q:
    return active_on(day, start=f"{_TENANCY}__start_date", end=f"{_TENANCY}__end_date")


def pledge_of(resident: Resident, email: str) -> Pledge | None:
    """The pledge the resident made when they applied for their dwelling: the application that
    was allocated the current regular tenancy of the resident's dwelling, when it was made with
    the resident's own e-mail address. One query."""
    if resident.dwelling_id is None or not email:
        return None
    application = (
        Application.objects.filter(
            _current_tenancy(timezone.localdate()),
            **{f"{_TENANCY}__dwelling_id": resident.dwelling_id},
            email__iexact=email,
        )
        .only("pledge_kinds", "pledge_text", "pledge_hours")
        .first()
    )
    if application is None:
        return None
    return Pledge(
        kinds=application.pledge_kind_labels(),
        text=application.pledge_text,
        hours=application.pledge_hours,
    )


# --- logging --------------------------------------------------------------------------------------


def parse_hours(text: Any) -> Decimal:
    """Hours as people type them: "2", "1,5" or "1.5"."""
    value = "".join(str(text).split()).replace(",", ".")
    try:
        hours = Decimal(value)
    except InvalidOperation:
        raise ValidationError(
            _("Fill in the hours as a number, for example 1,5."), code="invalid"
        ) from None
    if not hours.is_finite():
        raise ValidationError(_("Fill in the hours as a number, for example 1,5."), code="invalid")
    return hours


def _own(acting_user: Any, resident: Resident) -> None:
    if acting_user is not None and acting_user.pk != resident.user_id:
        raise PermissionDenied(_("You may not do this."))


@transaction.atomic
def log_contribution(
    *,
    acting_user: Any,
    resident: Resident,
    kind: str,
    hours: Decimal,
    done_on: dt.date,
    note: str = "",
) -> ContributionLog:
    """A resident logs something they did for the community (their own log only)."""
    require_permission(acting_user, "community.log_contribution", resident.community)
    _own(acting_user, resident)
    resident = (
        Resident.objects.select_for_update(of=("self",))
        .select_related("community__complex__corporation")
        .get(pk=resident.pk)
    )
    today = timezone.localdate()
    if resident.left_on is not None and resident.left_on < today:
        raise ValidationError(_("You no longer belong to this community."))
    note = str(note or "").strip()
    errors: dict[str, str] = {}
    if kind not in ContributionKind.values:
        errors["kind"] = _("Choose what you did.")
    hours = Decimal(hours)
    if hours < MIN_HOURS or hours > MAX_HOURS:
        errors["hours"] = _("Log between half an hour and 24 hours.")
    elif hours != hours.quantize(Decimal("0.1")):
        errors["hours"] = _("Use at most one decimal, for example 1,5.")
    if done_on > today:
        errors["done_on"] = _("The date cannot be in the future.")
    if len(note) > 200:
        errors["note"] = _("Write at most 200 characters.")
    if errors:
        raise ValidationError(errors)
    that_day = ContributionLog.objects.filter(resident=resident, done_on=done_on).aggregate(
        total=Coalesce(Sum("hours"), _ZERO)
    )["total"]
    if that_day + hours > MAX_HOURS:
        raise ValidationError(
            {
                "hours": _("A day has 24 hours; you already logged %(hours)s hours on this day.")
                % {"hours": _hours_text(that_day)}
            }
        )
    entry = ContributionLog(resident=resident, kind=kind, hours=hours, done_on=done_on, note=note)
    entry.full_clean()
    entry.save()
    record_saved(
        actor=acting_user,
        organisation=resident.community.complex.corporation,
        obj=entry,
        before=None,
    )
    return entry


def _hours_text(hours: Decimal) -> str:
    from django.utils.formats import number_format

    return number_format(hours, 0 if hours == hours.to_integral_value() else 1)


@transaction.atomic
def delete_contribution(*, acting_user: Any, entry: ContributionLog) -> None:
    """A resident removes an entry of their own log."""
    entry = (
        ContributionLog.objects.select_for_update(of=("self",))
        .select_related("resident__community__complex__corporation")
        .get(pk=entry.pk)
    )
    require_permission(acting_user, "community.log_contribution", entry.resident.community)
    _own(acting_user, entry.resident)
    record(
        actor=acting_user,
        action=AuditAction.DELETE,
        organisation=entry.resident.community.complex.corporation,
        obj=entry,
        changes={
            "kind": (entry.kind, None),
            "hours": (entry.hours, None),
            "done_on": (entry.done_on, None),
        },
    )
    entry.delete()


# --- totals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnTotals:
    month: Decimal
    year: Decimal


def own_totals(resident: Resident, today: dt.date | None = None) -> OwnTotals:
    """The resident's logged hours this month and this year: one query."""
    today = today or timezone.localdate()
    totals = ContributionLog.objects.filter(resident=resident, done_on__year=today.year).aggregate(
        year=Coalesce(Sum("hours"), _ZERO),
        month=Coalesce(Sum("hours", filter=Q(done_on__month=today.month)), _ZERO),
    )
    return OwnTotals(month=totals["month"], year=totals["year"])


@dataclass(frozen=True)
class MonthTotal:
    month: dt.date
    hours: Decimal
    #: Width of the bar, in percent of the largest of the pledged and the delivered hours.
    width: int


@dataclass(frozen=True)
class ComplexTotals:
    pledged_hours: int
    pledges: int
    months: list[MonthTotal]
    by_kind: list[tuple[str, Decimal]]
    pledged_width: int

    @property
    def delivered(self) -> Decimal:
        return sum((m.hours for m in self.months), Decimal("0"))


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _i in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def complex_totals(community: Community, today: dt.date | None = None) -> ComplexTotals:
    """Pledged hours per month (of the current regular tenancies of the complex, allocated
    through an application) against the hours logged per month over the last twelve months, and
    the hours by kind: three aggregate queries, whatever the number of residents."""
    today = today or timezone.localdate()
    pledged = Application.objects.filter(
        _current_tenancy(today), **{f"{_TENANCY}__dwelling__complex_id": community.complex_id}
    ).aggregate(hours=Coalesce(Sum("pledge_hours"), 0), count=Count("pk", distinct=True))
    months = _months_back(today, MONTHS)
    logged = ContributionLog.objects.filter(
        resident__community=community, done_on__gte=months[0], done_on__lte=today
    )
    per_month = {
        (row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]): row[
            "hours"
        ]
        for row in logged.annotate(month=TruncMonth("done_on"))
        .values("month")
        .annotate(hours=Sum("hours"))
        .order_by()
    }
    labels = dict(ContributionKind.choices)
    by_kind = [
        (str(labels.get(row["kind"], row["kind"])), row["hours"])
        for row in logged.values("kind").annotate(hours=Sum("hours")).order_by("-hours", "kind")
    ]
    pledged_hours = int(pledged["hours"] or 0)
    scale = max([Decimal(pledged_hours), *per_month.values(), Decimal("0")])

    def width(hours: Decimal) -> int:
        return round(hours * 100 / scale) if scale else 0

    return ComplexTotals(
        pledged_hours=pledged_hours,
        pledges=int(pledged["count"] or 0),
        months=[
            MonthTotal(
                month=m,
                hours=per_month.get(m, Decimal("0")),
                width=width(per_month.get(m, Decimal("0"))),
            )
            for m in months
        ],
        by_kind=by_kind,
        pledged_width=width(Decimal(pledged_hours)),
    )
