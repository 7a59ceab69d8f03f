"""The figures of a community for a year, computed in the database with a fixed number of queries.
Pure reads, so the pages here and the reports of outcomes can share one definition of each.

- Activities held: approved activities (approved, evaluated or closed; not cancelled) whose first
  date falls in the month and is not after ``as_of`` (today): planned ones are not held yet.
- Participants: the number of participants the evaluations report, counted in the month of the
  activity's first date.
- Approval rate: approved decisions ÷ (approved + rejected decisions) taken in meetings of the
  year; a request sent back for changes is not decided yet. None when there were none.
- Budget use: spent ÷ the year's budget (see selectors.budget_summary). None without a budget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from doorstroom.community.models import ActivityRequest, Community, Decision, DecisionOutcome
from doorstroom.community.models.activities import GRANTED_STATUSES
from doorstroom.community.selectors import BudgetSummary, budget_summary


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date  # the first day of the month
    held: int
    participants: int


@dataclass(frozen=True)
class YearFigures:
    year: int
    months: list[MonthFigures]
    approved: int
    rejected: int
    summary: BudgetSummary

    @property
    def held(self) -> int:
        return sum(m.held for m in self.months)

    @property
    def participants(self) -> int:
        return sum(m.participants for m in self.months)

    @property
    def approval_rate(self) -> Decimal | None:
        """Approved ÷ (approved + rejected) as a fraction; None when nothing was decided."""
        decided = self.approved + self.rejected
        if not decided:
            return None
        return Decimal(self.approved) / Decimal(decided)

    @property
    def budget_use(self) -> Decimal | None:
        """Spent ÷ budget as a fraction; None without a budget (or a budget of 0)."""
        if not self.summary.amount:
            return None
        return self.summary.spent / self.summary.amount

    @property
    def most_held(self) -> int:
        return max((m.held for m in self.months), default=0)

    @property
    def most_participants(self) -> int:
        return max((m.participants for m in self.months), default=0)


def _community_id(community: Community | int) -> int:
    return community if isinstance(community, int) else community.pk


def activities_per_month(
    community: Community | int, year: int, *, as_of: dt.date | None = None
) -> list[MonthFigures]:
    """Activities held and their participants, for each of the twelve months: one query."""
    as_of = as_of or timezone.localdate()
    rows = (
        ActivityRequest.objects.filter(
            community_id=_community_id(community),
            starts_on__year=year,
            starts_on__lte=as_of,
            status__in=GRANTED_STATUSES,
        )
        .annotate(month=TruncMonth("starts_on"))
        .order_by()
        .values("month")
        .annotate(
            held=Count("pk"),
            participants=Coalesce(
                Sum("evaluation__participants"), Value(0), output_field=IntegerField()
            ),
        )
    )
    by_month = {row["month"].month: row for row in rows}
    return [
        MonthFigures(
            month=dt.date(year, month, 1),
            held=int(by_month[month]["held"]) if month in by_month else 0,
            participants=int(by_month[month]["participants"]) if month in by_month else 0,
        )
        for month in range(1, 13)
    ]


def decisions_of_year(community: Community | int, year: int) -> tuple[int, int]:
    """(approved, rejected) decisions taken in meetings of ``year``: one query."""
    counts = Decision.objects.filter(
        request__community_id=_community_id(community), meeting__starts_at__year=year
    ).aggregate(
        approved=Count("pk", filter=Q(outcome=DecisionOutcome.APPROVED)),
        rejected=Count("pk", filter=Q(outcome=DecisionOutcome.REJECTED)),
    )
    return int(counts["approved"] or 0), int(counts["rejected"] or 0)


def year_figures(
    community: Community | int, year: int, *, as_of: dt.date | None = None
) -> YearFigures:
    """All figures of a community's year: five queries."""
    approved, rejected = decisions_of_year(community, year)
    return YearFigures(
        year=year,
        months=activities_per_month(community, year, as_of=as_of),
        approved=approved,
        rejected=rejected,
        summary=budget_summary(community, year),
    )


__all__ = [
    "MonthFigures",
    "YearFigures",
    "activities_per_month",
    "decisions_of_year",
    "year_figures",
]
