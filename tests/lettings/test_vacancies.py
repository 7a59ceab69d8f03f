"""Vacancies: opened when a dwelling becomes free, a stream proposed by rule with its reason, the
manager's override with a reason, the advert, and the re-balancing after a flip."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from doorstroom.audit.models import AuditEvent
from doorstroom.lettings import vacancies as services
from doorstroom.lettings.models import Vacancy, VacancyStatus
from doorstroom.organisations.roles import Role
from doorstroom.portfolio import services as portfolio
from doorstroom.portfolio.mix import Stream
from doorstroom.portfolio.models import LeaseEndReason
from tests.factories import (
    AgreementFactory,
    ApplicationFactory,
    ComplexFactory,
    DwellingFactory,
    VacancyFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

START = dt.date(2024, 1, 1)


@pytest.fixture(autouse=True)
def _english_messages() -> Any:
    """Services' messages are asserted in English (the screens are Dutch per request)."""
    with translation.override("en"):
        yield


@pytest.fixture
def complex_at_target(world: dict[str, Any]) -> dict[str, Any]:
    """Nine dwellings: three leased to the care provider (as agreed), six let to regular tenants."""
    complex_ = ComplexFactory(corporation=world["corporation"], name="Het Hof")
    dwellings = DwellingFactory.create_batch(9, complex=complex_)
    agreement = AgreementFactory(
        complex=complex_, care_provider=world["provider"], dwellings_promised=3, start_date=START
    )
    leases = [
        portfolio.lease_dwelling(
            acting_user=None, agreement=agreement, dwelling=d, start_date=START
        )
        for d in dwellings[:3]
    ]
    tenancies = [
        portfolio.start_regular_tenancy(
            acting_user=None, dwelling=d, tenant_name=f"Huurder {i}", start_date=START
        )
        for i, d in enumerate(dwellings[3:])
    ]
    return {"complex": complex_, "leases": leases, "tenancies": tenancies, "dwellings": dwellings}


def test_an_ended_tenancy_opens_a_regular_vacancy_when_the_mix_is_at_target(
    complex_at_target: dict[str, Any],
) -> None:
    tenancy = complex_at_target["tenancies"][0]
    portfolio.end_regular_tenancy(acting_user=None, tenancy=tenancy, end_date=dt.date(2026, 3, 1))

    vacancy = Vacancy.objects.get(dwelling=tenancy.dwelling)
    assert vacancy.status == VacancyStatus.OPEN
    assert vacancy.cause == "tenancy_ended"
    assert vacancy.available_from == dt.date(2026, 3, 1)
    assert vacancy.stream == vacancy.proposed_stream == Stream.REGULAR
    assert "33%" in vacancy.proposal_reason


def test_a_handed_back_lease_opens_a_care_vacancy_to_fill_the_gap(
    complex_at_target: dict[str, Any],
) -> None:
    lease = complex_at_target["leases"][0]
    portfolio.end_care_lease(acting_user=None, lease=lease, end_date=dt.date(2026, 2, 1))

    vacancy = Vacancy.objects.get(dwelling=lease.dwelling)
    assert vacancy.cause == "lease_handed_back"
    assert vacancy.stream == Stream.CARE
    assert "2" in vacancy.proposal_reason and "3" in vacancy.proposal_reason


def test_a_flip_is_no_vacancy_but_the_next_vacancy_backfills_the_lease(
    complex_at_target: dict[str, Any],
) -> None:
    lease = complex_at_target["leases"][0]
    portfolio.end_care_lease(
        acting_user=None, lease=lease, end_date=dt.date(2026, 2, 1), reason=LeaseEndReason.FLIPPED
    )
    portfolio.start_regular_tenancy(
        acting_user=None,
        dwelling=lease.dwelling,
        tenant_name="Omgeklapt",
        start_date=dt.date(2026, 2, 1),
        care_label_until=dt.date(2028, 2, 1),
    )
    assert not Vacancy.objects.filter(dwelling=lease.dwelling).exists()

    plan = services.rebalance(complex_at_target["complex"], vacancies=3)
    assert [step.stream for step in plan] == [Stream.CARE, Stream.REGULAR, Stream.REGULAR]

    tenancy = complex_at_target["tenancies"][0]
    portfolio.end_regular_tenancy(acting_user=None, tenancy=tenancy, end_date=dt.date(2026, 3, 1))
    assert Vacancy.objects.get(dwelling=tenancy.dwelling).stream == Stream.CARE


