"""Reads shared by every community screen: whose community it is, who is on the board, and the
budget of a year. Each runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from doorstroom.community.models import (
    ActivityRequest,
    BoardPosition,
    BoardTerm,
    Budget,
    Community,
    Expense,
    Resident,
)
from doorstroom.community.models.activities import GRANTED_STATUSES

_RESIDENCY_CACHE = "_community_residency"
_TERMS_CACHE = "_community_terms"


def residency_of(user: Any) -> Resident | None:
    """The user's current residency (with its community and complex), fetched once per user."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _RESIDENCY_CACHE):
        setattr(
            user,
            _RESIDENCY_CACHE,
            Resident.objects.current()
            .filter(user=user)
            .select_related("community__complex")
            .first(),
        )
    return getattr(user, _RESIDENCY_CACHE)


def board_terms_of(user: Any, day: dt.date | None = None) -> list[BoardTerm]:
    """The user's board terms running today (or on ``day``), fetched once per user for today."""
    resident = residency_of(user)
    if resident is None:
        return []
    if day is not None:
        return list(BoardTerm.objects.on(day).filter(resident=resident))
    if not hasattr(user, _TERMS_CACHE):
        setattr(
            user,
            _TERMS_CACHE,
            list(BoardTerm.objects.on(timezone.localdate()).filter(resident=resident)),
        )
    return list(getattr(user, _TERMS_CACHE))


def forget_cached(user: Any) -> None:
    """After a change of residency or board term in this request."""
    for attr in (_RESIDENCY_CACHE, _TERMS_CACHE):
        if hasattr(user, attr):
            delattr(user, attr)


def community_id_of(obj: Any) -> int | None:
    """The community an object belongs to (a community, a resident, a request, a meeting...)."""
    if obj is None:
        return None
    if isinstance(obj, Community):
        return obj.pk
    if hasattr(obj, "community_id"):
        return obj.community_id
    for parent in ("request", "meeting", "resident"):
        if hasattr(obj, parent):
            return community_id_of(getattr(obj, parent))
    return None


def board_on(community: Community, day: dt.date | None = None) -> list[BoardTerm]:
    """The board on ``day`` (today by default): chair, secretary, treasurer, then members."""
    day = day or timezone.localdate()
    order = {p: i for i, p in enumerate(BoardPosition.values)}
    terms = list(BoardTerm.objects.on(day).filter(community=community).select_related("resident"))
    return sorted(terms, key=lambda t: (order[t.position], t.start_date))


def visible_name(resident: Resident, viewer_sees_all: bool) -> str:
    """A resident's display name as a viewer may see it: residents who chose 'board only' are
    'a resident' to other residents."""
    from django.utils.translation import gettext as _

    from doorstroom.community.models import ResidentVisibility

    if viewer_sees_all or resident.visibility == ResidentVisibility.COMMUNITY:
        return resident.display_name
    return _("a resident")


@dataclass(frozen=True)
class BudgetSummary:
    year: int
    amount: Decimal | None
    granted: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        """What can still be granted this year (budget minus grants). No budget: nothing."""
        return (self.amount or Decimal("0.00")) - self.granted

    @property
    def use_percentage(self) -> int | None:
        if not self.amount:
            return None
        return round(self.spent * 100 / self.amount)


_MONEY = DecimalField(max_digits=11, decimal_places=2)


def budget_summary(community: Community | int, year: int) -> BudgetSummary:
    """The year's budget, what was granted to activities of that year (by their date) and what was
    spent on them: three aggregate queries. This is the one place that says what 'remaining' is."""
    community_id = community if isinstance(community, int) else community.pk
    budget = Budget.objects.filter(community_id=community_id, year=year).first()
    granted = ActivityRequest.objects.filter(
        community_id=community_id, starts_on__year=year, status__in=GRANTED_STATUSES
    ).aggregate(total=Coalesce(Sum("amount_granted"), Value(Decimal("0")), output_field=_MONEY))[
        "total"
    ]
    spent = Expense.objects.filter(
        request__community_id=community_id, request__starts_on__year=year
    ).aggregate(total=Coalesce(Sum("amount"), Value(Decimal("0")), output_field=_MONEY))["total"]
    return BudgetSummary(
        year=year,
        amount=budget.amount if budget else None,
        granted=Decimal(granted),
        spent=Decimal(spent),
    )


def current_residents(community: Community) -> Any:
    return Resident.objects.current().filter(community=community)


__all__ = [
    "BudgetSummary",
    "board_on",
    "board_terms_of",
    "budget_summary",
    "community_id_of",
    "current_residents",
    "forget_cached",
    "residency_of",
    "visible_name",
]
