"""Aftercare check-ins after the flip: scheduled once, recorded by the care provider only, the
list page with a fixed number of queries, and 404 for everyone else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doorstroom.audit.models import AuditEvent
from doorstroom.organisations.roles import Role
from doorstroom.tenancies.aftercare import (
    check_ins_due_items,
    record_check_in,
    schedule_check_ins,
)
from doorstroom.tenancies.models import (
    AftercareCheckIn,
    CheckInOutcome,
    EventKind,
    FlipPolicy,
    PlacementEvent,
)
from doorstroom.tenancies.services import exit_placement
from tests.queries import count_queries

FLIP = dt.date(2024, 3, 31)
TODAY = dt.date(2024, 10, 15)


@pytest.fixture
def flipped(world: Any, frozen: Any) -> Any:
    frozen(TODAY)
    placement = world.place(dt.date(2022, 1, 1))
    return world.flip(placement, FLIP)


@pytest.mark.django_db
def test_check_ins_are_created_once_at_6_12_and_24_months(world: Any, flipped: Any) -> None:
    world.place(dt.date(2023, 1, 1))  # still in the care lease: no check-ins
    assert schedule_check_ins(today=TODAY) == 3
    assert list(flipped.check_ins.values_list("months_after_flip", "due_on")) == [
        (6, dt.date(2024, 9, 30)),
        (12, dt.date(2025, 3, 31)),
        (24, dt.date(2026, 3, 31)),
    ]
    assert schedule_check_ins(today=TODAY) == 0
    assert schedule_check_ins(today=TODAY + dt.timedelta(days=1)) == 0
    assert AftercareCheckIn.objects.count() == 3
    assert AuditEvent.objects.filter(object_type="tenancies.aftercarecheckin").count() == 3


@pytest.mark.django_db
def test_the_policy_sets_the_months_and_exited_placements_get_none(world: Any, frozen: Any) -> None:
    frozen(TODAY)
    FlipPolicy.objects.create(agreement=world.agreement, aftercare_months=[3])
    one = world.flip(world.place(dt.date(2022, 1, 1)), FLIP)
    gone = world.flip(world.place(dt.date(2022, 2, 1)), FLIP)
    exit_placement(acting_user=None, placement=gone, exit_date=TODAY, reason="eviction")
    assert schedule_check_ins(today=TODAY) == 1
    assert list(AftercareCheckIn.objects.values_list("placement", "months_after_flip")) == [
        (one.pk, 3)
    ]


@pytest.mark.django_db
def test_recording_a_check_in(world: Any, flipped: Any) -> None:
    schedule_check_ins(today=TODAY)
    check_in = flipped.check_ins.get(months_after_flip=6)
    record_check_in(
        acting_user=world.case_worker,
        check_in=check_in,
        done_on=dt.date(2024, 10, 1),
        outcome=CheckInOutcome.CONCERNS,
        note="Zorgen over schulden",
    )
    check_in.refresh_from_db()
    assert (check_in.done_on, check_in.outcome, check_in.recorded_by) == (
        dt.date(2024, 10, 1),
        CheckInOutcome.CONCERNS,
        world.case_worker,
    )
    [event] = PlacementEvent.objects.filter(placement=flipped, kind=EventKind.CHECK_IN)
    assert "schulden" not in event.summary and "6" in event.summary
    audit = AuditEvent.objects.get(object_type="tenancies.aftercarecheckin", action="update")
    assert "schulden" not in str(audit.changes)
    with pytest.raises(ValidationError):
        record_check_in(
            acting_user=world.case_worker,
            check_in=check_in,
            done_on=dt.date(2024, 10, 2),
            outcome=CheckInOutcome.STILL_HOUSED,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("done_on", "outcome", "field"),
    [
        (TODAY + dt.timedelta(days=1), CheckInOutcome.STILL_HOUSED, "done_on"),
        (FLIP - dt.timedelta(days=1), CheckInOutcome.STILL_HOUSED, "done_on"),
        (TODAY, "", "outcome"),
        (TODAY, "maybe", "outcome"),
    ],
)
def test_bad_check_ins_are_refused(
    world: Any, flipped: Any, done_on: dt.date, outcome: str, field: str
) -> None:
    schedule_check_ins(today=TODAY)
    check_in = flipped.check_ins.get(months_after_flip=6)
    with pytest.raises(ValidationError) as refused:
        record_check_in(
            acting_user=world.case_worker, check_in=check_in, done_on=done_on, outcome=outcome
        )
    assert field in refused.value.message_dict
    check_in.refresh_from_db()
    assert check_in.done_on is None and check_in.outcome == ""
    assert not PlacementEvent.objects.filter(kind=EventKind.CHECK_IN).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER, Role.NEIGHBOURHOOD_TEAM_MEMBER, "other"],
)
def test_only_the_care_provider_records(world: Any, flipped: Any, member: Any, role: str) -> None:
    schedule_check_ins(today=TODAY)
    check_in = flipped.check_ins.get(months_after_flip=6)
    if role == "other":
        user = member(Role.CASE_WORKER).user
    elif role == Role.NEIGHBOURHOOD_TEAM_MEMBER:
        user = member(role).user
    else:
        user = member(role, organisation=world.corporation).user
    with pytest.raises(PermissionDenied):
        record_check_in(
            acting_user=user, check_in=check_in, done_on=TODAY, outcome=CheckInOutcome.STILL_HOUSED
        )
    check_in.refresh_from_db()
    assert check_in.done_on is None


# --- screens -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_and_the_record_form(world: Any, flipped: Any, login: Any) -> None:
    schedule_check_ins(today=TODAY)
    due = flipped.check_ins.get(months_after_flip=6)
    browser = login(world.case_worker)
    page = browser.get("/nazorg/")
    assert page.status_code == 200
    html = page.content.decode()
    assert flipped.client_ref in html and f"/nazorg/{due.pk}/" in html
    later = flipped.check_ins.get(months_after_flip=12)
    assert f"/nazorg/{later.pk}/" not in html  # not due yet
    assert browser.get(f"/nazorg/{due.pk}/").status_code == 200
    refused = browser.post(f"/nazorg/{due.pk}/", {"done_on": "2024-10-16", "outcome": "housed"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["done_on"]
    done = browser.post(f"/nazorg/{due.pk}/", {"done_on": "2024-10-14", "outcome": "housed"})
    assert done.status_code == 302 and done["Location"] == "/nazorg/"
    due.refresh_from_db()
    assert due.done_on == dt.date(2024, 10, 14)
    assert f"/nazorg/{due.pk}/" not in browser.get("/nazorg/").content.decode()
    # The recorded check-in shows without a form; posting again changes nothing.
    shown = browser.get(f"/nazorg/{due.pk}/")
    assert shown.status_code == 200 and shown.context["form"] is None
    browser.post(f"/nazorg/{due.pk}/", {"done_on": "2024-10-01", "outcome": "concerns"})
    due.refresh_from_db()
    assert (due.done_on, due.outcome) == (dt.date(2024, 10, 14), "housed")
    # The team lead sees and records too.
    assert login(world.team_lead).get(f"/nazorg/{due.pk}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        Role.MIXED_LIVING_MANAGER,
        Role.LETTING_OFFICER,
        Role.NEIGHBOURHOOD_TEAM_MEMBER,
        Role.POLICY_OFFICER,
        Role.RESIDENT,
        "other_provider",
    ],
)
def test_everyone_else_gets_404(
    world: Any, flipped: Any, member: Any, login: Any, role: str
) -> None:
    schedule_check_ins(today=TODAY)
    due = flipped.check_ins.get(months_after_flip=6)
    if role == "other_provider":
        user = member(Role.CASE_WORKER).user
    elif role in (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER, Role.RESIDENT):
        user = member(role, organisation=world.corporation).user
    else:
        user = member(role).user
    browser = login(user)
    if role == "other_provider":
        # Its own (empty) list, but not this check-in.
        assert flipped.client_ref not in browser.get("/nazorg/").content.decode()
    else:
        assert browser.get("/nazorg/").status_code == 404
    assert browser.get(f"/nazorg/{due.pk}/").status_code == 404
    posted = browser.post(f"/nazorg/{due.pk}/", {"done_on": "2024-10-14", "outcome": "housed"})
    assert posted.status_code == 404
    due.refresh_from_db()
    assert due.done_on is None


@pytest.mark.django_db
def test_the_list_runs_a_fixed_number_of_queries(world: Any, flipped: Any, login: Any) -> None:
    schedule_check_ins(today=TODAY)
    browser = login(world.case_worker)
    one = count_queries(browser, "/nazorg/")
    for month in range(2, 8):
        world.flip(world.place(dt.date(2022, month, 1)), dt.date(2024, 4, month))
    schedule_check_ins(today=TODAY)
    assert len(browser.get("/nazorg/").context["rows"]) == 7
    assert count_queries(browser, "/nazorg/") == one


@pytest.mark.django_db
def test_home_items_of_check_ins_due(world: Any, flipped: Any, member: Any) -> None:
    schedule_check_ins(today=TODAY)
    colleague = member(Role.CASE_WORKER, organisation=world.provider).user
    own = world.case_worker.memberships.get()
    items = check_ins_due_items(world.case_worker, own)
    assert [item.label.split(" · ")[0] for item in items] == [flipped.client_ref]
    due = flipped.check_ins.get(months_after_flip=6)
    assert items[0].url == f"/nazorg/{due.pk}/"
    assert check_ins_due_items(colleague, colleague.memberships.get()) == []
    assert len(check_ins_due_items(world.team_lead, world.team_lead.memberships.get())) == 1
    assert check_ins_due_items(world.manager, world.manager.memberships.get()) == []
