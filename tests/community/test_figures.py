"""The figures of a community's year, checked against data counted by hand, and the page that
shows them to the board and the manager."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstroom.community.figures import year_figures
from doorstroom.community.models import (
    ActivityStatus,
    Decision,
    DecisionOutcome,
    Evaluation,
    Expense,
)
from tests.factories import ActivityRequestFactory, BudgetFactory, MeetingFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year - 1  # a year that is over: everything in it has taken place


def url(community: Any, year: int | str | None = None) -> str:
    base = reverse("community:figures", args=[community.pk])
    return base if year is None else f"{base}?jaar={year}"


def activity(resident: Any, day: dt.date, status: str, participants: int | None = None) -> Any:
    granted = Decimal("10") if status in {"approved", "evaluated", "closed", "cancelled"} else None
    request = ActivityRequestFactory(
        requested_by=resident, starts_on=day, status=status, amount_granted=granted
    )
    if participants is not None:
        Evaluation.objects.create(
            request=request,
            participants=participants,
            how_it_went="Goed",
            actual_spending=Decimal("0"),
        )
    return request


def meeting(community: Any, day: dt.date) -> Any:
    return MeetingFactory(
        community=community,
        starts_at=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 19, 30)),
    )


def decide(request: Any, in_meeting: Any, outcome: str) -> None:
    Decision.objects.create(
        request=request,
        meeting=in_meeting,
        outcome=outcome,
        amount_granted=Decimal("10") if outcome == DecisionOutcome.APPROVED else None,
        reason="" if outcome == DecisionOutcome.APPROVED else "Reden",
    )


@pytest.fixture
def counted(community: Any, resident: Any) -> dict[str, Any]:
    """By hand, for YEAR:
    - January: an evaluated activity (12 participants) and a closed one (8) → 2 held, 20 people.
    - March: an evaluated activity (20) and an approved one without evaluation → 2 held, 20.
      A cancelled and a rejected activity in March do not count.
    - A submitted request in May does not count; an activity in YEAR - 1 does not either.
    - Decisions in meetings of YEAR: 3 approved, 1 rejected, 1 sent back → 3 / 4 = 75 %.
      A rejection in a meeting of YEAR - 1 does not count.
    - Budget € 1.000, spent € 250 on activities of YEAR → 25 %.
    """
    jan = activity(resident, dt.date(YEAR, 1, 10), ActivityStatus.EVALUATED, 12)
    activity(resident, dt.date(YEAR, 1, 25), ActivityStatus.CLOSED, 8)
    mar = activity(resident, dt.date(YEAR, 3, 5), ActivityStatus.EVALUATED, 20)
    activity(resident, dt.date(YEAR, 3, 30), ActivityStatus.APPROVED)
    activity(resident, dt.date(YEAR, 3, 12), ActivityStatus.CANCELLED)
    rejected = activity(resident, dt.date(YEAR, 3, 14), ActivityStatus.REJECTED)
    activity(resident, dt.date(YEAR, 5, 1), ActivityStatus.SUBMITTED)
    before = activity(resident, dt.date(YEAR - 1, 12, 1), ActivityStatus.CLOSED, 50)
    old_meeting = meeting(community, dt.date(YEAR - 1, 11, 5))
    first = meeting(community, dt.date(YEAR, 1, 3))
    second = meeting(community, dt.date(YEAR, 2, 7))
    decide(jan, first, DecisionOutcome.APPROVED)
    decide(mar, first, DecisionOutcome.SENT_BACK)
    decide(mar, second, DecisionOutcome.APPROVED)
    decide(rejected, second, DecisionOutcome.REJECTED)
    decide(rejected, second, DecisionOutcome.APPROVED)  # changed its mind: counts as one more
    decide(before, old_meeting, DecisionOutcome.REJECTED)
    BudgetFactory(community=community, year=YEAR, amount=Decimal("1000"))
    Expense.objects.create(request=jan, description="a", amount=Decimal("200"), spent_on=TODAY)
    Expense.objects.create(request=mar, description="b", amount=Decimal("50"), spent_on=TODAY)
    Expense.objects.create(request=before, description="c", amount=Decimal("70"), spent_on=TODAY)
    return {}


def test_the_figures_match_the_hand_count(community: Any, counted: dict[str, Any]) -> None:
    figures = year_figures(community, YEAR)
    held = {m.month.month: m.held for m in figures.months}
    participants = {m.month.month: m.participants for m in figures.months}
    assert len(figures.months) == 12
    assert held == {1: 2, 2: 0, 3: 2, **dict.fromkeys(range(4, 13), 0)}
    assert participants == {1: 20, 2: 0, 3: 20, **dict.fromkeys(range(4, 13), 0)}
    assert figures.held == 4 and figures.participants == 40
    assert (figures.approved, figures.rejected) == (3, 1)
    assert figures.approval_rate == Decimal("0.75")
    assert figures.summary.amount == Decimal("1000")
    assert figures.summary.spent == Decimal("250")
    assert figures.budget_use == Decimal("0.25")


def test_planned_activities_are_not_held_yet(community: Any, resident: Any) -> None:
    activity(resident, TODAY - dt.timedelta(days=1), ActivityStatus.APPROVED)
    activity(resident, TODAY + dt.timedelta(days=1), ActivityStatus.APPROVED)
    figures = year_figures(community, TODAY.year, as_of=TODAY)
    assert figures.held == (1 if (TODAY - dt.timedelta(days=1)).year == TODAY.year else 0)
    later = year_figures(community, TODAY.year, as_of=TODAY + dt.timedelta(days=400))
    expected = sum(1 for d in (-1, 1) if (TODAY + dt.timedelta(days=d)).year == TODAY.year)
    assert later.held == expected


def test_without_decisions_or_budget_there_is_no_rate(community: Any) -> None:
    figures = year_figures(community, YEAR)
    assert figures.held == 0 and figures.participants == 0
    assert figures.approval_rate is None and figures.budget_use is None


def test_the_page_shows_the_figures_with_definitions(
    community: Any, board: Any, manager: Any, counted: dict[str, Any], as_user: Any
) -> None:
    for person in [board["member"], manager]:
        response = as_user(person).get(url(community, YEAR))
        content = response.content.decode()
        assert response.status_code == 200
        assert "75%" in content and "25%" in content
        assert 'class="ds-bar"' in content
        assert f'value="{YEAR}"' in content
        assert "width: 100%" in content  # the busiest month fills the bar


def test_the_page_without_figures_shows_dashes(community: Any, manager: Any, as_user: Any) -> None:
    content = as_user(manager).get(url(community, YEAR)).content.decode()
    assert content.count('<span class="ds-kpi__value">–</span>') == 2


def test_a_bad_year_falls_back_to_this_year(community: Any, manager: Any, as_user: Any) -> None:
    for year in ["twintig", "1200"]:
        content = as_user(manager).get(url(community, year)).content.decode()
        assert f'value="{TODAY.year}"' in content
    content = as_user(manager).get(url(community)).content.decode()
    assert f'value="{TODAY.year}"' in content


def test_who_sees_the_figures(
    community: Any, resident: Any, outsiders: dict[str, Any], as_user: Any
) -> None:
    for person in [resident, *outsiders.values()]:
        assert as_user(person).get(url(community)).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(
    community: Any, resident: Any, board: Any, manager: Any, as_user: Any
) -> None:
    BudgetFactory(community=community, year=YEAR)
    first = meeting(community, dt.date(YEAR, 1, 3))

    def add(n: int, start: int) -> None:
        for i in range(n):
            request = activity(
                resident, dt.date(YEAR, 1 + (start + i) % 12, 2), ActivityStatus.EVALUATED, i + 1
            )
            decide(request, first, DecisionOutcome.APPROVED)
            Expense.objects.create(
                request=request, description="x", amount=Decimal("3"), spent_on=TODAY
            )

    add(1, 0)
    clients = [as_user(board["chair"]), as_user(manager)]
    for client in clients:
        client.get(url(community, YEAR))
    small = [count_queries(client, url(community, YEAR)) for client in clients]
    add(8, 1)
    large = [count_queries(client, url(community, YEAR)) for client in clients]
    assert small == large
