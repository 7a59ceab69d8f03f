"""The board's decisions in its meeting: quorum, the one budget rule, the reasons, the e-mail to
the requester, and closing evaluations. Every refusal leaves nothing half-written."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from doorstroom.audit.models import AuditEvent
from doorstroom.community.decisions import close_evaluation, decide
from doorstroom.community.meetings import mark_held, update_settings
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    AgendaItem,
    Decision,
    DecisionOutcome,
    Evaluation,
    Meeting,
    MeetingStatus,
)
from tests.community.test_meetings import (
    a_request,
    english,
    evaluated,
    mark_present,
    started_meeting,
)
from tests.factories import ActivityRequestFactory, BudgetFactory, CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(community: Any, board: dict[str, Any], manager: Any) -> Meeting:
    """A meeting that started an hour ago with three of the four board members present."""
    meeting = started_meeting(community)
    mark_present(meeting, board["chair"], board["secretary"], board["treasurer"], by=manager)
    return meeting


@pytest.fixture
def request_(community: Any) -> ActivityRequest:
    """A submitted request for € 62,50 in two budget lines, with a budget of € 500 for its year."""
    request = a_request(
        community, title="Zomerbarbecue", lines=[("Vlees", "50.00"), ("Houtskool", "12.50")]
    )
    BudgetFactory(community=community, year=request.starts_on.year, amount=Decimal("500.00"))
    return request


def nothing_written(request: ActivityRequest) -> None:
    request.refresh_from_db()
    assert request.status == ActivityStatus.SUBMITTED
    assert request.amount_granted is None
    assert not Decision.objects.filter(request=request).exists()


# --- Outcomes and their e-mails ------------------------------------------------------------------


def test_approve_grants_the_requested_amount_by_default(
    meeting: Meeting,
    request_: ActivityRequest,
    manager: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(
            acting_user=manager, meeting=meeting, request=request_, outcome=DecisionOutcome.APPROVED
        )
    assert decision.amount_granted == Decimal("62.50")
    assert decision.recorded_by == manager
    request_.refresh_from_db()
    assert request_.status == ActivityStatus.APPROVED
    assert request_.amount_granted == Decimal("62.50")
    assert AuditEvent.objects.filter(object_type="community.decision", action="create").exists()
    assert AuditEvent.objects.filter(
        object_type="community.activityrequest", object_id=str(request_.pk), action="update"
    ).exists()
    [message] = mail.outbox
    assert message.to == [request_.requested_by.user.email]
    assert "Zomerbarbecue" in message.subject
    assert "62,50" in message.body
    assert f"/community/{request_.community_id}/activiteiten/{request_.pk}/" in message.body


def test_approve_a_lower_amount_typed_the_dutch_way(
    meeting: Meeting,
    request_: ActivityRequest,
    board: dict[str, Any],
    as_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    prefix = f"r{request_.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(board["treasurer"]).post(
            reverse("community:decide", args=[meeting.community_id, meeting.pk, request_.pk]),
            {f"{prefix}-outcome": "approved", f"{prefix}-amount_granted": "40,25"},
        )
    assert response.status_code == 302
    request_.refresh_from_db()
    assert (request_.status, request_.amount_granted) == (ActivityStatus.APPROVED, Decimal("40.25"))
    assert "40,25" in mail.outbox[0].body


def test_reject_with_a_reason_tells_the_requester(
    meeting: Meeting,
    request_: ActivityRequest,
    board: dict[str, Any],
    as_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    prefix = f"r{request_.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(board["chair"]).post(
            reverse("community:decide", args=[meeting.community_id, meeting.pk, request_.pk]),
            {f"{prefix}-outcome": "rejected", f"{prefix}-reason": "Te weinig deelnemers verwacht."},
        )
    assert response.status_code == 302
    request_.refresh_from_db()
    assert request_.status == ActivityStatus.REJECTED and request_.amount_granted is None
    decision = Decision.objects.get(request=request_)
    assert decision.reason == "Te weinig deelnemers verwacht." and decision.amount_granted is None
    [message] = mail.outbox
    assert "Zomerbarbecue" in message.subject
    assert "Te weinig deelnemers verwacht." in message.body
    assert "62,50" not in message.body


def test_send_back_says_what_to_change(
    meeting: Meeting,
    request_: ActivityRequest,
    manager: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            acting_user=manager,
            meeting=meeting,
            request=request_,
            outcome=DecisionOutcome.SENT_BACK,
            reason="Graag een tweede organisator.",
        )
    request_.refresh_from_db()
    assert request_.status == ActivityStatus.SENT_BACK
    [message] = mail.outbox
    assert "Graag een tweede organisator." in message.body
    assert f"/activiteiten/{request_.pk}/" in message.body
    assert mail.outbox[0].subject != ""


def test_the_mails_are_in_dutch_templates_with_the_site_address(
    meeting: Meeting,
    request_: ActivityRequest,
    manager: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SITE_URL = "https://doorstroom.example.nl"
    with django_capture_on_commit_callbacks(execute=True):
        decide(acting_user=manager, meeting=meeting, request=request_, outcome="approved")
    body = mail.outbox[0].body
    assert "https://doorstroom.example.nl/community/" in body
    assert request_.requested_by.display_name in body


# --- Refusals ------------------------------------------------------------------------------------


def test_no_decision_without_a_quorum(
    community: Any, board: dict[str, Any], manager: Any, request_: ActivityRequest, as_user: Any
) -> None:
    meeting = started_meeting(community)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        decide(acting_user=manager, meeting=meeting, request=request_, outcome="approved")
    assert refused.value.messages == [
        "No decision without a quorum: at least 3 of the 4 board members must be present."
    ]
    mark_present(meeting, board["chair"], board["secretary"], manager, by=manager)
    with translation.override("en"), pytest.raises(ValidationError, match="without a quorum"):
        decide(acting_user=manager, meeting=meeting, request=request_, outcome="approved")
    nothing_written(request_)
    # The page says it on the form, with the status 400.
    prefix = f"r{request_.pk}"
    response = english(as_user(board["chair"])).post(
        reverse("community:decide", args=[community.pk, meeting.pk, request_.pk]),
        {f"{prefix}-outcome": "approved", f"{prefix}-amount_granted": "62,50"},
    )
    assert response.status_code == 400
    assert "No decision without a quorum" in response.content.decode()
    nothing_written(request_)
    # With a third board member present the decision is recorded.
    mark_present(meeting, board["chair"], board["secretary"], board["member"], by=manager)
    decide(acting_user=manager, meeting=meeting, request=request_, outcome="approved")
    request_.refresh_from_db()
    assert request_.status == ActivityStatus.APPROVED


def test_a_quorum_of_four_refuses_three(
    community: Any, board: dict[str, Any], manager: Any, meeting: Meeting, request_: ActivityRequest
) -> None:
    update_settings(
        acting_user=manager,
        community=community,
        quorum=4,
        meeting_week=community.meeting_week,
        meeting_weekday=community.meeting_weekday,
        meeting_time=community.meeting_time,
        meeting_minutes=community.meeting_minutes,
        meeting_place=community.meeting_place,
    )
    meeting.community.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError, match="at least 4 of the 4"):
        decide(acting_user=manager, meeting=meeting, request=request_, outcome="approved")
    nothing_written(request_)


def test_a_grant_larger_than_what_remains_is_refused(
    community: Any, meeting: Meeting, manager: Any, as_user: Any
) -> None:
    year = timezone.localdate().year + 1
    BudgetFactory(community=community, year=year, amount=Decimal("100.00"))
    starts = dt.date(year, 3, 1)
    ActivityRequestFactory(
        requested_by=a_request(community).requested_by,
        starts_on=starts,
        status=ActivityStatus.APPROVED,
        amount_granted=Decimal("70.00"),
    )
    # A grant in another year does not count against this year's budget.
    ActivityRequestFactory(
        requested_by=a_request(community).requested_by,
        starts_on=dt.date(year + 1, 1, 10),
        status=ActivityStatus.APPROVED,
        amount_granted=Decimal("900.00"),
    )
    request = a_request(community, starts_on=starts, lines=[("Spullen", "40.00")])
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        decide(acting_user=manager, meeting=meeting, request=request, outcome="approved")
    assert refused.value.message_dict == {
        "amount_granted": [
            f"The grant of € 40.00 is more than the € 30.00 that remains of the budget for {year}."
        ]
    }
    nothing_written(request)
    prefix = f"r{request.pk}"
    response = english(as_user(manager)).post(
        reverse("community:decide", args=[community.pk, meeting.pk, request.pk]),
        {f"{prefix}-outcome": "approved", f"{prefix}-amount_granted": "30,01"},
    )
    assert response.status_code == 400
    assert response.context is not None
    assert "more than the € 30.00 that remains" in response.content.decode()
    nothing_written(request)
    # Exactly what remains is fine.
    decide(
        acting_user=manager,
        meeting=meeting,
        request=request,
        outcome="approved",
        amount_granted=Decimal("30.00"),
    )
    request.refresh_from_db()
    assert request.amount_granted == Decimal("30.00")


def test_no_budget_for_the_year_refuses_a_grant(
    community: Any, meeting: Meeting, manager: Any
) -> None:
    year = timezone.localdate().year + 2
    request = a_request(community, starts_on=dt.date(year, 5, 1))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        decide(acting_user=manager, meeting=meeting, request=request, outcome="approved")
    assert refused.value.message_dict == {
        "amount_granted": [f"There is no budget for {year} yet; the manager sets it first."]
    }
    nothing_written(request)
    # Approving without money needs no budget.
    decide(
        acting_user=manager,
        meeting=meeting,
        request=request,
        outcome="approved",
        amount_granted=Decimal("0"),
    )
    request.refresh_from_db()
    assert (request.status, request.amount_granted) == (ActivityStatus.APPROVED, Decimal("0"))


def test_a_negative_or_unreadable_amount_is_refused(
    meeting: Meeting, request_: ActivityRequest, manager: Any, as_user: Any
) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="negative"):
        decide(
            acting_user=manager,
            meeting=meeting,
            request=request_,
            outcome="approved",
            amount_granted=Decimal("-1"),
        )
    prefix = f"r{request_.pk}"
    url = reverse("community:decide", args=[meeting.community_id, meeting.pk, request_.pk])
    client = as_user(manager)
    for typed in ("-5", "veel", "12,5,0"):
        response = client.post(
            url, {f"{prefix}-outcome": "approved", f"{prefix}-amount_granted": typed}
        )
        assert response.status_code == 400, typed
        form = next(
            row["form"]
            for section in response.context["sections"]
            for row in section["rows"]
            if row.get("form") is not None and row["form"].is_bound
        )
        assert form.errors["amount_granted"], typed
    nothing_written(request_)


@pytest.mark.parametrize("outcome", ["rejected", "sent_back"])
def test_a_reason_is_required(
    outcome: str, meeting: Meeting, request_: ActivityRequest, manager: Any, as_user: Any
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        decide(acting_user=manager, meeting=meeting, request=request_, outcome=outcome, reason="  ")
    assert list(refused.value.message_dict) == ["reason"]
    prefix = f"r{request_.pk}"
    response = as_user(manager).post(
        reverse("community:decide", args=[meeting.community_id, meeting.pk, request_.pk]),
        {f"{prefix}-outcome": outcome, f"{prefix}-reason": ""},
    )
    assert response.status_code == 400
    nothing_written(request_)


@pytest.mark.parametrize(
    "status",
    [
        ActivityStatus.SENT_BACK,
        ActivityStatus.APPROVED,
        ActivityStatus.REJECTED,
        ActivityStatus.WITHDRAWN,
        ActivityStatus.CLOSED,
    ],
)
def test_only_a_submitted_request_is_decided(
    status: str, community: Any, meeting: Meeting, manager: Any, as_user: Any
) -> None:
    granted = Decimal("10") if status in (ActivityStatus.APPROVED, ActivityStatus.CLOSED) else None
    request = a_request(community, status=status, amount_granted=granted)
    BudgetFactory(community=community, year=request.starts_on.year)
    with translation.override("en"), pytest.raises(ValidationError, match="submitted request only"):
        decide(
            acting_user=manager, meeting=meeting, request=request, outcome="rejected", reason="Nee"
        )
    assert not Decision.objects.exists()
    prefix = f"r{request.pk}"
    response = as_user(manager).post(
        reverse("community:decide", args=[community.pk, meeting.pk, request.pk]),
        {f"{prefix}-outcome": "rejected", f"{prefix}-reason": "Nee"},
    )
    assert response.status_code == 302  # back to the meeting, with the message on top
    request.refresh_from_db()
    assert request.status == status


def test_a_decision_is_refused_in_a_future_or_cancelled_meeting(
    community: Any, board: dict[str, Any], manager: Any, request_: ActivityRequest
) -> None:
    future = started_meeting(community, hours_ago=-24 * 7)
    # Attendance cannot be recorded that early; put the rows in place to test the decision alone.
    from doorstroom.community.models import Attendance

    for seat in ("chair", "secretary", "treasurer"):
        Attendance.objects.create(
            meeting=future,
            user=board[seat].user,
            name=board[seat].display_name,
            capacity="board",
            position=seat,
            present=True,
        )
    cancelled = started_meeting(community, hours_ago=2, status=MeetingStatus.CANCELLED)
    for meeting in (future, cancelled):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            decide(acting_user=manager, meeting=meeting, request=request_, outcome="approved")
        assert refused.value.messages == ["Decisions are recorded at the meeting."]
    nothing_written(request_)
    # Within a day before the start is at the meeting.
    soon = started_meeting(community, hours_ago=-3)
    mark_present(soon, board["chair"], board["secretary"], board["treasurer"], by=manager)
    decide(acting_user=manager, meeting=soon, request=request_, outcome="approved")


def test_a_held_meeting_decides_only_on_its_own_agenda(
    community: Any, meeting: Meeting, request_: ActivityRequest, manager: Any
) -> None:
    mark_held(acting_user=manager, meeting=meeting)
    assert AgendaItem.objects.filter(meeting=meeting, request=request_).exists()
    later = a_request(community, title="Na de vergadering")
    with translation.override("en"), pytest.raises(ValidationError, match="not on the agenda"):
        decide(acting_user=manager, meeting=meeting, request=later, outcome="rejected", reason="x")
    # Recorded afterwards from the notes: allowed for what was on the agenda.
    decide(acting_user=manager, meeting=meeting, request=request_, outcome="approved")


def test_decisions_are_for_the_board_and_the_manager(
    meeting: Meeting,
    request_: ActivityRequest,
    board: dict[str, Any],
    resident: Any,
    outsiders: dict[str, Any],
) -> None:
    for person in [resident.user, *outsiders.values()]:
        with pytest.raises(PermissionDenied):
            decide(acting_user=person, meeting=meeting, request=request_, outcome="approved")
    nothing_written(request_)
    decide(acting_user=board["member"].user, meeting=meeting, request=request_, outcome="approved")


def test_a_request_of_another_community_is_not_found(
    community: Any, meeting: Meeting, manager: Any, as_user: Any
) -> None:
    stranger = a_request(CommunityFactory())
    prefix = f"r{stranger.pk}"
    response = as_user(manager).post(
        reverse("community:decide", args=[community.pk, meeting.pk, stranger.pk]),
        {f"{prefix}-outcome": "rejected", f"{prefix}-reason": "x"},
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        decide(acting_user=None, meeting=meeting, request=stranger, outcome="rejected", reason="x")
    nothing_written(stranger)


# --- Closing evaluations -------------------------------------------------------------------------


def test_the_board_closes_an_evaluation(
    community: Any, meeting: Meeting, board: dict[str, Any], as_user: Any
) -> None:
    activity = evaluated(community, title="Paasbrunch")
    prefix = f"e{activity.pk}"
    response = as_user(board["chair"]).post(
        reverse("community:close_evaluation", args=[community.pk, meeting.pk, activity.pk]),
        {f"{prefix}-board_note": "Goed gegaan, volgend jaar weer."},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED
    evaluation = Evaluation.objects.get(request=activity)
    assert evaluation.closed_in == meeting and evaluation.closed_at is not None
    assert evaluation.board_note == "Goed gegaan, volgend jaar weer."
    assert AuditEvent.objects.filter(object_type="community.evaluation", action="update").exists()
    # It stays on this meeting's agenda as closed.
    from doorstroom.community.meetings import agenda_of

    entries = [e for e in agenda_of(meeting).entries if e.request == activity]
    assert len(entries) == 1 and not entries[0].closable


@pytest.mark.parametrize(
    "status", [ActivityStatus.APPROVED, ActivityStatus.SUBMITTED, ActivityStatus.CLOSED]
)
def test_only_an_evaluated_activity_is_closed(
    status: str, community: Any, meeting: Meeting, manager: Any
) -> None:
    activity = evaluated(community)
    ActivityRequest.objects.filter(pk=activity.pk).update(status=status)
    with translation.override("en"), pytest.raises(ValidationError, match="evaluation to discuss"):
        close_evaluation(acting_user=manager, meeting=meeting, request=activity, board_note="")
    assert Evaluation.objects.get(request=activity).closed_in is None


def test_evaluations_are_closed_at_the_meeting_by_the_board(
    community: Any, manager: Any, resident: Any
) -> None:
    activity = evaluated(community)
    future = started_meeting(community, hours_ago=-24 * 5)
    with translation.override("en"), pytest.raises(ValidationError, match="at the meeting"):
        close_evaluation(acting_user=manager, meeting=future, request=activity)
    with pytest.raises(PermissionDenied):
        close_evaluation(acting_user=resident.user, meeting=future, request=activity)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.EVALUATED


# --- Two grants at the same moment (PostgreSQL) --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_grants_at_once_never_spend_more_than_remains(
    community: Any, board: dict[str, Any], manager: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run it with scripts/with-postgres")
    meeting = started_meeting(community)
    mark_present(meeting, board["chair"], board["secretary"], board["treasurer"], by=manager)
    first = a_request(community, lines=[("a", "60.00")])
    second = a_request(community, lines=[("b", "60.00")])
    BudgetFactory(community=community, year=first.starts_on.year, amount=Decimal("100.00"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def grant(request: ActivityRequest) -> None:
        try:
            barrier.wait(timeout=30)
            decide(
                acting_user=manager,
                meeting=Meeting.objects.get(pk=meeting.pk),
                request=request,
                outcome="approved",
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # reported in the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=grant, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok", "refused"], outcomes
    assert ActivityRequest.objects.filter(status=ActivityStatus.APPROVED).count() == 1


def test_a_refusal_for_a_request_not_on_the_page_is_shown_on_top(
    community: Any, meeting: Meeting, request_: ActivityRequest, manager: Any, as_user: Any
) -> None:
    mark_held(acting_user=manager, meeting=meeting)
    later = a_request(community, title="Na de vergadering")
    prefix = f"r{later.pk}"
    response = english(as_user(manager)).post(
        reverse("community:decide", args=[community.pk, meeting.pk, later.pk]),
        {f"{prefix}-outcome": "rejected", f"{prefix}-reason": "Nee"},
    )
    assert response.status_code == 400
    assert "This request was not on the agenda of this meeting." in response.content.decode()
    nothing_written(later)


# --- Review fixes: what the board cannot do ------------------------------------------------------


def test_the_board_grants_at_most_what_was_requested(
    meeting: Meeting, request_: ActivityRequest, manager: Any
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        decide(
            acting_user=manager,
            meeting=meeting,
            request=request_,
            outcome=DecisionOutcome.APPROVED,
            amount_granted=Decimal("62.51"),
        )
    assert error.value.message_dict == {
        "amount_granted": ["The board grants at most the € 62.50 that was requested."]
    }
    nothing_written(request_)


def test_an_activity_whose_date_passed_is_not_approved_but_may_be_sent_back(
    meeting: Meeting, request_: ActivityRequest, manager: Any
) -> None:
    ActivityRequest.objects.filter(pk=request_.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=3)
    )
    with translation.override("en"), pytest.raises(ValidationError, match="date of this activity"):
        decide(
            acting_user=manager, meeting=meeting, request=request_, outcome=DecisionOutcome.APPROVED
        )
    nothing_written(request_)
    decide(
        acting_user=manager,
        meeting=meeting,
        request=request_,
        outcome=DecisionOutcome.SENT_BACK,
        reason="Kies een nieuwe datum.",
    )


def test_a_later_planned_meeting_does_not_decide_before_its_turn(
    community: Any, meeting: Meeting, request_: ActivityRequest, board: dict[str, Any], manager: Any
) -> None:
    later = started_meeting(community, hours_ago=0.5)
    mark_present(later, board["chair"], board["secretary"], board["treasurer"], by=manager)
    assert later.starts_at > meeting.starts_at
    with translation.override("en"), pytest.raises(ValidationError, match="earlier meeting"):
        decide(
            acting_user=manager, meeting=later, request=request_, outcome=DecisionOutcome.APPROVED
        )
    nothing_written(request_)


def test_attendance_cannot_drop_below_the_quorum_after_a_decision(
    meeting: Meeting, request_: ActivityRequest, board: dict[str, Any], manager: Any
) -> None:
    from doorstroom.community.meetings import record_attendance

    decide(acting_user=manager, meeting=meeting, request=request_, outcome=DecisionOutcome.APPROVED)
    with translation.override("en"), pytest.raises(ValidationError, match="cannot drop below 3"):
        record_attendance(
            acting_user=manager,
            meeting=meeting,
            present_user_ids=[board["chair"].user_id, board["secretary"].user_id],
        )
    assert meeting.attendance.filter(present=True).count() == 3
    # Someone arriving late is still recorded.
    record_attendance(
        acting_user=manager,
        meeting=meeting,
        present_user_ids=[r.user_id for r in board.values()],
    )
    assert meeting.attendance.filter(present=True).count() == 4
