"""Activity requests: submitting with budget lines, changing and resubmitting, withdrawing,
cancelling, the detail (full and limited) and the list, with every refusal and the permission
matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from doorstroom.audit.models import AuditEvent
from doorstroom.community import activities
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    BudgetLine,
    Decision,
    DecisionOutcome,
    Expense,
)
from doorstroom.community.selectors import budget_summary
from doorstroom.portfolio.models import CommunalSpace
from tests.factories import ActivityRequestFactory, MeetingFactory, ResidentFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def nl(msgid: str, **values: Any) -> str:
    """A message as a Dutch page shows it (HTML-escaped)."""
    with translation.override("nl"):
        text = gettext(msgid)
    return escape(text % values if values else text)


def url(name: str, community: Any, *args: Any) -> str:
    return reverse(f"community:{name}", args=[community.pk, *args])


def form_data(lines: list[tuple[str, str]] | None = None, **overrides: Any) -> dict[str, str]:
    lines = lines if lines is not None else [("Vlees", "45,50"), ("Houtskool", "12.50"), ("", "")]
    data = {
        "title": "Zomerbarbecue",
        "description": "Samen eten in de binnentuin.",
        "place": "Binnentuin",
        "starts_on": (TODAY + dt.timedelta(days=14)).isoformat(),
        "ends_on": "",
        "start_time": "17:00",
        "end_time": "21:00",
        "expected_participants": "25",
        "organisers": "Anna en Bram",
        "needs_from_corporation": "De sleutel van de tuin",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "10",
    }
    for index, (item, amount) in enumerate(lines):
        data[f"lines-{index}-item"] = item
        data[f"lines-{index}-amount"] = amount
    data.update(overrides)
    return data


def service_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Kookclub",
        "description": "Samen koken.",
        "place": "Keuken",
        "starts_on": TODAY + dt.timedelta(days=7),
        "ends_on": None,
        "start_time": None,
        "end_time": None,
        "expected_participants": 10,
        "organisers": "",
        "needs_from_corporation": "",
    }
    data.update(overrides)
    return data


def approved(resident: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("status", ActivityStatus.APPROVED)
    kwargs.setdefault("amount_granted", Decimal("50.00"))
    return ActivityRequestFactory(requested_by=resident, **kwargs)


# --- Submitting -----------------------------------------------------------------------------------


def test_resident_submits_a_request_with_budget_lines(
    community: Any, resident: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(resident).post(url("new_request", community), form_data())
    request = ActivityRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request", community, request.pk)
    assert request.status == ActivityStatus.SUBMITTED
    assert request.requested_by == resident
    assert request.community == community
    assert request.start_time == dt.time(17) and request.end_time == dt.time(21)
    assert request.needs_from_corporation == "De sleutel van de tuin"
    assert [(line.item, line.amount) for line in request.budget_lines.all()] == [
        ("Vlees", Decimal("45.50")),
        ("Houtskool", Decimal("12.50")),
    ]
    [message] = mail.outbox
    assert message.to == ["anna@example.nl"]
    assert "Zomerbarbecue" in message.subject
    assert url("request", community, request.pk) in message.body
    assert (
        AuditEvent.objects.filter(
            object_type="community.activityrequest", object_id=str(request.pk)
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12,50", Decimal("12.50")),
        ("12.50", Decimal("12.50")),
        ("1.250,00", Decimal("1250.00")),
        ("€ 7", Decimal("7.00")),
        ("1250", Decimal("1250.00")),
    ],
)
def test_amounts_in_dutch_or_english_notation(
    community: Any, resident: Any, as_user: Any, typed: str, amount: Decimal
) -> None:
    response = as_user(resident).post(url("new_request", community), form_data([("Koffie", typed)]))
    assert response.status_code == 302
    assert BudgetLine.objects.get().amount == amount


def test_a_request_without_budget_lines_is_fine(
    community: Any, resident: Any, as_user: Any
) -> None:
    response = as_user(resident).post(url("new_request", community), form_data([("", "")]))
    assert response.status_code == 302
    assert ActivityRequest.objects.get().budget_lines.count() == 0


def test_a_line_that_is_not_an_amount_is_refused(
    community: Any, resident: Any, as_user: Any
) -> None:
    response = as_user(resident).post(
        url("new_request", community), form_data([("Vlees", "twaalf euro"), ("Brood", "5")])
    )
    assert response.status_code == 400
    assert nl("Fill in an amount, for example 12.50.") in response.content.decode()
    assert not ActivityRequest.objects.exists()
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (("Vlees", "0"), "An amount is more than € 0."),
        (("Vlees", "-5"), "Fill in an amount, for example 12.50."),
        (("Vlees", ""), "Fill in the amount of this line."),
        (("", "12,50"), "Fill in what this amount is for."),
    ],
)
def test_an_incomplete_or_zero_line_is_refused(
    community: Any, resident: Any, as_user: Any, line: tuple[str, str], message: str
) -> None:
    response = as_user(resident).post(url("new_request", community), form_data([line]))
    assert response.status_code == 400
    assert nl(message) in response.content.decode()
    assert not ActivityRequest.objects.exists()


def test_more_than_ten_lines_is_refused(community: Any, resident: Any, as_user: Any) -> None:
    lines = [(f"Post {n}", "1") for n in range(11)]
    response = as_user(resident).post(url("new_request", community), form_data(lines))
    assert response.status_code == 400
    assert nl("A request has at most 10 budget lines.") in response.content.decode()
    assert not ActivityRequest.objects.exists()


def test_a_date_in_the_past_is_refused(community: Any, resident: Any, as_user: Any) -> None:
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    response = as_user(resident).post(url("new_request", community), form_data(starts_on=yesterday))
    assert response.status_code == 400
    assert nl("A request cannot be for a date in the past.") in response.content.decode()
    assert not ActivityRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"ends_on": (TODAY + dt.timedelta(days=13)).isoformat()},
            "The last date is on or after the first date.",
        ),
        ({"start_time": "21:00", "end_time": "17:00"}, "The end time is after the start time."),
        (
            {"start_time": "", "end_time": "17:00"},
            "Fill in the start time too, or leave both times empty.",
        ),
        ({"expected_participants": "0"}, "Expect at least 1 participant."),
        ({"title": ""}, "Fill in a title."),
        ({"starts_on": ""}, "Fill in the date of the activity."),
    ],
)
def test_bad_request_fields_are_refused(
    community: Any, resident: Any, as_user: Any, overrides: dict[str, str], message: str
) -> None:
    response = as_user(resident).post(url("new_request", community), form_data(**overrides))
    assert response.status_code == 400
    assert nl(message) in response.content.decode()
    assert not ActivityRequest.objects.exists()


def test_a_request_of_several_days(community: Any, resident: Any, as_user: Any) -> None:
    last = (TODAY + dt.timedelta(days=16)).isoformat()
    response = as_user(resident).post(url("new_request", community), form_data(ends_on=last))
    assert response.status_code == 302
    assert ActivityRequest.objects.get().ends_on == TODAY + dt.timedelta(days=16)


def test_the_form_offers_the_communal_spaces(community: Any, resident: Any, as_user: Any) -> None:
    CommunalSpace.objects.create(
        complex=community.complex, kind="garden", size_m2=200, description="Binnentuin"
    )
    CommunalSpace.objects.create(complex=community.complex, kind="kitchen", size_m2=30)
    response = as_user(resident).get(url("new_request", community))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<datalist id="places">' in content
    assert '<option value="Binnentuin">' in content
    assert 'list="places"' in content
    assert content.count('name="lines-') >= 3 * 2  # three empty lines: item and amount


def test_add_a_line_without_javascript_keeps_what_was_typed(
    community: Any, resident: Any, as_user: Any
) -> None:
    data = form_data([("Vlees", "45,50"), ("", ""), ("", "")], add_line="1")
    response = as_user(resident).post(url("new_request", community), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="lines-3-item"' in content
    assert 'value="45,50"' in content and 'value="Zomerbarbecue"' in content
    assert "errorlist" not in content and "utrecht-form-field-error-message" not in content
    assert not ActivityRequest.objects.exists()


def test_only_residents_may_submit(
    community: Any, manager: Any, board: Any, outsiders: dict[str, Any], as_user: Any
) -> None:
    assert as_user(board["treasurer"]).get(url("new_request", community)).status_code == 200
    assert as_user(manager).get(url("new_request", community)).status_code == 404
    assert as_user(manager).post(url("new_request", community), form_data()).status_code == 404
    for user in outsiders.values():
        assert as_user(user).get(url("new_request", community)).status_code == 404
        assert as_user(user).post(url("new_request", community), form_data()).status_code == 404
    assert not ActivityRequest.objects.exists()


def test_the_service_refuses_someone_else_and_bad_input(resident: Any, board: Any) -> None:
    with pytest.raises(PermissionDenied):
        activities.submit_request(
            acting_user=board["chair"].user, resident=resident, data=service_data(), lines=[]
        )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        activities.submit_request(
            acting_user=resident.user,
            resident=resident,
            data=service_data(starts_on=TODAY - dt.timedelta(days=1)),
            lines=[("Koffie", Decimal("0"))],
        )
    assert error.value.message_dict == {
        "starts_on": ["A request cannot be for a date in the past."],
        "lines": ["An amount is more than € 0."],
    }
    assert not ActivityRequest.objects.exists()


# --- Changing, resubmitting and withdrawing --------------------------------------------------------


def edit_data(request: Any, **overrides: Any) -> dict[str, str]:
    return form_data(
        [("Boodschappen", "60"), ("Bloemen", "15,25")],
        title="Kookavond",
        starts_on=(TODAY + dt.timedelta(days=20)).isoformat(),
        **overrides,
    )


def test_the_requester_changes_a_submitted_request(
    community: Any, resident: Any, as_user: Any
) -> None:
    request = ActivityRequestFactory(requested_by=resident)
    client = as_user(resident)
    page = client.get(url("edit_request", community, request.pk)).content.decode()
    assert 'value="50,00"' in page and 'value="Boodschappen"' in page
    response = client.post(url("edit_request", community, request.pk), edit_data(request))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Kookavond"
    assert request.status == ActivityStatus.SUBMITTED
    assert [(line.item, line.amount) for line in request.budget_lines.all()] == [
        ("Boodschappen", Decimal("60.00")),
        ("Bloemen", Decimal("15.25")),
    ]
    changes = AuditEvent.objects.filter(object_id=str(request.pk), action="update")
    assert any("budget_lines" in event.fields for event in changes)


def test_saving_a_request_sent_back_resubmits_it(
    community: Any, resident: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    request = ActivityRequestFactory(requested_by=resident, status=ActivityStatus.SENT_BACK)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(resident).post(
            url("edit_request", community, request.pk), edit_data(request)
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ActivityStatus.SUBMITTED
    [message] = mail.outbox
    assert message.to == ["anna@example.nl"]


def test_a_bad_change_changes_nothing(community: Any, resident: Any, as_user: Any) -> None:
    request = ActivityRequestFactory(requested_by=resident, title="Oud")
    response = as_user(resident).post(
        url("edit_request", community, request.pk),
        edit_data(request, **{"lines-1-amount": "veel"}),
    )
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.title == "Oud"
    assert [(line.item, line.amount) for line in request.budget_lines.all()] == [
        ("Boodschappen", Decimal("50.00"))
    ]


def test_a_decided_request_cannot_be_changed(community: Any, resident: Any, as_user: Any) -> None:
    request = approved(resident, title="Oud")
    response = as_user(resident).post(
        url("edit_request", community, request.pk), edit_data(request)
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Oud"
    with translation.override("en"), pytest.raises(ValidationError) as error:
        activities.edit_request(
            acting_user=resident.user, request=request, data=service_data(), lines=[]
        )
    assert error.value.messages == [
        "This request can no longer be changed: the board has decided on it."
    ]


def test_only_the_requester_may_change_or_withdraw(
    community: Any,
    resident: Any,
    board: Any,
    manager: Any,
    outsiders: dict[str, Any],
    as_user: Any,
) -> None:
    request = ActivityRequestFactory(requested_by=resident, title="Oud")
    neighbour = ResidentFactory(community=community)
    for person in [neighbour, board["chair"], manager, *outsiders.values()]:
        client = as_user(person)
        assert client.get(url("edit_request", community, request.pk)).status_code == 404
        assert (
            client.post(url("edit_request", community, request.pk), edit_data(request)).status_code
            == 404
        )
        assert client.post(url("withdraw_request", community, request.pk)).status_code == 404
    request.refresh_from_db()
    assert request.title == "Oud" and request.status == ActivityStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        activities.withdraw_request(acting_user=board["chair"].user, request=request)


def test_the_requester_withdraws_an_open_request(
    community: Any, resident: Any, as_user: Any
) -> None:
    request = ActivityRequestFactory(requested_by=resident, status=ActivityStatus.SENT_BACK)
    client = as_user(resident)
    assert client.get(url("withdraw_request", community, request.pk)).status_code == 405
    response = client.post(url("withdraw_request", community, request.pk))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ActivityStatus.WITHDRAWN


def test_a_decided_request_cannot_be_withdrawn(community: Any, resident: Any, as_user: Any) -> None:
    request = approved(resident)
    response = as_user(resident).post(url("withdraw_request", community, request.pk), follow=True)
    assert nl("Only a request the board has not yet decided on can be withdrawn.") in (
        response.content.decode()
    )
    request.refresh_from_db()
    assert request.status == ActivityStatus.APPROVED


# --- Cancelling -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["requester", "board", "manager"])
def test_an_approved_activity_is_cancelled_and_its_grant_no_longer_counts(
    community: Any,
    resident: Any,
    board: Any,
    manager: Any,
    as_user: Any,
    who: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    request = approved(resident, amount_granted=Decimal("80.00"))
    year = request.starts_on.year
    assert budget_summary(community, year).granted == Decimal("80.00")
    person = {"requester": resident, "board": board["member"], "manager": manager}[who]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(person).post(
            url("cancel_activity", community, request.pk), {"reason": "Het gaat regenen."}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ActivityStatus.CANCELLED
    assert budget_summary(community, year).granted == Decimal("0")
    if who == "requester":
        assert mail.outbox == []
    else:
        [message] = mail.outbox
        assert message.to == ["anna@example.nl"] and "Het gaat regenen." in message.body


def test_others_may_not_cancel(
    community: Any, resident: Any, outsiders: dict[str, Any], as_user: Any
) -> None:
    request = approved(resident)
    for person in [ResidentFactory(community=community), *outsiders.values()]:
        assert (
            as_user(person).post(url("cancel_activity", community, request.pk)).status_code == 404
        )
    request.refresh_from_db()
    assert request.status == ActivityStatus.APPROVED


def test_only_an_approved_activity_that_has_not_taken_place_is_cancelled(
    community: Any, resident: Any, as_user: Any
) -> None:
    past = approved(resident, starts_on=TODAY - dt.timedelta(days=2))
    submitted = ActivityRequestFactory(requested_by=resident)
    client = as_user(resident)
    response = client.post(url("cancel_activity", community, past.pk), follow=True)
    assert nl("This activity has already taken place; it can no longer be cancelled.") in (
        response.content.decode()
    )
    response = client.post(url("cancel_activity", community, submitted.pk), follow=True)
    assert nl("Only an approved activity can be cancelled.") in response.content.decode()
    past.refresh_from_db()
    submitted.refresh_from_db()
    assert past.status == ActivityStatus.APPROVED
    assert submitted.status == ActivityStatus.SUBMITTED


# --- The detail -----------------------------------------------------------------------------------


def with_history(resident: Any) -> Any:
    request = approved(
        resident,
        lines=[("Vlees", "45.50"), ("Houtskool", "12.50")],
        amount_granted=Decimal("55.00"),
        needs_from_corporation="Sleutel van de tuin",
    )
    first = MeetingFactory(
        community=request.community, starts_at=timezone.now() - dt.timedelta(days=40)
    )
    second = MeetingFactory(
        community=request.community, starts_at=timezone.now() - dt.timedelta(days=10)
    )
    Decision.objects.create(
        request=request, meeting=first, outcome=DecisionOutcome.SENT_BACK, reason="Graag een datum."
    )
    Decision.objects.create(
        request=request,
        meeting=second,
        outcome=DecisionOutcome.APPROVED,
        amount_granted=Decimal("55.00"),
    )
    Expense.objects.create(
        request=request, description="Slager", amount=Decimal("40.00"), spent_on=TODAY
    )
    return request


@pytest.mark.parametrize("who", ["requester", "board", "manager"])
def test_requester_board_and_manager_see_the_request_in_full(
    community: Any, resident: Any, board: Any, manager: Any, as_user: Any, who: str
) -> None:
    request = with_history(resident)
    person = {"requester": resident, "board": board["secretary"], "manager": manager}[who]
    response = as_user(person).get(url("request", community, request.pk))
    content = response.content.decode()
    assert response.status_code == 200
    for text in ["Houtskool", "€ 58,00", "€ 55,00", "Graag een datum.", "Slager", "€ 40,00"]:
        assert text in content, text
    assert "Sleutel van de tuin" in content
    assert escape(resident.display_name) in content


def test_other_residents_see_an_approved_activity_without_its_budget(
    community: Any, resident: Any, as_user: Any
) -> None:
    request = with_history(resident)
    neighbour = ResidentFactory(community=community)
    response = as_user(neighbour).get(url("request", community, request.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert escape(request.title) in content and escape(request.description) in content
    assert escape(request.place) in content
    for hidden in ["€", "Houtskool", "Graag een datum.", "Slager", "Sleutel van de tuin"]:
        assert hidden not in content, hidden
    assert url("edit_request", community, request.pk) not in content
    assert url("add_expense", community, request.pk) not in content


@pytest.mark.parametrize(
    "status",
    [
        ActivityStatus.SUBMITTED,
        ActivityStatus.SENT_BACK,
        ActivityStatus.REJECTED,
        ActivityStatus.WITHDRAWN,
        ActivityStatus.CANCELLED,
    ],
)
def test_other_residents_do_not_see_requests_that_are_not_approved(
    community: Any, resident: Any, as_user: Any, status: str
) -> None:
    request = ActivityRequestFactory(requested_by=resident, status=status)
    neighbour = ResidentFactory(community=community)
    assert as_user(neighbour).get(url("request", community, request.pk)).status_code == 404
    assert as_user(resident).get(url("request", community, request.pk)).status_code == 200


def test_outsiders_never_see_a_request(
    community: Any, resident: Any, outsiders: dict[str, Any], as_user: Any
) -> None:
    request = with_history(resident)
    for user in outsiders.values():
        client = as_user(user)
        assert client.get(url("request", community, request.pk)).status_code == 404
        assert client.get(url("activities", community)).status_code == 404


def test_a_request_of_another_community_is_404(community: Any, resident: Any, as_user: Any) -> None:
    elsewhere = ActivityRequestFactory(status=ActivityStatus.APPROVED, amount_granted=Decimal("1"))
    assert as_user(resident).get(url("request", community, elsewhere.pk)).status_code == 404


def test_the_actions_fit_the_viewer(
    community: Any, resident: Any, board: Any, as_user: Any
) -> None:
    submitted = ActivityRequestFactory(requested_by=resident)
    page = as_user(resident).get(url("request", community, submitted.pk)).content.decode()
    assert url("edit_request", community, submitted.pk) in page
    assert url("withdraw_request", community, submitted.pk) in page
    assert url("cancel_activity", community, submitted.pk) not in page
    page = as_user(board["chair"]).get(url("request", community, submitted.pk)).content.decode()
    assert url("edit_request", community, submitted.pk) not in page
    upcoming = approved(resident)
    page = as_user(board["chair"]).get(url("request", community, upcoming.pk)).content.decode()
    assert url("cancel_activity", community, upcoming.pk) in page
    assert url("add_expense", community, upcoming.pk) not in page  # the chair is no treasurer
    page = as_user(board["treasurer"]).get(url("request", community, upcoming.pk)).content.decode()
    assert url("add_expense", community, upcoming.pk) in page


def test_the_detail_runs_a_fixed_number_of_queries(
    community: Any, resident: Any, board: Any, as_user: Any
) -> None:
    small = with_history(resident)
    large = with_history(resident)
    meeting = MeetingFactory(community=community, starts_at=timezone.now() - dt.timedelta(days=5))
    for n in range(6):
        BudgetLine.objects.create(request=large, item=f"Post {n}", amount=Decimal("3"))
        Expense.objects.create(
            request=large, description=f"Winkel {n}", amount=Decimal("2"), spent_on=TODAY
        )
        Decision.objects.create(
            request=large, meeting=meeting, outcome=DecisionOutcome.SENT_BACK, reason=f"Reden {n}"
        )
    for person in [resident, board["chair"]]:
        client = as_user(person)
        client.get(url("request", community, small.pk))  # warm the session
        assert count_queries(client, url("request", community, small.pk)) == count_queries(
            client, url("request", community, large.pk)
        )


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_coming_and_past_activities_and_my_requests(
    community: Any, resident: Any, as_user: Any
) -> None:
    neighbour = ResidentFactory(community=community)
    coming = approved(neighbour, title="Burendag")
    past = ActivityRequestFactory(
        requested_by=neighbour,
        title="Nieuwjaarsborrel",
        starts_on=TODAY - dt.timedelta(days=30),
        status=ActivityStatus.CLOSED,
        amount_granted=Decimal("20"),
    )
    others_open = ActivityRequestFactory(requested_by=neighbour, title="Geheim plan")
    mine = ActivityRequestFactory(requested_by=resident, title="Mijn idee")
    content = as_user(resident).get(url("activities", community)).content.decode()
    assert escape(coming.title) in content and escape(past.title) in content
    assert escape(mine.title) in content and "€ 50,00" in content
    assert escape(others_open.title) not in content
    assert nl("Requests waiting for the board") not in content


def test_board_and_manager_see_the_open_requests_with_amounts(
    community: Any, resident: Any, board: Any, manager: Any, as_user: Any
) -> None:
    ActivityRequestFactory(requested_by=resident, title="Geheim plan", lines=[("Taart", "33.10")])
    for person in [board["member"], manager]:
        content = as_user(person).get(url("activities", community)).content.decode()
        assert "Geheim plan" in content and "€ 33,10" in content
        assert nl("Requests waiting for the board") in content


def test_the_list_runs_a_fixed_number_of_queries(
    community: Any, resident: Any, board: Any, manager: Any, as_user: Any
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            approved(resident, title=f"Komt {i}")
            approved(resident, title=f"Was {i}", starts_on=TODAY - dt.timedelta(days=i + 1))
            ActivityRequestFactory(requested_by=resident, lines=[("a", "1"), ("b", "2")])

    add(1)
    sizes = {}
    for person in [resident, board["chair"], manager]:
        client = as_user(person)
        client.get(url("activities", community))
        sizes[person] = [count_queries(client, url("activities", community))]
    add(5)
    for person in [resident, board["chair"], manager]:
        client = as_user(person)
        client.get(url("activities", community))
        sizes[person].append(count_queries(client, url("activities", community)))
    for person, (small, large) in sizes.items():
        assert small == large, person