def test_an_open_care_vacancy_counts_as_filling_the_gap(
    complex_at_target: dict[str, Any],
) -> None:
    portfolio.end_care_lease(
        acting_user=None,
        lease=complex_at_target["leases"][0],
        end_date=dt.date(2026, 2, 1),
    )
    tenancy = complex_at_target["tenancies"][0]
    portfolio.end_regular_tenancy(acting_user=None, tenancy=tenancy, end_date=dt.date(2026, 3, 1))

    second = Vacancy.objects.get(dwelling=tenancy.dwelling)
    assert second.stream == Stream.REGULAR
    assert "1" in second.proposal_reason


def test_a_tenancy_started_outside_the_letting_process_closes_the_vacancy(
    complex_at_target: dict[str, Any],
) -> None:
    tenancy = complex_at_target["tenancies"][0]
    portfolio.end_regular_tenancy(acting_user=None, tenancy=tenancy, end_date=dt.date(2026, 3, 1))
    portfolio.start_regular_tenancy(
        acting_user=None,
        dwelling=tenancy.dwelling,
        tenant_name="Nieuw",
        start_date=dt.date(2026, 4, 1),
    )
    assert Vacancy.objects.get(dwelling=tenancy.dwelling).status == VacancyStatus.CANCELLED


def test_a_dwelling_has_one_open_vacancy(world: dict[str, Any]) -> None:
    dwelling = world["dwellings"][0]
    services.open_vacancy(acting_user=world["manager"], dwelling=dwelling, available_from=START)
    with pytest.raises(ValidationError, match="already has an open vacancy"):
        services.open_vacancy(acting_user=world["manager"], dwelling=dwelling, available_from=START)


def test_the_manager_chooses_the_other_stream_only_with_a_reason(world: dict[str, Any]) -> None:
    vacancy = VacancyFactory(dwelling=world["dwellings"][0], advert_published_at=None)
    with pytest.raises(ValidationError) as refused:
        services.choose_stream(acting_user=world["manager"], vacancy=vacancy, stream=Stream.CARE)
    assert "reason" in refused.value.message_dict

    services.choose_stream(
        acting_user=world["manager"],
        vacancy=vacancy,
        stream=Stream.CARE,
        reason="De zorgaanbieder heeft een passende kandidaat.",
    )
    vacancy.refresh_from_db()
    assert vacancy.stream == Stream.CARE
    assert vacancy.overridden_by == world["manager"]
    event = AuditEvent.objects.filter(object_type="lettings.vacancy").latest("pk")
    assert "stream" in event.changes


def test_a_letting_officer_cannot_override_the_stream(world: dict[str, Any]) -> None:
    vacancy = VacancyFactory(dwelling=world["dwellings"][0])
    with pytest.raises(PermissionDenied):
        services.choose_stream(
            acting_user=world["people"][Role.LETTING_OFFICER],
            vacancy=vacancy,
            stream=Stream.CARE,
            reason="Liever zorg",
        )


def test_the_stream_is_fixed_once_someone_applied(world: dict[str, Any]) -> None:
    application = ApplicationFactory(vacancy__dwelling=world["dwellings"][0])
    with pytest.raises(ValidationError, match="no longer change"):
        services.choose_stream(
            acting_user=world["manager"],
            vacancy=application.vacancy,
            stream=Stream.CARE,
            reason="Toch zorg",
        )


def test_only_a_regular_vacancy_is_advertised_and_not_with_a_past_deadline(
    world: dict[str, Any],
) -> None:
    officer = world["people"][Role.LETTING_OFFICER]
    care = VacancyFactory(
        dwelling=world["dwellings"][0],
        stream=Stream.CARE,
        proposed_stream=Stream.CARE,
        advert_published_at=None,
        advert_deadline=None,
    )
    with pytest.raises(ValidationError, match="Only a regular-stream"):
        services.publish_advert(acting_user=officer, vacancy=care, deadline=dt.date(2099, 1, 1))

    regular = VacancyFactory(
        dwelling=world["dwellings"][1], advert_published_at=None, advert_deadline=None
    )
    with pytest.raises(ValidationError) as refused:
        services.publish_advert(acting_user=officer, vacancy=regular, deadline=dt.date(2020, 1, 1))
    assert "deadline" in refused.value.message_dict
    published = services.publish_advert(
        acting_user=officer, vacancy=regular, deadline=dt.date(2099, 1, 1), text="Zonnig"
    )
    assert published.advert_published_at is not None
    assert published.accepts_applications()


# --- screens -------------------------------------------------------------------------------


