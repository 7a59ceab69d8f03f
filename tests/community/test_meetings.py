"""The monthly meeting: the rule that plans it and the scheduled job, extra and cancelled meetings,
the agenda built from the requests (and kept when the meeting is held), attendance with the
quorum, the minutes, the settings, who may see and do what, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from doorstroom.audit.models import AuditEvent
from doorstroom.community import decisions, meetings
from doorstroom.community.meetings import (
    ZONE,
    add_agenda_item,
    add_meeting,
    agenda_of,
    cancel_meeting,
    mark_held,
    meeting_dates,
    meeting_day,
    meeting_start,
    plan_meetings,
    record_attendance,
    update_settings,
    write_minutes,
)
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Community,
    Decision,
    DecisionOutcome,
    Evaluation,
    Meeting,
    MeetingStatus,
)
from doorstroom.config.scheduling import scheduled_jobs
from tests.factories import (
    ActivityRequestFactory,
    BudgetFactory,
    CommunityFactory,
    MeetingFactory,
    ResidentFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


# --- Helpers (also used by test_decisions and test_feed) -----------------------------------------


def started_meeting(community: Any, hours_ago: float = 1, **kwargs: Any) -> Meeting:
    """A planned meeting that started ``hours_ago`` hours ago (negative: in the future)."""
    starts = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=hours_ago)
    return MeetingFactory(community=community, starts_at=starts, **kwargs)  # type: ignore[no-any-return]


def mark_present(meeting: Meeting, *people: Any, by: Any) -> list[Attendance]:
    ids = [getattr(person, "user", person).pk for person in people]
    return record_attendance(acting_user=by, meeting=meeting, present_user_ids=ids)


def a_request(community: Any, **kwargs: Any) -> ActivityRequest:
    kwargs.setdefault("requested_by", ResidentFactory(community=community))
    return ActivityRequestFactory(**kwargs)  # type: ignore[no-any-return]


def evaluated(community: Any, **kwargs: Any) -> ActivityRequest:
    request = a_request(
        community,
        starts_on=timezone.localdate() - dt.timedelta(days=10),
        status=ActivityStatus.EVALUATED,
        amount_granted=Decimal("50.00"),
        **kwargs,
    )
    Evaluation.objects.create(
        request=request, participants=12, how_it_went="Gezellig", actual_spending=Decimal("45.00")
    )
    return request


def english(client: Client) -> Client:
    """Pages in English, so the tests read the msgids whatever the translations say."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def kinds(agenda: Any) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for entry in agenda.entries:
        key = "reminder" if entry.reminder else entry.kind
        found.setdefault(key, set()).add(entry.request.pk if entry.request else entry.title)
    return found


# --- The recurrence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "week", "weekday", "expected"),
    [
        (2025, 6, 1, 1, dt.date(2025, 6, 3)),  # first Tuesday; June starts on a Sunday
        (2025, 9, 1, 0, dt.date(2025, 9, 1)),  # first Monday on the 1st
        (2025, 11, 4, 3, dt.date(2025, 11, 27)),  # fourth Thursday
        (2025, 1, -1, 4, dt.date(2025, 1, 31)),  # last Friday on the last day
        (2025, 2, -1, 4, dt.date(2025, 2, 28)),  # last Friday of February
        (2025, 5, -1, 4, dt.date(2025, 5, 30)),  # last Friday, the 31st is a Saturday
        (2024, 2, -1, 3, dt.date(2024, 2, 29)),  # leap day
        (2024, 12, -1, 1, dt.date(2024, 12, 31)),  # last Tuesday on New Year's Eve
    ],
)
def test_meeting_day(year: int, month: int, week: int, weekday: int, expected: dt.date) -> None:
    assert meeting_day(year, month, week, weekday) == expected


def test_meeting_dates_cross_the_year_and_keep_the_local_time_over_dst() -> None:
    starts = meeting_dates(
        week=-1, weekday=6, at=dt.time(19, 30), first_month=dt.date(2025, 2, 14), months=3
    )
    assert [s.date() for s in starts] == [
        dt.date(2025, 2, 23),
        dt.date(2025, 3, 30),  # the night summer time starts
        dt.date(2025, 4, 27),
    ]
    assert all(s.tzinfo is not None and (s.hour, s.minute) == (19, 30) for s in starts)
    assert [s.utcoffset() for s in starts] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
        dt.timedelta(hours=2),
    ]
    assert starts[1].astimezone(dt.UTC).hour == 17
    december = meeting_dates(
        week=1, weekday=1, at=dt.time(20, 0), first_month=dt.date(2025, 12, 20), months=2
    )
    assert [s.date() for s in december] == [dt.date(2025, 12, 2), dt.date(2026, 1, 6)]
    # Back to winter time in October.
    october = meeting_start(dt.date(2025, 10, 28), dt.time(19, 30))
    assert october.utcoffset() == dt.timedelta(hours=1)


