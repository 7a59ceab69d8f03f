"""The yearly budget of a community: the manager sets it (never below what is already granted
that year), and the year overview shows budget, granted, spent and remaining with every activity
of the year. 'Remaining' is defined once, in selectors.budget_summary."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    Budget,
    BudgetLine,
    Community,
    Expense,
)
from doorstroom.community.selectors import BudgetSummary, budget_summary
from doorstroom.organisations.access import require_permission

#: Years a budget can be set for.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_BUDGET = Decimal("9999999.99")
_MONEY = DecimalField(max_digits=11, decimal_places=2)


def _euro(amount: Decimal) -> str:
    return f"€ {number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)}"


@transaction.atomic
def set_budget(
    *, acting_user: Any, community: Community, year: int, amount: Decimal, note: str = ""
) -> Budget:
    """Set or change the budget of ``year``. Refused below what is already granted to activities
    of that year (the grants stand), and below zero."""
    community = (
        Community.objects.select_for_update(of=("self",))
        .select_related("complex__corporation")
        .get(pk=community.pk)
    )
    require_permission(acting_user, "community.set_budget", community)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if not isinstance(amount, Decimal) or amount < 0:
        errors["amount"] = [_("A budget cannot be negative.")]
    elif amount > MAX_BUDGET:
        errors["amount"] = [_("That amount is too high.")]
    else:
        granted = budget_summary(community, year).granted
        if amount < granted:
            errors["amount"] = [
                _(
                    "Already %(granted)s has been granted to activities in %(year)s; the budget"
                    " cannot be lower than that."
                )
                % {"granted": _euro(granted), "year": year}
            ]
    if len(note) > 200:
        errors["note"] = [_("Use at most %(count)s characters.") % {"count": 200}]
    if errors:
        raise ValidationError(errors)
    budget = (
        Budget.objects.select_for_update(of=("self",))
        .filter(community=community, year=year)
        .first()
    )
    before = snapshot_fields(budget) if budget is not None else None
    if budget is None:
        budget = Budget(community=community, year=year)
    budget.amount = amount
    budget.note = note
    budget.set_by = acting_user
    budget.save()
    record_saved(
        actor=acting_user,
        organisation=community.complex.corporation,
        obj=budget,
        before=before,
    )
    return budget


# --- The year overview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    request: ActivityRequest
    requested: Decimal
    granted: Decimal | None
    spent: Decimal
    receipts: int

    @property
    def over_grant(self) -> bool:
        """Spent more than granted (allowed, but the board should see it)."""
        return self.granted is not None and self.spent > self.granted


@dataclass(frozen=True)
class YearOverview:
    summary: BudgetSummary
    budget: Budget | None
    rows: list[ActivityRow]

    @property
    def bar_percentage(self) -> int:
        """The used share of the budget for the bar, capped at 100."""
        return max(0, min(100, self.summary.use_percentage or 0))

    @property
    def granted_percentage(self) -> int:
        if not self.summary.amount:
            return 0
        return max(0, min(100, round(self.summary.granted * 100 / self.summary.amount)))


def _sum_of(model: Any, field: str, **filters: Any) -> Subquery:
    return Subquery(
        model.objects.filter(request=OuterRef("pk"), **filters)
        .order_by()
        .values("request")
        .annotate(total=Sum(field))
        .values("total")[:1],
        output_field=_MONEY,
    )


def activities_of_year(community: Community | int, year: int) -> Any:
    """The community's activity requests dated in ``year`` (withdrawn ones left out), each with
    ``requested``, ``spent`` and ``receipt_count``: one query."""
    community_id = community if isinstance(community, int) else community.pk
    receipts = (
        Expense.objects.filter(request=OuterRef("pk"))
        .exclude(receipt="")
        .order_by()
        .values("request")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        ActivityRequest.objects.filter(community_id=community_id, starts_on__year=year)
        .exclude(status=ActivityStatus.WITHDRAWN)
        .annotate(
            requested=Coalesce(
                _sum_of(BudgetLine, "amount"), Value(Decimal("0")), output_field=_MONEY
            ),
            spent=Coalesce(_sum_of(Expense, "amount"), Value(Decimal("0")), output_field=_MONEY),
            receipt_count=Coalesce(
                Subquery(receipts, output_field=IntegerField()),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("starts_on", "pk")
    )


def year_overview(community: Community, year: int) -> YearOverview:
    """Budget, granted, spent and remaining of ``year`` with a row per activity: five queries."""
    from doorstroom.community.models.activities import GRANTED_STATUSES

    summary = budget_summary(community, year)
    budget = Budget.objects.filter(community=community, year=year).select_related("set_by").first()
    rows = [
        ActivityRow(
            request=request,
            requested=Decimal(request.requested),
            granted=request.amount_granted if request.status in GRANTED_STATUSES else None,
            spent=Decimal(request.spent),
            receipts=int(request.receipt_count),
        )
        for request in activities_of_year(community, year)
    ]
    return YearOverview(summary=summary, budget=budget, rows=rows)


def open_requested_total(community: Community, year: int) -> Decimal:
    """What the requests still waiting for a decision in ``year`` ask for together."""
    from doorstroom.community.models.activities import OPEN_STATUSES

    total = BudgetLine.objects.filter(
        Q(request__community=community)
        & Q(request__starts_on__year=year)
        & Q(request__status__in=OPEN_STATUSES)
    ).aggregate(total=Coalesce(Sum("amount"), Value(Decimal("0")), output_field=_MONEY))["total"]
    return Decimal(total)


def current_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


__all__ = [
    "ActivityRow",
    "YearOverview",
    "activities_of_year",
    "current_year",
    "open_requested_total",
    "set_budget",
    "valid_year",
    "year_overview",
]
