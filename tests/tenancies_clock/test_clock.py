"""The 3-year clock: attention points on their boundary day, overdue at day 1095, the attention
list computed in the database, and the home page items per role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doorstroom.organisations.roles import Role
from doorstroom.tenancies import clock
from doorstroom.tenancies.models import FlipPolicy, Placement

START = dt.date(2022, 1, 15)


def test_attention_points_are_reached_on_their_day_not_the_day_before() -> None:
    for months, day in [
        (24, dt.date(2024, 1, 15)),
        (30, dt.date(2024, 7, 15)),
        (33, dt.date(2024, 10, 15)),
    ]:
        before = clock.clock_of(START, day - dt.timedelta(days=1))
        on = clock.clock_of(START, day)
        assert months not in before.points_reached
        assert on.highest_point == months
    assert clock.clock_of(START, dt.date(2024, 1, 14)).points_reached == ()
    assert clock.clock_of(START, dt.date(2024, 10, 15)).points_reached == (24, 30, 33)


def test_days_since_start_days_left_and_overdue_at_day_1095() -> None:
    day_1094 = START + dt.timedelta(days=1094)
    almost = clock.clock_of(START, day_1094)
    assert (almost.days_since_start, almost.days_left, almost.overdue) == (1094, 1, False)
    due = clock.clock_of(START, day_1094 + dt.timedelta(days=1))
    assert (due.days_since_start, due.days_left, due.overdue) == (1095, 0, True)
    late = clock.clock_of(START, START + dt.timedelta(days=1130))
    assert late.overdue and late.days_over == 35 and late.days_left == 0
    fresh = clock.clock_of(START, START)
    assert fresh.days_left == 1095 and fresh.next_point == (24, dt.date(2024, 1, 15))


def test_points_follow_the_calendar_at_the_end_of_a_month() -> None:
    start = dt.date(2022, 8, 31)
    assert clock.clock_of(start, dt.date(2023, 2, 28), [6]).points_reached == (6,)
    assert clock.clock_of(start, dt.date(2023, 2, 27), [6]).points_reached == ()


@pytest.mark.django_db
def test_the_attention_list_agrees_with_the_clock_on_every_day(world: Any) -> None:
    other = FlipPolicy.objects.create(agreement=world.agreement, attention_months=[6, 18])
    assert other.pk
    starts = [
        dt.date(2022, 8, 31),
        dt.date(2022, 8, 29),
        dt.date(2022, 9, 1),
        dt.date(2022, 2, 28),
        dt.date(2021, 2, 28),
        dt.date(2020, 3, 1),
    ]
    placements = [world.place(start) for start in starts]
    placements = list(
        Placement.objects.select_related("care_lease__agreement__flip_policy").filter(
            pk__in=[p.pk for p in placements]
        )
    )
    day = dt.date(2023, 2, 20)
    while day <= dt.date(2023, 3, 5):
        listed = set(
            clock.attention_list(Placement.objects.all(), day).values_list("pk", flat=True)
        )
        expected = {p.pk for p in placements if clock.placement_clock(p, day).needs_attention}  # type: ignore[union-attr]
        assert listed == expected, day
        day += dt.timedelta(days=1)
    # Overdue: 1095 days after 2020-03-01 is 2023-03-01.
    overdue = placements[-1]
    assert clock.placement_clock(overdue, dt.date(2023, 3, 1)).overdue  # type: ignore[union-attr]
    assert not clock.placement_clock(overdue, dt.date(2023, 2, 28)).overdue  # type: ignore[union-attr]


@pytest.mark.django_db
def test_default_policy_without_a_policy_row_and_flipped_placements_leave_the_list(
    world: Any,
) -> None:
    late = world.place(dt.date(2020, 1, 1))
    early = world.place(dt.date(2023, 1, 1))
    on = dt.date(2023, 6, 1)
    assert list(clock.attention_list(Placement.objects.all(), on)) == [late]
    world.flip(late, dt.date(2023, 5, 1))
    assert list(clock.attention_list(Placement.objects.all(), on)) == []
    assert clock.placement_clock(Placement.objects.get(pk=early.pk), on).points_reached == ()  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_attention_list_runs_a_fixed_number_of_queries(world: Any) -> None:
    on = dt.date(2025, 6, 1)

    def run() -> int:
        with CaptureQueriesContext(connection) as captured:
            for placement in clock.attention_list(Placement.objects.all(), on):
                clock.placement_clock(placement, on)
                str(placement.dwelling.address)
        return len(captured.captured_queries)

    world.place(dt.date(2022, 1, 1))
    one = run()
    for month in range(2, 10):
        world.place(dt.date(2022, month, 1))
    assert run() == one == 2


@pytest.mark.django_db
def test_home_items_for_the_case_worker_the_team_lead_and_the_manager(
    world: Any, member: Any, frozen: Any
) -> None:
    colleague = member(Role.CASE_WORKER, organisation=world.provider).user
    mine = world.place(dt.date(2022, 1, 1))
    theirs = world.place(dt.date(2021, 1, 1), case_worker=colleague)
    world.place(dt.date(2024, 1, 1))  # no attention point yet
    frozen(dt.date(2024, 3, 1))

    def labels(user: Any, organisation: Any, role: str) -> list[str]:
        membership = user.memberships.get(organisation=organisation, role=role)
        return [item.label.split(" · ")[0] for item in clock.attention_items(user, membership)]

    assert labels(world.case_worker, world.provider, Role.CASE_WORKER) == [mine.client_ref]
    assert labels(colleague, world.provider, Role.CASE_WORKER) == [theirs.client_ref]
    assert labels(world.team_lead, world.provider, Role.TEAM_LEAD) == [
        theirs.client_ref,
        mine.client_ref,
    ]
    assert labels(world.manager, world.corporation, Role.MIXED_LIVING_MANAGER) == [
        theirs.client_ref,
        mine.client_ref,
    ]
    item = clock.attention_items(
        world.manager, world.manager.memberships.get(organisation=world.corporation)
    )[0]
    assert "Geheim" not in item.label + item.detail
    # Another corporation's manager and other roles see nothing.
    stranger = member(Role.MIXED_LIVING_MANAGER)
    assert clock.attention_items(stranger.user, stranger) == []
    officer = member(Role.LETTING_OFFICER, organisation=world.corporation)
    assert clock.attention_items(officer.user, officer) == []