def _planned(community: Community) -> list[tuple[dt.date, str, bool]]:
    return [
        (timezone.localtime(m.starts_at, ZONE).date(), m.status, m.created_by_id is None)
        for m in Meeting.objects.filter(community=community).order_by("starts_at")
    ]


def test_plan_meetings_plans_this_month_and_the_next_once(community: Community) -> None:
    other = CommunityFactory(meeting_week=-1, meeting_weekday=4)
    assert plan_meetings(today=dt.date(2025, 6, 1)) >= 4
    assert _planned(community) == [
        (dt.date(2025, 6, 3), MeetingStatus.PLANNED, True),
        (dt.date(2025, 7, 1), MeetingStatus.PLANNED, True),
    ]
    assert _planned(other) == [
        (dt.date(2025, 6, 27), MeetingStatus.PLANNED, True),
        (dt.date(2025, 7, 25), MeetingStatus.PLANNED, True),
    ]
    june = Meeting.objects.get(community=community, starts_at__month=6)
    assert timezone.localtime(june.starts_at, ZONE).time() == dt.time(19, 30)
    assert june.place == community.meeting_place
    assert plan_meetings(today=dt.date(2025, 6, 1)) == 0
    assert plan_meetings(today=dt.date(2025, 6, 20)) == 0
    assert Meeting.objects.filter(community=community).count() == 2
    # A month later the month after is planned, nothing twice.
    plan_meetings(today=dt.date(2025, 7, 2))
    assert [d for d, _s, _r in _planned(community)] == [
        dt.date(2025, 6, 3),
        dt.date(2025, 7, 1),
        dt.date(2025, 8, 5),
    ]
    assert AuditEvent.objects.filter(object_type="community.meeting", action="create").count() == 6


def test_plan_meetings_skips_a_date_that_has_passed(community: Community) -> None:
    plan_meetings(today=dt.date(2025, 6, 10))
    assert [d for d, _s, _r in _planned(community)] == [dt.date(2025, 7, 1)]


def test_a_cancelled_or_moved_meeting_is_not_planned_again(
    community: Community, manager: Any
) -> None:
    plan_meetings(today=dt.date(2025, 6, 1))
    june, july = Meeting.objects.filter(community=community).order_by("starts_at")
    Meeting.objects.filter(pk=june.pk).update(status=MeetingStatus.CANCELLED)
    Meeting.objects.filter(pk=july.pk).update(starts_at=july.starts_at + dt.timedelta(days=2))
    assert plan_meetings(today=dt.date(2025, 6, 1)) == 0
    assert _planned(community) == [
        (dt.date(2025, 6, 3), MeetingStatus.CANCELLED, True),
        (dt.date(2025, 7, 3), MeetingStatus.PLANNED, True),
    ]


def test_an_extra_meeting_does_not_replace_the_monthly_one(
    community: Community, manager: Any
) -> None:
    MeetingFactory(
        community=community,
        starts_at=meeting_start(dt.date(2025, 6, 12), dt.time(20, 0)),
        created_by=manager,
    )
    # An extra meeting at the very time of the rule: nothing is planned on top of it.
    MeetingFactory(
        community=community,
        starts_at=meeting_start(dt.date(2025, 7, 1), dt.time(19, 30)),
        created_by=manager,
    )
    plan_meetings(today=dt.date(2025, 6, 1))
    assert _planned(community) == [
        (dt.date(2025, 6, 3), MeetingStatus.PLANNED, True),
        (dt.date(2025, 6, 12), MeetingStatus.PLANNED, False),
        (dt.date(2025, 7, 1), MeetingStatus.PLANNED, False),
    ]


def test_the_job_is_listed() -> None:
    jobs = dict(scheduled_jobs())
    assert "community.plan_meetings" in jobs
    assert jobs["community.plan_meetings"].name.endswith("plan_meetings")


@pytest.mark.django_db(transaction=True)
def test_run_scheduled_and_the_worker_plan_each_meeting_once(community: Community) -> None:
    today = timezone.localdate()
    expected = [
        s
        for s in meeting_dates(
            week=community.meeting_week,
            weekday=community.meeting_weekday,
            at=community.meeting_time,
            first_month=today,
            months=2,
        )
        if s.date() >= today
    ]
    call_command("run-scheduled")
    # Nothing happens in the command itself: the worker does the work.
    assert not Meeting.objects.filter(community=community).exists()
    call_command("worker", "--batch", "--no-startup-delay")
    call_command("run-scheduled")
    call_command("run-scheduled")
    call_command("worker", "--batch", "--no-startup-delay")
    planned = list(Meeting.objects.filter(community=community).order_by("starts_at"))
    assert [m.starts_at for m in planned] == expected
    assert all(m.status == MeetingStatus.PLANNED and m.created_by_id is None for m in planned)


