"""The board of four: its page (seats now, vacant seats, history), recording a term with every
refusal (a fifth seat, an end before the start, a second chair, an overlapping term of the same
resident, a resident who left), ending a term early, and who may do what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.community import board as services
from doorstroom.community.models import BoardTerm, Resident, ResidentVisibility, TermKind
from tests.factories import BoardTermFactory, CommunityFactory, ResidentFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

TODAY = dt.date.today
FIFTH_SEAT = "The board has four seats; in this period all four are taken. End a term first."


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, community: Any, *args: Any) -> str:
    return reverse(f"community:{name}", args=[community.pk, *args])


def days(n: int) -> dt.date:
    return TODAY() + dt.timedelta(days=n)


def record(manager: Any, community: Any, resident: Any, **kwargs: Any) -> BoardTerm:
    values = {
        "position": "member",
        "start_date": days(0),
        "end_date": days(730),
        "kind": TermKind.ELECTED,
    }
    values.update(kwargs)
    return services.record_term(
        acting_user=manager, community=community, resident=resident, **values
    )


def refusal(call: Callable[[], Any]) -> dict[str, list[str]] | list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        call()
    error = refused.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


# --- the page -------------------------------------------------------------------------------------


def test_every_resident_sees_the_board_with_its_history(
    community: Any, board: dict[str, Any], resident: Any, as_user: Callable[[Any], Client]
) -> None:
    # A board member who hides their name from other residents is still named as a board member.
    Resident.objects.filter(pk=board["treasurer"].pk).update(visibility=ResidentVisibility.BOARD)
    former = ResidentFactory(community=community, display_name="Oud-voorzitter Olga")
    BoardTermFactory(
        resident=former,
        position="chair",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2022, 1, 1),
        ended_early_reason="Verhuisd",
    )

    response = english(as_user(resident)).get(url("board", community))

    content = response.content.decode()
    assert response.status_code == 200
    for name in ["Bram", "Carla", "Dirk", "Eva", "Oud-voorzitter Olga"]:
        assert name in content
    assert "Vacant seat" not in content
    assert "Ended early: Verhuisd" in content
    assert "01-01-2020" in content
    assert url("add_term", community) not in content
    assert "End early" not in content


def test_an_empty_seat_is_shown_as_vacant(
    community: Any, manager: Any, board: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    term = BoardTerm.objects.get(resident=board["member"])
    services.end_term(acting_user=manager, term=term, end_date=days(-1), reason="Gestopt")

    content = english(as_user(board["chair"])).get(url("board", community)).content.decode()

    assert content.count("Vacant seat") == 1
    assert "Eva" in content  # still in the history


def test_the_manager_sees_the_forms(
    community: Any, manager: Any, board: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    content = as_user(manager).get(url("board", community)).content.decode()
    assert url("add_term", community) in content
    term = BoardTerm.objects.get(resident=board["chair"])
    assert url("end_term", community, term.pk) in content


def test_the_board_page_is_404_for_outsiders(
    community: Any,
    board: dict[str, Any],
    outsiders: dict[str, Any],
    as_user: Callable[[Any], Client],
) -> None:
    for person in outsiders.values():
        assert as_user(person).get(url("board", community)).status_code == 404


def test_the_board_page_runs_a_fixed_number_of_queries(
    community: Any, board: dict[str, Any], manager: Any, as_user: Callable[[Any], Client]
) -> None:
    def add_history(n: int, offset: int) -> None:
        for i in range(n):
            start = dt.date(2000 + offset + i, 1, 1)
            BoardTermFactory(
                resident=ResidentFactory(community=community),
                start_date=start,
                end_date=start + dt.timedelta(days=300),
            )

    add_history(2, 0)
    clients = [as_user(board["member"]), as_user(manager)]
    few = [count_queries(c, url("board", community)) for c in clients]
    add_history(10, 2)
    many = [count_queries(c, url("board", community)) for c in clients]
    assert few == many


# --- recording a term -------------------------------------------------------------------------------


def test_the_manager_records_an_election_through_the_form(
    community: Any, manager: Any, resident: Any, as_user: Callable[[Any], Client]
) -> None:
    client = as_user(manager)
    page = client.get(url("add_term", community)).content.decode()
    assert "Anna" in page

    response = client.post(
        url("add_term", community),
        {
            "resident": resident.pk,
            "position": "chair",
            "start_date": days(0).isoformat(),
            "end_date": days(730).isoformat(),
            "kind": TermKind.APPOINTED,
            "decided_on": days(-3).isoformat(),
            "note": "Benoemd in de bewonersavond",
        },
    )

    assert response.status_code == 302
    term = BoardTerm.objects.get(resident=resident)
    assert (term.position, term.kind, term.decided_on, term.recorded_by) == (
        "chair",
        TermKind.APPOINTED,
        days(-3),
        manager,
    )
    assert term.note == "Benoemd in de bewonersavond"
    assert AuditEvent.objects.filter(
        object_type="community.boardterm", object_id=str(term.pk), action=AuditAction.CREATE
    ).exists()
    assert "Anna" in client.get(url("board", community)).content.decode()


def test_a_fifth_seat_is_refused(
    community: Any,
    manager: Any,
    board: dict[str, Any],
    resident: Any,
    as_user: Callable[[Any], Client],
) -> None:
    assert refusal(lambda: record(manager, community, resident)) == [FIFTH_SEAT]
    # Also when the new term only overlaps the four at its end.
    assert refusal(
        lambda: record(
            manager, community, resident, start_date=dt.date(2000, 1, 1), end_date=days(0)
        )
    ) == [FIFTH_SEAT]

    response = english(as_user(manager)).post(
        url("add_term", community),
        {
            "resident": resident.pk,
            "position": "member",
            "start_date": days(10).isoformat(),
            "end_date": days(100).isoformat(),
            "kind": TermKind.ELECTED,
        },
    )
    assert response.status_code == 200
    assert FIFTH_SEAT in response.content.decode()
    assert not BoardTerm.objects.filter(resident=resident).exists()


def test_a_seat_that_comes_free_can_be_filled(
    community: Any, manager: Any, board: dict[str, Any], resident: Any
) -> None:
    member = BoardTerm.objects.get(resident=board["member"])
    term = record(
        manager,
        community,
        resident,
        start_date=member.end_date + dt.timedelta(days=1),
        end_date=member.end_date + dt.timedelta(days=365),
    )
    assert term.pk
    # A term that runs into the day the member's term still runs is one too many.
    other = ResidentFactory(community=community)
    assert refusal(
        lambda: record(
            manager,
            community,
            other,
            start_date=member.end_date,
            end_date=member.end_date + dt.timedelta(days=30),
        )
    ) == [FIFTH_SEAT]


@pytest.mark.parametrize("end", [-1, 0])
def test_a_term_that_ends_before_it_starts_is_refused(
    community: Any, manager: Any, resident: Any, end: int
) -> None:
    assert refusal(
        lambda: record(manager, community, resident, start_date=days(10), end_date=days(10 + end))
    ) == {"end_date": ["A term ends after it starts."]}


def test_the_form_shows_an_end_before_the_start_on_the_field(
    community: Any, manager: Any, resident: Any, as_user: Callable[[Any], Client]
) -> None:
    response = english(as_user(manager)).post(
        url("add_term", community),
        {
            "resident": resident.pk,
            "position": "member",
            "start_date": days(10).isoformat(),
            "end_date": days(5).isoformat(),
            "kind": TermKind.ELECTED,
        },
    )
    assert response.status_code == 200
    assert "A term ends after it starts." in response.content.decode()


def test_a_second_chair_in_an_overlapping_period_is_refused(
    community: Any, manager: Any, board: dict[str, Any], resident: Any
) -> None:
    BoardTerm.objects.filter(resident=board["member"]).delete()
    errors = refusal(lambda: record(manager, community, resident, position="chair"))
    assert isinstance(errors, dict)
    assert "In this period the chair is already Bram" in errors["position"][0]
    # A second plain member is fine.
    assert record(manager, community, resident, position="member").pk


def test_a_resident_with_an_overlapping_term_is_refused(
    community: Any, manager: Any, board: dict[str, Any]
) -> None:
    BoardTerm.objects.filter(resident=board["member"]).delete()
    assert refusal(lambda: record(manager, community, board["chair"], position="member")) == {
        "resident": ["This resident already holds a seat on the board in this period."]
    }


def test_a_resident_who_left_is_refused(community: Any, manager: Any) -> None:
    gone = ResidentFactory(community=community, left_on=days(-1))
    assert refusal(lambda: record(manager, community, gone)) == {
        "resident": ["This resident has left the community."]
    }
    leaving = ResidentFactory(community=community, left_on=days(30))
    errors = refusal(lambda: record(manager, community, leaving))
    assert isinstance(errors, dict) and "end_date" in errors
    assert record(manager, community, leaving, end_date=days(30)).pk


def test_a_resident_of_another_community_or_a_future_decision_is_refused(
    community: Any, manager: Any, resident: Any
) -> None:
    stranger = ResidentFactory(community=CommunityFactory())
    assert refusal(lambda: record(manager, community, stranger)) == {
        "resident": ["Choose a resident of this community."]
    }
    assert refusal(lambda: record(manager, community, resident, decided_on=days(1))) == {
        "decided_on": ["The date of the decision cannot be in the future."]
    }


def test_the_form_offers_only_current_residents(
    community: Any, manager: Any, as_user: Callable[[Any], Client]
) -> None:
    gone = ResidentFactory(community=community, display_name="Vertrokken Vince", left_on=days(-5))
    client = english(as_user(manager))
    assert "Vertrokken Vince" not in client.get(url("add_term", community)).content.decode()
    response = client.post(
        url("add_term", community),
        {
            "resident": gone.pk,
            "position": "member",
            "start_date": days(0).isoformat(),
            "end_date": days(10).isoformat(),
            "kind": TermKind.ELECTED,
        },
    )
    assert "Choose a current resident of this complex." in response.content.decode()


def test_only_the_manager_records_terms(
    community: Any,
    board: dict[str, Any],
    resident: Any,
    outsiders: dict[str, Any],
    as_user: Callable[[Any], Client],
) -> None:
    data = {
        "resident": resident.pk,
        "position": "member",
        "start_date": days(0).isoformat(),
        "end_date": days(10).isoformat(),
        "kind": TermKind.ELECTED,
    }
    for person in [resident, board["chair"], *outsiders.values()]:
        client = as_user(person)
        assert client.get(url("add_term", community)).status_code == 404
        assert client.post(url("add_term", community), data).status_code == 404
    with pytest.raises(PermissionDenied):
        record(board["chair"].user, community, resident)


# --- ending a term early -----------------------------------------------------------------------------


def test_the_manager_ends_a_term_early(
    community: Any, manager: Any, board: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    term = BoardTerm.objects.get(resident=board["secretary"])
    client = as_user(manager)
    assert client.get(url("end_term", community, term.pk)).status_code == 200

    response = client.post(
        url("end_term", community, term.pk),
        {"end_date": days(0).isoformat(), "reason": "Treedt af wegens drukte"},
    )

    assert response.status_code == 302
    term.refresh_from_db()
    assert term.end_date == days(0)
    assert term.ended_early_reason == "Treedt af wegens drukte"
    event = AuditEvent.objects.get(
        object_type="community.boardterm", object_id=str(term.pk), action=AuditAction.UPDATE
    )
    assert event.changes["end_date"][1] == days(0).isoformat()
    assert escape("Treedt af wegens drukte") in client.get(url("board", community)).content.decode()


@pytest.mark.parametrize(
    ("end", "reason", "field", "message"),
    [
        ("start-1", "Weg", "end_date", "A term ends after it starts"),
        ("start", "Weg", "end_date", "A term ends after it starts"),
        ("end", "Weg", "end_date", "This term already ends on"),
        ("end+1", "Weg", "end_date", "This term already ends on"),
        ("today", "  ", "reason", "Give the reason the term ends early."),
    ],
)
def test_a_wrong_early_end_is_refused(
    community: Any,
    manager: Any,
    board: dict[str, Any],
    end: str,
    reason: str,
    field: str,
    message: str,
) -> None:
    term = BoardTerm.objects.get(resident=board["chair"])
    date = {
        "start-1": term.start_date - dt.timedelta(days=1),
        "start": term.start_date,
        "end": term.end_date,
        "end+1": term.end_date + dt.timedelta(days=1),
        "today": days(0),
    }[end]
    errors = refusal(
        lambda: services.end_term(acting_user=manager, term=term, end_date=date, reason=reason)
    )
    assert isinstance(errors, dict)
    assert message in errors[field][0]
    term.refresh_from_db()
    assert term.ended_early_reason == ""


def test_the_form_shows_a_missing_reason(
    community: Any, manager: Any, board: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    term = BoardTerm.objects.get(resident=board["chair"])
    response = english(as_user(manager)).post(
        url("end_term", community, term.pk), {"end_date": days(0).isoformat(), "reason": ""}
    )
    assert response.status_code == 200
    assert "Give the reason the term ends early." in response.content.decode()


def test_only_the_manager_ends_terms_and_only_of_this_community(
    community: Any,
    manager: Any,
    board: dict[str, Any],
    resident: Any,
    outsiders: dict[str, Any],
    as_user: Callable[[Any], Client],
) -> None:
    term = BoardTerm.objects.get(resident=board["member"])
    target = url("end_term", community, term.pk)
    data = {"end_date": days(0).isoformat(), "reason": "Weg"}
    for person in [resident, board["chair"], *outsiders.values()]:
        client = as_user(person)
        assert client.get(target).status_code == 404
        assert client.post(target, data).status_code == 404
    elsewhere = BoardTermFactory(resident=ResidentFactory(community=CommunityFactory()))
    assert as_user(manager).get(url("end_term", community, elsewhere.pk)).status_code == 404
    with pytest.raises(PermissionDenied):
        services.end_term(acting_user=board["chair"].user, term=term, end_date=days(0), reason="x")
    term.refresh_from_db()
    assert term.ended_early_reason == ""


def test_most_running_counts_the_busiest_day() -> None:
    def term(start: int, end: int) -> BoardTerm:
        return BoardTerm(start_date=days(start), end_date=days(end))

    terms = [term(0, 10), term(5, 20), term(11, 30), term(12, 13)]
    assert services.most_running(terms, days(0), days(30)) == 3
    assert services.most_running(terms, days(21), days(30)) == 1
    assert services.most_running([], days(0), days(30)) == 0
