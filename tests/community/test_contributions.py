"""Contributions: a resident's own pledge (theirs only), logging what they did with Dutch hours,
every refusal, deleting an own entry, and the totals of the complex for the board and the manager
(pledged against delivered, never a name)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.community import contributions as services
from doorstroom.community.models import ContributionLog, Resident
from doorstroom.lettings.models import (
    Allocation,
    Application,
    ApplicationStatus,
    Offer,
    OfferStatus,
)
from doorstroom.portfolio.models import RegularTenancy
from tests.factories import (
    ApplicationFactory,
    ComplexFactory,
    DwellingFactory,
    ResidentFactory,
    VacancyFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

PLEDGE_TEXT = "Een maandelijkse maaltijd in de gemeenschappelijke ruimte."


def today() -> dt.date:
    return timezone.localdate()


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, community: Any) -> str:
    return reverse(f"community:{name}", args=[community.pk])


def allocated(
    dwelling: Any,
    email: str,
    *,
    hours: int = 4,
    kinds: list[str] | None = None,
    start: dt.date = dt.date(2024, 1, 1),
    end: dt.date | None = None,
) -> Application:
    """An application that got ``dwelling``: offer, allocation and the regular tenancy."""
    tenancy = RegularTenancy.objects.create(
        dwelling=dwelling, tenant_name="Huurder", start_date=start, end_date=end
    )
    vacancy = VacancyFactory(dwelling=dwelling)
    application = ApplicationFactory(
        vacancy=vacancy,
        email=email,
        pledge_hours=hours,
        pledge_kinds=kinds or ["cooking", "garden"],
        pledge_text=PLEDGE_TEXT,
        status=ApplicationStatus.ALLOCATED,
    )
    offer = Offer.objects.create(
        vacancy=vacancy,
        application=application,
        status=OfferStatus.ALLOCATED,
        respond_by=start,
        start_date=start,
    )
    Allocation.objects.create(
        vacancy=vacancy,
        offer=offer,
        start_date=start,
        net_rent=Decimal("650.00"),
        affordability="PAS",
        affordability_explanation="Past bij het inkomen.",
        regular_tenancy=tenancy,
    )
    return application


def housed(resident: Any) -> Any:
    """Give the resident a dwelling in their complex."""
    dwelling = DwellingFactory(complex=resident.community.complex)
    Resident.objects.filter(pk=resident.pk).update(dwelling=dwelling)
    resident.refresh_from_db()
    return dwelling


def log(resident: Any, **kwargs: Any) -> ContributionLog:
    values: dict[str, Any] = {
        "kind": "cooking",
        "hours": Decimal("2"),
        "done_on": today(),
        "note": "",
    }
    values.update(kwargs)
    return services.log_contribution(acting_user=resident.user, resident=resident, **values)


# --- the own pledge -------------------------------------------------------------------------------


def test_a_resident_sees_their_own_pledge(
    community: Any, resident: Any, as_user: Callable[[Any], Client]
) -> None:
    allocated(housed(resident), "ANNA@example.nl", hours=6)

    response = english(as_user(resident)).get(url("contributions", community))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Cooking or shared meals" in content
    assert "Garden and green spaces" in content
    assert PLEDGE_TEXT in content
    assert "6 hours a month" in content
    assert "No pledge recorded." not in content


@pytest.mark.parametrize("case", ["other_email", "ended_tenancy", "no_dwelling", "care"])
def test_no_pledge_is_shown_when_it_is_not_theirs(
    community: Any, resident: Any, as_user: Callable[[Any], Client], case: str
) -> None:
    if case == "other_email":
        allocated(housed(resident), "iemand.anders@example.nl")
    elif case == "ended_tenancy":
        allocated(housed(resident), "anna@example.nl", end=today() - dt.timedelta(days=2))
    elif case == "care":
        housed(resident)  # a dwelling without a regular tenancy from an application
    else:
        allocated(DwellingFactory(complex=community.complex), "anna@example.nl")

    content = english(as_user(resident)).get(url("contributions", community)).content.decode()

    assert "No pledge recorded." in content
    assert PLEDGE_TEXT not in content


def test_the_pledge_is_nobody_elses_business(
    community: Any,
    resident: Any,
    board: dict[str, Any],
    manager: Any,
    as_user: Callable[[Any], Client],
) -> None:
    allocated(housed(resident), "anna@example.nl")
    chair = english(as_user(board["chair"]))
    assert PLEDGE_TEXT not in chair.get(url("contributions", community)).content.decode()
    assert PLEDGE_TEXT not in chair.get(url("contribution_totals", community)).content.decode()
    totals = as_user(manager).get(url("contribution_totals", community)).content.decode()
    assert PLEDGE_TEXT not in totals


# --- logging ----------------------------------------------------------------------------------------


def test_a_resident_logs_hours_the_dutch_way(
    community: Any, resident: Any, as_user: Callable[[Any], Client]
) -> None:
    client = english(as_user(resident))

    response = client.post(
        url("contributions", community),
        {"kind": "garden", "hours": "1,5", "done_on": today().isoformat(), "note": "Onkruid"},
    )

    assert response.status_code == 302
    entry = ContributionLog.objects.get()
    assert (entry.resident, entry.kind, entry.hours, entry.done_on, entry.note) == (
        resident,
        "garden",
        Decimal("1.5"),
        today(),
        "Onkruid",
    )
    assert AuditEvent.objects.filter(
        object_type="community.contributionlog", object_id=str(entry.pk), action=AuditAction.CREATE
    ).exists()
    client.post(
        url("contributions", community),
        {"kind": "social", "hours": "2.5", "done_on": today().isoformat()},
    )
    content = client.get(url("contributions", community)).content.decode()
    assert "Garden and green spaces" in content and "Onkruid" in content
    assert content.count("4 hours") >= 2  # this month and this year


def test_the_totals_of_month_and_year(community: Any, resident: Any) -> None:
    log(resident, hours=Decimal("1.5"))
    earlier = today().replace(day=1) - dt.timedelta(days=1)
    log(resident, hours=Decimal("3"), done_on=earlier)
    log(resident, hours=Decimal("5"), done_on=today().replace(year=today().year - 1))

    totals = services.own_totals(resident)

    assert totals.month == Decimal("1.5")
    assert totals.year == (Decimal("4.5") if earlier.year == today().year else Decimal("1.5"))


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"hours": "0,4"}, "Log between half an hour and 24 hours."),
        ({"hours": "25"}, "Log between half an hour and 24 hours."),
        ({"hours": "anderhalf"}, "Fill in the hours as a number, for example 1,5."),
        ({"hours": "1,25"}, "Use at most one decimal, for example 1,5."),
        ({"hours": ""}, "Fill in how many hours."),
        ({"kind": ""}, "Choose what you did."),
        ({"kind": "sleeping"}, "Choose from the list."),
        ({"done_on": "tomorrow"}, "The date cannot be in the future."),
        ({"done_on": "gisteren"}, "Fill in a date"),
    ],
)
def test_bad_input_is_answered_on_the_field_and_nothing_is_saved(
    community: Any,
    resident: Any,
    as_user: Callable[[Any], Client],
    data: dict[str, str],
    field_message: str,
) -> None:
    values = {"kind": "cooking", "hours": "2", "done_on": today().isoformat(), "note": ""}
    values.update(data)
    if values["done_on"] == "tomorrow":
        values["done_on"] = (today() + dt.timedelta(days=1)).isoformat()

    response = english(as_user(resident)).post(url("contributions", community), values)

    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not ContributionLog.objects.exists()


def test_more_than_a_day_on_one_day_is_refused(community: Any, resident: Any) -> None:
    log(resident, hours=Decimal("20"))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        log(resident, hours=Decimal("4.5"))
    assert refused.value.message_dict == {
        "hours": ["A day has 24 hours; you already logged 20 hours on this day."]
    }
    assert log(resident, hours=Decimal("4")).pk


def test_nobody_logs_for_someone_else(
    community: Any, resident: Any, board: dict[str, Any], manager: Any
) -> None:
    for someone in [board["chair"].user, manager]:
        with pytest.raises(PermissionDenied):
            services.log_contribution(
                acting_user=someone,
                resident=resident,
                kind="cooking",
                hours=Decimal("1"),
                done_on=today(),
            )
    assert not ContributionLog.objects.exists()


def test_a_resident_deletes_an_own_entry_and_only_their_own(
    community: Any, resident: Any, board: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    mine = log(resident)
    theirs = log(board["chair"])
    client = as_user(resident)

    assert client.post(url("contributions", community), {"delete": theirs.pk}).status_code == 404
    assert client.post(url("contributions", community), {"delete": "x"}).status_code == 404
    response = client.post(url("contributions", community), {"delete": mine.pk})

    assert response.status_code == 302
    assert not ContributionLog.objects.filter(pk=mine.pk).exists()
    assert ContributionLog.objects.filter(pk=theirs.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="community.contributionlog", object_id=str(mine.pk), action=AuditAction.DELETE
    ).exists()
    with pytest.raises(PermissionDenied):
        services.delete_contribution(acting_user=resident.user, entry=theirs)


def test_the_own_page_is_for_residents_of_this_community(
    community: Any, manager: Any, outsiders: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    former = ResidentFactory(
        community=community, joined_on=dt.date(2020, 1, 1), left_on=dt.date(2021, 1, 1)
    )
    for person in [manager, former, *outsiders.values()]:
        client = as_user(person)
        assert client.get(url("contributions", community)).status_code == 404
        posted = client.post(
            url("contributions", community),
            {"kind": "cooking", "hours": "1", "done_on": today().isoformat()},
        )
        assert posted.status_code == 404
    assert not ContributionLog.objects.exists()


def test_the_own_page_runs_a_fixed_number_of_queries(
    community: Any, resident: Any, as_user: Callable[[Any], Client]
) -> None:
    allocated(housed(resident), "anna@example.nl")
    client = as_user(resident)
    log(resident)
    few = count_queries(client, url("contributions", community))
    for i in range(10):
        log(resident, hours=Decimal("1"), done_on=today() - dt.timedelta(days=i + 1))
    assert count_queries(client, url("contributions", community)) == few


# --- totals of the complex ----------------------------------------------------------------------


@pytest.fixture
def pledges(community: Any) -> list[Application]:
    """Two current tenants of the complex who pledged 4 and 6 hours, and pledges that do not
    count: an ended tenancy and a tenancy in another complex."""
    counted = [
        allocated(DwellingFactory(complex=community.complex), "een@example.nl", hours=4),
        allocated(DwellingFactory(complex=community.complex), "twee@example.nl", hours=6),
    ]
    allocated(
        DwellingFactory(complex=community.complex),
        "weg@example.nl",
        hours=20,
        end=today() - dt.timedelta(days=10),
    )
    allocated(DwellingFactory(complex=ComplexFactory()), "elders@example.nl", hours=30)
    return counted


def test_the_board_and_the_manager_see_pledged_against_delivered(
    community: Any,
    resident: Any,
    board: dict[str, Any],
    manager: Any,
    pledges: list[Application],
    as_user: Callable[[Any], Client],
) -> None:
    log(resident, kind="garden", hours=Decimal("1.5"))
    log(board["chair"], kind="garden", hours=Decimal("2"))
    log(board["member"], kind="social", hours=Decimal("3"), done_on=today() - dt.timedelta(days=40))
    log(resident, kind="social", hours=Decimal("9"), done_on=today() - dt.timedelta(days=400))
    other = ResidentFactory()
    log(other, hours=Decimal("7"))

    with translation.override("en"):
        totals = services.complex_totals(community)

    assert (totals.pledged_hours, totals.pledges) == (10, 2)
    assert len(totals.months) == 12
    assert totals.months[-1].month == today().replace(day=1)
    assert totals.months[-1].hours == Decimal("3.5")
    assert totals.delivered == Decimal("6.5")
    assert dict(totals.by_kind) == {
        "Garden and green spaces": Decimal("3.5"),
        "Organising social activities": Decimal("3"),
    }
    assert totals.pledged_width == 100
    assert totals.months[-1].width == 35

    for person in [board["chair"], board["treasurer"], manager]:
        response = english(as_user(person)).get(url("contribution_totals", community))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Only totals; nobody is named." in content
        assert "10 hours a month" in content
        assert "2 pledges" in content
        assert "3.5" in content
        assert 'class="ds-bar"' in content
        # Never a name.
        for name in ["Anna", "Bram", "Eva", "Carla", "Dirk"]:
            assert name not in content.split('class="ds-community"')[1]


def test_the_totals_are_not_for_ordinary_residents_or_outsiders(
    community: Any, resident: Any, outsiders: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    for person in [resident, *outsiders.values()]:
        assert as_user(person).get(url("contribution_totals", community)).status_code == 404


def test_the_totals_page_shows_dutch_numbers(
    community: Any, board: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    log(board["chair"], hours=Decimal("1.5"))
    content = as_user(board["chair"]).get(url("contribution_totals", community)).content.decode()
    assert "1,5" in content


def test_the_totals_page_runs_a_fixed_number_of_queries(
    community: Any, board: dict[str, Any], manager: Any, as_user: Callable[[Any], Client]
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            resident = ResidentFactory(community=community)
            allocated(DwellingFactory(complex=community.complex), f"p{resident.pk}@example.nl")
            log(resident, kind="garden", done_on=today() - dt.timedelta(days=31 * i))

    add(2)
    clients = [as_user(board["chair"]), as_user(manager)]
    few = [count_queries(c, url("contribution_totals", community)) for c in clients]
    add(8)
    many = [count_queries(c, url("contribution_totals", community)) for c in clients]
    assert few == many


def test_parse_hours() -> None:
    assert services.parse_hours(" 1,5 ") == Decimal("1.5")
    assert services.parse_hours("2") == Decimal("2")
    assert services.parse_hours("0.5") == Decimal("0.5")
    for bad in ["", "een", "1,5,5", "NaN", "Infinity"]:
        with pytest.raises(ValidationError):
            services.parse_hours(bad)