# --- Settings ------------------------------------------------------------------------------------


def test_settings_change_the_rule_and_move_the_coming_meetings(
    community: Community, manager: Any, as_user: Any
) -> None:
    today = timezone.localdate()
    plan_meetings(today=today)
    coming = list(Meeting.objects.filter(community=community, starts_at__gt=timezone.now()))
    cancelled = started_meeting(community, hours_ago=-24 * 40, status=MeetingStatus.CANCELLED)
    client = as_user(manager)
    response = client.post(
        reverse("community:settings", args=[community.pk]),
        {
            "meeting_week": "-1",
            "meeting_weekday": "3",
            "meeting_time": "20:00",
            "meeting_minutes": "120",
            "meeting_place": "De Huiskamer",
            "quorum": "2",
        },
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.meeting_week, community.meeting_weekday, community.quorum) == (-1, 3, 2)
    assert community.meeting_time == dt.time(20, 0)
    assert (community.meeting_minutes, community.meeting_place) == (120, "De Huiskamer")
    assert AuditEvent.objects.filter(object_type="community.community", action="update").exists()
    for meeting in coming:
        meeting.refresh_from_db()
        local = timezone.localtime(meeting.starts_at, ZONE)
        if meeting.starts_at > timezone.now():
            assert local.weekday() == 3 and local.time() == dt.time(20, 0)
            assert meeting.place == "De Huiskamer"
            assert local.date() == meeting_day(local.year, local.month, -1, 3)
    cancelled.refresh_from_db()
    assert cancelled.status == MeetingStatus.CANCELLED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quorum", "5"),
        ("quorum", "0"),
        ("meeting_minutes", "10"),
        ("meeting_week", "5"),
        ("meeting_place", ""),
    ],
)
def test_settings_refuse_bad_input(
    community: Community, manager: Any, as_user: Any, field: str, value: str
) -> None:
    data = {
        "meeting_week": "1",
        "meeting_weekday": "1",
        "meeting_time": "19:30",
        "meeting_minutes": "90",
        "meeting_place": "Zaal",
        "quorum": "3",
        field: value,
    }
    response = as_user(manager).post(reverse("community:settings", args=[community.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    community.refresh_from_db()
    assert community.quorum == 3 and community.meeting_place != "Zaal"


def test_settings_service_refuses_a_quorum_above_the_board(
    community: Community, manager: Any
) -> None:
    with pytest.raises(ValidationError):
        update_settings(
            acting_user=manager,
            community=community,
            quorum=5,
            meeting_week=1,
            meeting_weekday=1,
            meeting_time=dt.time(19, 30),
            meeting_minutes=90,
            meeting_place="Zaal",
        )
    community.refresh_from_db()
    assert community.quorum == 3


def test_only_the_manager_changes_the_settings(
    community: Community, board: dict[str, Any], resident: Any
) -> None:
    with pytest.raises(PermissionDenied):
        update_settings(
            acting_user=board["chair"].user,
            community=community,
            quorum=2,
            meeting_week=1,
            meeting_weekday=1,
            meeting_time=dt.time(19, 30),
            meeting_minutes=90,
            meeting_place="Zaal",
        )


# --- Extra and cancelled meetings ----------------------------------------------------------------


def test_the_chair_plans_an_extra_meeting(
    community: Community, board: dict[str, Any], as_user: Any
) -> None:
    day = timezone.localdate() + dt.timedelta(days=9)
    client = as_user(board["chair"])
    response = client.post(
        reverse("community:new_meeting", args=[community.pk]),
        {"date": day.isoformat(), "time": "20:15", "place": "Tuinkamer"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(community=community)
    assert meeting.starts_at == meeting_start(day, dt.time(20, 15))
    assert meeting.place == "Tuinkamer"
    assert meeting.created_by == board["chair"].user
    # The same time again is refused on the field.
    again = client.post(
        reverse("community:new_meeting", args=[community.pk]),
        {"date": day.isoformat(), "time": "20:15", "place": "Tuinkamer"},
    )
    assert again.status_code == 400
    assert again.context["form"].errors["time"]
    assert Meeting.objects.filter(community=community).count() == 1


def test_an_extra_meeting_in_the_past_is_refused(
    community: Community, manager: Any, as_user: Any
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = as_user(manager).post(
        reverse("community:new_meeting", args=[community.pk]),
        {"date": yesterday.isoformat(), "time": "19:30", "place": "Zaal"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"]
    with pytest.raises(ValidationError):
        add_meeting(
            acting_user=manager,
            community=community,
            starts_at=timezone.now() - dt.timedelta(hours=1),
            place="Zaal",
        )
    assert not Meeting.objects.exists()


def test_cancel_a_planned_meeting(
    community: Community, board: dict[str, Any], as_user: Any
) -> None:
    meeting = MeetingFactory(community=community)
    response = as_user(board["secretary"]).post(
        reverse("community:cancel_meeting", args=[community.pk, meeting.pk])
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    with translation.override("en"), pytest.raises(ValidationError, match="planned meeting"):
        cancel_meeting(acting_user=None, meeting=meeting)


def test_a_meeting_with_decisions_cannot_be_cancelled(
    community: Community, board: dict[str, Any], manager: Any
) -> None:
    meeting = started_meeting(community)
    request = a_request(community)
    BudgetFactory(community=community, year=request.starts_on.year)
    mark_present(meeting, board["chair"], board["secretary"], board["treasurer"], by=manager)
    decisions.decide(
        acting_user=manager, meeting=meeting, request=request, outcome=DecisionOutcome.APPROVED
    )
    with translation.override("en"), pytest.raises(ValidationError, match="has decisions"):
        cancel_meeting(acting_user=manager, meeting=meeting)


# --- The agenda ----------------------------------------------------------------------------------


def test_the_next_meetings_agenda_is_built_from_the_requests(
    community: Community, board: dict[str, Any], manager: Any
) -> None:
    earlier = started_meeting(community, hours_ago=24 * 30, status=MeetingStatus.HELD)
    meeting = started_meeting(community, hours_ago=-24 * 3)
    later = started_meeting(community, hours_ago=-24 * 33)
    new = a_request(community)
    changed = a_request(community)
    waiting = a_request(community, status=ActivityStatus.SENT_BACK)
    for sent_back in (changed, waiting):
        Decision.objects.create(
            request=sent_back,
            meeting=earlier,
            outcome=DecisionOutcome.SENT_BACK,
            reason="Meer uitleg graag",
        )
    discussed = evaluated(community)
    took_place = a_request(
        community,
        starts_on=timezone.localdate() - dt.timedelta(days=5),
        status=ActivityStatus.APPROVED,
        amount_granted=Decimal("30.00"),
    )
    multi_day = a_request(
        community,
        starts_on=timezone.localdate() - dt.timedelta(days=5),
        ends_on=timezone.localdate() + dt.timedelta(days=20),
        status=ActivityStatus.APPROVED,
        amount_granted=Decimal("30.00"),
    )
    coming = a_request(community, status=ActivityStatus.APPROVED, amount_granted=Decimal("5"))
    for status in (ActivityStatus.REJECTED, ActivityStatus.WITHDRAWN, ActivityStatus.CLOSED):
        a_request(
            community, status=status, amount_granted=Decimal("1") if status == "closed" else None
        )
    elsewhere = a_request(CommunityFactory())
    free = add_agenda_item(acting_user=manager, meeting=meeting, title="  Schoonmaakrooster  tuin ")

    agenda = agenda_of(meeting)
    assert agenda.live and not agenda.completed_later
    assert kinds(agenda) == {
        AgendaItemKind.REQUEST: {new.pk},
        AgendaItemKind.RESUBMITTED: {changed.pk},
        AgendaItemKind.SENT_BACK: {waiting.pk},
        AgendaItemKind.EVALUATION: {discussed.pk},
        "reminder": {took_place.pk},
        AgendaItemKind.FREE: {"Schoonmaakrooster tuin"},
    }
    assert multi_day.pk not in {r.pk for r in agenda.requests}
    assert coming.pk not in {r.pk for r in agenda.requests}
    assert elsewhere.pk not in {r.pk for r in agenda.requests}
    assert agenda.entries[0].kind == AgendaItemKind.REQUEST
    assert agenda.entries[-1].item == free
    new_entry = next(e for e in agenda.entries if e.request == new)
    assert new_entry.requested_amount == Decimal("50.00") and new_entry.decidable

    # A later planned meeting shows its free items and waits.
    add_agenda_item(acting_user=manager, meeting=later, title="Jaarplanning")
    later_agenda = agenda_of(later)
    assert later_agenda.completed_later and not later_agenda.live
    assert [e.title for e in later_agenda.entries] == ["Jaarplanning"]


def test_a_request_decided_in_the_meeting_stays_on_its_agenda(
    community: Community, board: dict[str, Any], manager: Any
) -> None:
    meeting = started_meeting(community)
    approved, sent_back = a_request(community), a_request(community)
    BudgetFactory(community=community, year=approved.starts_on.year)
    mark_present(meeting, board["chair"], board["secretary"], board["member"], by=manager)
    decisions.decide(
        acting_user=manager, meeting=meeting, request=approved, outcome=DecisionOutcome.APPROVED
    )
    decisions.decide(
        acting_user=manager,
        meeting=meeting,
        request=sent_back,
        outcome=DecisionOutcome.SENT_BACK,
        reason="Graag een begroting per onderdeel.",
    )
    agenda = agenda_of(meeting)
    assert kinds(agenda) == {AgendaItemKind.REQUEST: {approved.pk, sent_back.pk}}
    outcomes = {e.request.pk: e.decision.outcome for e in agenda.entries if e.decision}
    assert outcomes == {approved.pk: "approved", sent_back.pk: "sent_back"}
    assert not any(e.decidable for e in agenda.entries)


def test_marking_held_keeps_the_agenda_as_it_was(
    community: Community, board: dict[str, Any], manager: Any, as_user: Any
) -> None:
    meeting = started_meeting(community)
    new = a_request(community, title="Burendag")
    discussed = evaluated(community, title="Paasbrunch")
    add_agenda_item(acting_user=manager, meeting=meeting, title="Rondvraag")
    response = as_user(board["chair"]).post(
        reverse("community:mark_held", args=[community.pk, meeting.pk])
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    stored = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    assert [(i.kind, i.request_id, i.title) for i in stored] == [
        (AgendaItemKind.REQUEST, new.pk, "Burendag"),
        (AgendaItemKind.EVALUATION, discussed.pk, "Paasbrunch"),
        (AgendaItemKind.FREE, None, "Rondvraag"),
    ]
    # Later changes do not change the past agenda; the next meeting picks them up.
    a_request(community, title="Later ingediend")
    ActivityRequest.objects.filter(pk=new.pk).update(status=ActivityStatus.WITHDRAWN)
    agenda = agenda_of(meeting)
    assert not agenda.live
    assert [e.title for e in agenda.entries] == ["Burendag", "Paasbrunch", "Rondvraag"]
    following = started_meeting(community, hours_ago=-24 * 30)
    assert [e.title for e in agenda_of(following).entries] == ["Later ingediend", "Paasbrunch"]
    # Only once.
    with translation.override("en"), pytest.raises(ValidationError, match="planned meeting"):
        mark_held(acting_user=manager, meeting=meeting)


def test_a_meeting_is_marked_held_only_after_it_started(community: Community, manager: Any) -> None:
    meeting = started_meeting(community, hours_ago=-2)
    with translation.override("en"), pytest.raises(ValidationError, match="has started"):
        mark_held(acting_user=manager, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_an_earlier_planned_meeting_is_dealt_with_first(community: Community, manager: Any) -> None:
    started_meeting(community, hours_ago=24 * 30)
    meeting = started_meeting(community)
    with translation.override("en"), pytest.raises(ValidationError, match="earlier meeting"):
        mark_held(acting_user=manager, meeting=meeting)


def test_free_items_only_on_a_planned_meeting(
    community: Community, manager: Any, as_user: Any
) -> None:
    held = started_meeting(community, status=MeetingStatus.HELD)
    with translation.override("en"), pytest.raises(ValidationError, match="planned meeting"):
        add_agenda_item(acting_user=manager, meeting=held, title="Te laat")
    meeting = started_meeting(community, hours_ago=-48)
    client = as_user(manager)
    empty = client.post(
        reverse("community:add_item", args=[community.pk, meeting.pk]), {"title": " "}
    )
    assert empty.status_code == 400
    assert not AgendaItem.objects.exists()
    done = client.post(
        reverse("community:add_item", args=[community.pk, meeting.pk]), {"title": "Rondvraag"}
    )
    assert done.status_code == 302
    assert AgendaItem.objects.get().title == "Rondvraag"


# --- Attendance and quorum -----------------------------------------------------------------------


def test_attendance_lists_the_board_and_the_managers(
    community: Community, board: dict[str, Any], manager: Any, resident: Any, as_user: Any
) -> None:
    manager.first_name, manager.last_name = "Marieke", "de Beheerder"
    manager.save()
    meeting = started_meeting(community)
    candidates = meetings.attendance_candidates(meeting)
    assert [(c.name, c.capacity, c.position) for c in candidates] == [
        ("Bram", "board", "chair"),
        ("Carla", "board", "secretary"),
        ("Dirk", "board", "treasurer"),
        ("Eva", "board", "member"),
        ("Marieke de Beheerder", "manager", ""),
    ]
    client = english(as_user(board["chair"]))
    response = client.post(
        reverse("community:attendance", args=[community.pk, meeting.pk]),
        {"present": [board["chair"].user.pk, board["treasurer"].user.pk, manager.pk]},
    )
    assert response.status_code == 302
    rows = {a.name: a for a in Attendance.objects.filter(meeting=meeting)}
    assert set(rows) == {"Bram", "Carla", "Dirk", "Eva", "Marieke de Beheerder"}
    assert {name for name, a in rows.items() if a.present} == {
        "Bram",
        "Dirk",
        "Marieke de Beheerder",
    }
    assert (
        rows["Dirk"].position == "treasurer" and rows["Marieke de Beheerder"].capacity == "manager"
    )
    page = client.get(reverse("community:meeting", args=[community.pk, meeting.pk]))
    text = page.content.decode()
    assert "2 of 4 board members present" in text
    assert "quorum not reached (at least 3 needed)" in text
    # A resident who is not on the board cannot be marked present.
    bad = client.post(
        reverse("community:attendance", args=[community.pk, meeting.pk]),
        {"present": [resident.user.pk]},
    )
    assert bad.status_code == 400
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 3
    with pytest.raises(ValidationError):
        record_attendance(acting_user=manager, meeting=meeting, present_user_ids=[resident.user.pk])
    # A third board member: quorum.
    client.post(
        reverse("community:attendance", args=[community.pk, meeting.pk]),
        {"present": [board["chair"].user.pk, board["treasurer"].user.pk, board["member"].user.pk]},
    )
    text = client.get(
        reverse("community:meeting", args=[community.pk, meeting.pk])
    ).content.decode()
    assert "3 of 4 board members present" in text and "quorum reached" in text


def test_attendance_follows_the_board_on_the_meeting_date(
    community: Community, board: dict[str, Any], manager: Any
) -> None:
    from doorstroom.community.models import BoardTerm

    meeting = started_meeting(community)
    meeting_day = timezone.localtime(meeting.starts_at).date()  # not today just after midnight
    BoardTerm.objects.filter(resident=board["member"]).update(
        end_date=meeting_day - dt.timedelta(days=1)
    )
    names = [c.name for c in meetings.attendance_candidates(meeting)]
    assert "Eva" not in names and "Bram" in names


def test_attendance_is_recorded_at_the_meeting(
    community: Community, board: dict[str, Any], manager: Any, as_user: Any
) -> None:
    future = started_meeting(community, hours_ago=-24 * 10)
    cancelled = started_meeting(community, status=MeetingStatus.CANCELLED)
    for meeting in (future, cancelled):
        with translation.override("en"), pytest.raises(ValidationError, match="at the meeting"):
            mark_present(meeting, board["chair"], by=manager)
        response = as_user(manager).post(
            reverse("community:attendance", args=[community.pk, meeting.pk]),
            {"present": [board["chair"].user.pk]},
        )
        assert response.status_code == 302
    assert not Attendance.objects.exists()


# --- Minutes -------------------------------------------------------------------------------------


def test_the_secretary_writes_the_minutes_residents_read_them_once_held(
    community: Community, board: dict[str, Any], resident: Any, as_user: Any
) -> None:
    meeting = started_meeting(community)
    url = reverse("community:minutes", args=[community.pk, meeting.pk])
    secretary = as_user(board["secretary"])
    assert secretary.get(url).status_code == 200
    response = secretary.post(url, {"minutes": "Besproken: de burendag.\nBesloten: ja."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes.startswith("Besproken: de burendag.")
    assert meeting.minutes_by == board["secretary"].user and meeting.minutes_updated_at
    detail = reverse("community:meeting", args=[community.pk, meeting.pk])
    assert "de burendag" in as_user(board["chair"]).get(detail).content.decode()
    neighbour = as_user(resident)
    assert "de burendag" not in neighbour.get(detail).content.decode()
    mark_held(acting_user=None, meeting=meeting)
    assert "de burendag" in neighbour.get(detail).content.decode()


def test_only_the_secretary_and_the_manager_write_minutes(
    community: Community, board: dict[str, Any], manager: Any, resident: Any, as_user: Any
) -> None:
    meeting = started_meeting(community)
    url = reverse("community:minutes", args=[community.pk, meeting.pk])
    assert as_user(manager).post(url, {"minutes": "Door de beheerder"}).status_code == 302
    for person in (board["chair"], board["treasurer"], board["member"], resident):
        client = as_user(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"minutes": "Niet van mij"}).status_code == 404
        with pytest.raises(PermissionDenied):
            write_minutes(acting_user=person.user, meeting=meeting, minutes="Niet van mij")
    meeting.refresh_from_db()
    assert meeting.minutes == "Door de beheerder"


def test_minutes_for_a_meeting_far_ahead_are_refused(community: Community, manager: Any) -> None:
    meeting = started_meeting(community, hours_ago=-24 * 20)
    with translation.override("en"), pytest.raises(ValidationError, match="takes place"):
        write_minutes(acting_user=manager, meeting=meeting, minutes="Te vroeg")


# --- Pages: what residents see, who may do what --------------------------------------------------


def test_residents_see_titles_but_no_amounts_or_requesters(
    community: Community, board: dict[str, Any], manager: Any, resident: Any, as_user: Any
) -> None:
    requester = ResidentFactory(community=community, display_name="Zeynep")
    meeting = started_meeting(community)
    request = a_request(
        community, requested_by=requester, title="Kookavond", lines=[("Eten", "123.45")]
    )
    BudgetFactory(community=community, year=request.starts_on.year, amount=Decimal("2000"))
    url = reverse("community:meeting", args=[community.pk, meeting.pk])
    neighbour = english(as_user(resident)).get(url).content.decode()
    # A request the board has not approved is only counted for other residents.
    assert "Kookavond" not in neighbour
    assert "And 1 request of a resident" in neighbour
    assert escape("Zeynep") not in neighbour
    assert "Kookavond" in english(as_user(requester)).get(url).content.decode()
    assert "123,45" not in neighbour and "123.45" not in neighbour
    assert "2,000" not in neighbour and "2.000" not in neighbour
    assert "Record the decision" not in neighbour
    board_page = english(as_user(board["treasurer"])).get(url).content.decode()
    assert "Zeynep" in board_page
    assert "123.45" in board_page
    assert "2,000.00" in board_page  # the budget of the year
    assert "Record the decision" in board_page


def test_residents_never_see_a_refusal_of_someone_else(
    community: Community, board: dict[str, Any], manager: Any, resident: Any, as_user: Any
) -> None:
    meeting = started_meeting(community)
    request = a_request(community, title="Filmavond")
    mark_present(meeting, board["chair"], board["secretary"], board["treasurer"], by=manager)
    decisions.decide(
        acting_user=manager,
        meeting=meeting,
        request=request,
        outcome=DecisionOutcome.REJECTED,
        reason="Past niet in het plan",
    )
    url = reverse("community:meeting", args=[community.pk, meeting.pk])
    client = english(as_user(resident))
    assert "Rejected" not in client.get(url).content.decode()
    mark_held(acting_user=manager, meeting=meeting)
    page = client.get(url).content.decode()
    # Other residents never learn of a refusal; the requester sees it with the reason.
    assert "Rejected" not in page and "Filmavond" not in page
    own = english(as_user(request.requested_by)).get(url).content.decode()
    assert "Rejected" in own and "Filmavond" in own


def _urls(community: Community, meeting: Meeting) -> dict[str, str]:
    return {
        "meetings": reverse("community:meetings", args=[community.pk]),
        "meeting": reverse("community:meeting", args=[community.pk, meeting.pk]),
        "calendar": reverse("community:calendar", args=[community.pk]),
        "new_meeting": reverse("community:new_meeting", args=[community.pk]),
        "settings": reverse("community:settings", args=[community.pk]),
        "minutes": reverse("community:minutes", args=[community.pk, meeting.pk]),
    }


#: Who gets each page (200); everyone else in the community gets a 404.
ALLOWED = {
    "meetings": {"resident", "chair", "secretary", "treasurer", "member", "manager"},
    "meeting": {"resident", "chair", "secretary", "treasurer", "member", "manager"},
    "calendar": {"resident", "chair", "secretary", "treasurer", "member", "manager"},
    "new_meeting": {"chair", "secretary", "treasurer", "member", "manager"},
    "settings": {"manager"},
    "minutes": {"secretary", "manager"},
}


def test_permission_matrix(
    community: Community,
    board: dict[str, Any],
    manager: Any,
    resident: Any,
    outsiders: dict[str, Any],
    as_user: Any,
) -> None:
    meeting = started_meeting(community)
    people = {"resident": resident, "manager": manager, **board}
    urls = _urls(community, meeting)
    for name, person in people.items():
        client = as_user(person)
        for page, url in urls.items():
            expected = 200 if name in ALLOWED[page] else 404
            assert client.get(url).status_code == expected, (name, page)
    for name, outsider in outsiders.items():
        client = as_user(outsider)
        for page, url in urls.items():
            assert client.get(url).status_code == 404, (name, page)


def test_actions_are_refused_to_residents_and_outsiders(
    community: Community,
    board: dict[str, Any],
    manager: Any,
    resident: Any,
    outsiders: dict[str, Any],
    as_user: Any,
) -> None:
    meeting = started_meeting(community)
    request = a_request(community)
    discussed = evaluated(community)
    posts = [
        (
            reverse("community:attendance", args=[community.pk, meeting.pk]),
            {"present": [board["chair"].user.pk]},
        ),
        (reverse("community:add_item", args=[community.pk, meeting.pk]), {"title": "Mijn punt"}),
        (
            reverse("community:decide", args=[community.pk, meeting.pk, request.pk]),
            {f"r{request.pk}-outcome": "rejected", f"r{request.pk}-reason": "Nee"},
        ),
        (
            reverse("community:close_evaluation", args=[community.pk, meeting.pk, discussed.pk]),
            {},
        ),
        (reverse("community:mark_held", args=[community.pk, meeting.pk]), {}),
        (reverse("community:cancel_meeting", args=[community.pk, meeting.pk]), {}),
        (
            reverse("community:new_meeting", args=[community.pk]),
            {
                "date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
                "time": "19:00",
                "place": "X",
            },
        ),
        (
            reverse("community:settings", args=[community.pk]),
            {
                "meeting_week": "1",
                "meeting_weekday": "1",
                "meeting_time": "19:30",
                "meeting_minutes": "90",
                "meeting_place": "X",
                "quorum": "1",
            },
        ),
    ]
    for person in [resident, *outsiders.values()]:
        client = as_user(person)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (person, url)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert not Attendance.objects.exists() and not AgendaItem.objects.exists()
    assert not Decision.objects.exists() and Meeting.objects.count() == 1
    assert Community.objects.get(pk=community.pk).quorum == 3
    # A meeting of another community is not found through this one.
    other = MeetingFactory(community=CommunityFactory())
    assert (
        as_user(manager)
        .get(reverse("community:meeting", args=[community.pk, other.pk]))
        .status_code
        == 404
    )


def test_the_meeting_list_shows_status_and_minutes(
    community: Community, resident: Any, as_user: Any
) -> None:
    started_meeting(community, hours_ago=24 * 40, status=MeetingStatus.HELD, minutes="Notulen")
    started_meeting(community, hours_ago=24 * 70, status=MeetingStatus.HELD)
    started_meeting(community, hours_ago=-24 * 5, status=MeetingStatus.CANCELLED)
    started_meeting(community, hours_ago=-24 * 20)
    response = english(as_user(resident)).get(reverse("community:meetings", args=[community.pk]))
    text = response.content.decode()
    assert len(response.context["upcoming"]) == 2 and len(response.context["past"]) == 2
    assert "Minutes available" in text and "No minutes yet" in text and "Cancelled" in text


# --- A fixed number of queries -------------------------------------------------------------------


def _fill(community: Community, size: int, manager: Any) -> Meeting:
    earlier = started_meeting(community, hours_ago=24 * 60 + size, status=MeetingStatus.HELD)
    for i in range(size):
        started_meeting(
            community, hours_ago=24 * (90 + 30 * i), status=MeetingStatus.HELD, minutes="x"
        )
        started_meeting(community, hours_ago=-24 * (40 + 30 * i))
        a_request(community, lines=[("a", "10"), ("b", "5")])
        sent_back = a_request(community, status=ActivityStatus.SENT_BACK)
        Decision.objects.create(
            request=sent_back, meeting=earlier, outcome=DecisionOutcome.SENT_BACK, reason="x"
        )
        AgendaItem.objects.create(
            meeting=earlier, kind=AgendaItemKind.REQUEST, request=sent_back, title=sent_back.title
        )
        evaluated(community)
        a_request(
            community,
            starts_on=timezone.localdate() - dt.timedelta(days=3),
            status=ActivityStatus.APPROVED,
            amount_granted=Decimal("10"),
        )
    meeting = (
        Meeting.objects.filter(community=community, status=MeetingStatus.PLANNED)
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    for i in range(size):
        add_agenda_item(acting_user=manager, meeting=meeting, title=f"Punt {i}")
    return meeting


@pytest.mark.parametrize("role", ["manager", "chair", "resident"])
def test_meeting_pages_run_a_fixed_number_of_queries(
    role: str, corporation: Any, member: Any, as_user: Any
) -> None:
    from doorstroom.organisations.roles import Role
    from tests.factories import BoardTermFactory, ComplexFactory

    manager = member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user
    counts = []
    for size in (1, 5):
        community = CommunityFactory(complex=ComplexFactory(corporation=corporation))
        board = []
        for position in ("chair", "secretary", "treasurer", "member"):
            seat = ResidentFactory(community=community)
            BoardTermFactory(resident=seat, community=community, position=position)
            board.append(seat)
        BudgetFactory(community=community, year=timezone.localdate().year)
        BudgetFactory(community=community, year=timezone.localdate().year + 1)
        meeting = _fill(community, size, manager)
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - dt.timedelta(hours=1)
        )
        meeting.refresh_from_db()
        mark_present(meeting, *board[:3], by=manager)
        viewer = {"manager": manager, "chair": board[0]}.get(role) or ResidentFactory(
            community=community
        )
        client = as_user(viewer)
        held = Meeting.objects.filter(community=community, status=MeetingStatus.HELD).first()
        assert held is not None
        counts.append(
            (
                count_queries(client, reverse("community:meetings", args=[community.pk])),
                count_queries(
                    client, reverse("community:meeting", args=[community.pk, meeting.pk])
                ),
                count_queries(client, reverse("community:meeting", args=[community.pk, held.pk])),
            )
        )
    assert counts[0] == counts[1], counts