def test_letting_staff_see_the_vacancies_and_others_get_404(
    world: dict[str, Any], login: Any
) -> None:
    vacancy = VacancyFactory(dwelling=world["dwellings"][0])
    people = world["people"]
    for role in (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER):
        client = login(people[role])
        assert client.get(reverse("vacancies:list")).status_code == 200
        response = client.get(reverse("vacancies:detail", args=[vacancy.pk]))
        assert response.status_code == 200
        assert vacancy.dwelling.vhe_code in response.content.decode()
    for name in (
        Role.CASE_WORKER,
        Role.TEAM_LEAD,
        Role.POLICY_OFFICER,
        Role.NEIGHBOURHOOD_TEAM_MEMBER,
        "other_manager",
    ):
        client = login(people[name])
        assert client.get(reverse("vacancies:detail", args=[vacancy.pk])).status_code == 404
        assert (
            client.get(reverse("vacancies:complex", args=[world["complex"].pk])).status_code == 404
        )


def test_the_vacancy_list_runs_a_fixed_number_of_queries(world: dict[str, Any], login: Any) -> None:
    client = login(world["manager"])
    VacancyFactory(dwelling=world["dwellings"][0])
    ApplicationFactory(vacancy=Vacancy.objects.get())
    few = count_queries(client, reverse("vacancies:list"))
    for dwelling in DwellingFactory.create_batch(6, complex=world["elsewhere"]):
        vacancy = VacancyFactory(dwelling=dwelling)
        ApplicationFactory.create_batch(2, vacancy=vacancy)
    assert count_queries(client, reverse("vacancies:list")) == few


def test_the_manager_overrides_the_stream_on_the_screen(world: dict[str, Any], login: Any) -> None:
    vacancy = VacancyFactory(dwelling=world["dwellings"][0], advert_published_at=None)
    client = login(world["manager"])
    url = reverse("vacancies:detail", args=[vacancy.pk])

    refused = client.post(url, {"action": "stream", "stream": Stream.CARE, "reason": ""})
    assert refused.status_code == 200
    vacancy.refresh_from_db()
    assert vacancy.stream == Stream.REGULAR

    done = client.post(
        url, {"action": "stream", "stream": Stream.CARE, "reason": "Zorgaanbieder heeft haast"}
    )
    assert done.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.stream == Stream.CARE


def test_a_letting_officer_cannot_post_a_stream_choice(world: dict[str, Any], login: Any) -> None:
    vacancy = VacancyFactory(dwelling=world["dwellings"][0])
    client = login(world["people"][Role.LETTING_OFFICER])
    response = client.post(
        reverse("vacancies:detail", args=[vacancy.pk]),
        {"action": "stream", "stream": Stream.CARE, "reason": "x"},
    )
    assert response.status_code == 404
    vacancy.refresh_from_db()
    assert vacancy.stream == Stream.REGULAR


def test_the_manager_opens_a_vacancy_for_a_new_dwelling(world: dict[str, Any], login: Any) -> None:
    client = login(world["manager"])
    dwelling = world["dwellings"][1]
    response = client.post(
        reverse("vacancies:complex", args=[world["complex"].pk]),
        {"dwelling": dwelling.pk, "available_from": "2026-12-01", "cause": "new_build"},
    )
    assert response.status_code == 302
    vacancy = Vacancy.objects.get(dwelling=dwelling)
    assert vacancy.cause == "new_build"
    page = client.get(reverse("vacancies:complex", args=[world["complex"].pk]))
    assert vacancy.dwelling.address in page.content.decode()


def test_cancelling_a_vacancy_ends_its_applications_so_retention_erases_them(
    world: dict[str, Any], mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from doorstroom.lettings.models import ApplicationStatus
    from doorstroom.lettings.retention import stale_applications

    application = ApplicationFactory(vacancy__dwelling=world["dwellings"][0])
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_vacancy(acting_user=world["manager"], vacancy=application.vacancy)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_SELECTED
    assert application.ended_at is not None
    assert [m.to for m in mailoutbox] == [[application.email]]
    later = application.ended_at + dt.timedelta(days=200)
    assert application.vacancy.applications.filter(stale_applications(now=later)).exists()


def test_a_tenancy_started_elsewhere_ends_the_vacancys_applications_too(
    world: dict[str, Any],
) -> None:
    from doorstroom.lettings.models import ApplicationStatus

    application = ApplicationFactory(vacancy__dwelling=world["dwellings"][0])
    portfolio.start_regular_tenancy(
        acting_user=None,
        dwelling=world["dwellings"][0],
        tenant_name="Elders verhuurd",
        start_date=dt.date(2026, 12, 1),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_SELECTED
    assert AuditEvent.objects.filter(
        object_type="lettings.vacancy", object_id=str(application.vacancy_id)
    ).exists()
