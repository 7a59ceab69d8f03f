"""The quota ledger per municipality, corporation and year, and who may see it and the forecast."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from doorstroom.lettings.models import Nomination
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.outcomes.ledger import ledger_of, shown
from doorstroom.portfolio.mix import Stream
from doorstroom.portfolio.models import Quota
from doorstroom.tenancies.models import Placement
from tests.factories import (
    AgreementFactory,
    ComplexFactory,
    DwellingFactory,
    OrganisationFactory,
    VacancyFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def place(
    complex_: Any,
    provider: Any,
    start: dt.date,
    *,
    flip: dt.date | None = None,
    exit: dt.date | None = None,
    group: str = "mo",
) -> Placement:
    """A placement in a dwelling of its own (history, as an import would record it)."""
    state = "exited" if exit else ("flipped" if flip else "care_lease")
    return Placement.objects.create(
        care_provider=provider,
        client_ref=f"K{Placement.objects.count() + 1}",
        dwelling=DwellingFactory(complex=complex_),
        start_date=start,
        flip_date=flip,
        exit_date=exit,
        exit_reason="back_to_shelter" if exit else "",
        target_group=group,
        state=state,
    )


def care_vacancy(complex_: Any, **kwargs: Any) -> Any:
    return VacancyFactory(
        dwelling=DwellingFactory(complex=complex_),
        stream=Stream.CARE,
        proposed_stream=Stream.CARE,
        advert_published_at=None,
        advert_deadline=None,
        **kwargs,
    )


def accepted_nomination(agreement: Any, **kwargs: Any) -> Nomination:
    from doorstroom.clients.models import Client
    from tests.factories import UserFactory

    client = Client.objects.create(
        care_provider=agreement.care_provider,
        first_name="Kees",
        last_name=f"Klant{Nomination.objects.count()}",
        date_of_birth=dt.date(1980, 1, 1),
    )
    return Nomination.objects.create(
        client=client,
        care_provider=agreement.care_provider,
        agreement=agreement,
        complex=agreement.complex,
        motivation="Past goed.",
        readiness_at_nomination="ready",
        nominated_by=UserFactory(),
        status=kwargs.get("status", "accepted"),
    )


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    utrecht = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Gemeente Utrecht", municipality_name="Utrecht"
    )
    zeist = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Gemeente Zeist", municipality_name="Zeist"
    )
    complex_ = ComplexFactory(municipality_name="utrecht")
    corporation = complex_.corporation
    elsewhere = ComplexFactory(corporation=corporation, municipality_name="Zeist")
    agreement = AgreementFactory(complex=complex_)
    other = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Andere Corporatie")
    return {
        "utrecht": utrecht,
        "zeist": zeist,
        "complex": complex_,
        "elsewhere": elsewhere,
        "corporation": corporation,
        "other": other,
        "agreement": agreement,
        "provider": agreement.care_provider,
    }


def quota(world: dict[str, Any], year: int, dwellings: int, group: str = "mo", **kw: Any) -> Quota:
    return Quota.objects.create(
        municipality=kw.get("municipality", world["utrecht"]),
        corporation=kw.get("corporation", world["corporation"]),
        year=year,
        target_group=group,
        dwellings=dwellings,
    )


def test_a_row_adds_up_its_target_groups_and_counts_todays_pipeline(world) -> None:  # type: ignore[no-untyped-def]
    today = dt.date(2026, 7, 1)
    provider, complex_ = world["provider"], world["complex"]
    for start, group in [
        (dt.date(2026, 2, 1), "mo"),
        (dt.date(2026, 3, 1), "mo"),
        (dt.date(2026, 4, 1), "bw"),
        (dt.date(2025, 12, 31), "mo"),  # last year
        (dt.date(2026, 8, 1), "mo"),  # after today
        (dt.date(2026, 5, 1), "other"),  # no quota for the group
    ]:
        place(complex_, provider, start, group=group)
    place(world["elsewhere"], provider, dt.date(2026, 2, 1))  # another municipality
    accepted_nomination(world["agreement"])
    accepted_nomination(world["agreement"], status="open")  # not yet accepted
    care_vacancy(complex_)
    care_vacancy(complex_, status="allocated")  # no longer open
    VacancyFactory(dwelling=DwellingFactory(complex=complex_))  # regular stream
    care_vacancy(world["elsewhere"])  # another municipality
    quotas = [
        quota(world, 2026, 10, "mo"),
        quota(world, 2026, 2, "bw"),
        quota(world, 2025, 4, "mo"),
        quota(world, 2026, 3, "mo", corporation=world["other"]),
        quota(world, 2026, 1, "mo", municipality=world["zeist"]),
    ]
    rows = ledger_of(
        Quota.objects.filter(pk__in=[q.pk for q in quotas]).select_related(
            "municipality", "corporation"
        ),
        today,
    )
    figures = {
        (r.municipality.name, r.corporation.name, r.year): (
            r.target,
            r.realised,
            r.to_go,
            r.accepted_nominations,
            r.open_care_vacancies,
            r.pipeline,
        )
        for r in rows
    }
    corporation = world["corporation"].name
    assert figures == {
        ("Gemeente Utrecht", corporation, 2026): (12, 3, 9, 1, 1, 2),
        ("Gemeente Utrecht", "Andere Corporatie", 2026): (3, 0, 3, 0, 0, 0),
        ("Gemeente Zeist", corporation, 2026): (1, 1, 0, 0, 1, 1),
        ("Gemeente Utrecht", corporation, 2025): (4, 1, 3, None, None, None),
    }
    assert [r.year for r in rows] == [2026, 2026, 2026, 2025]
    [utrecht] = [r for r in rows if r.key == (world["utrecht"].pk, world["corporation"].pk, 2026)]
    assert utrecht.target_groups == ("bw", "mo")


def test_counts_below_five_are_shown_as_less_than_five_to_a_municipality() -> None:
    assert [shown(n, True) for n in (0, 4, 5, None)] == ["0", "<5", "5", "–"]
    assert [shown(n, False) for n in (0, 4, 2.5)] == ["0", "4", "2,5"]


# --- the pages --------------------------------------------------------------------------------


def ledger_url() -> str:
    return reverse("forecast:ledger")


def detail_url(world: dict[str, Any]) -> str:
    return reverse("forecast:detail", args=[world["utrecht"].pk, world["corporation"].pk])


@pytest.mark.parametrize(
    "role", [Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER, Role.POLICY_OFFICER]
)
def test_the_corporation_staff_and_the_municipality_see_ledger_and_forecast(
    world, member, login, role
) -> None:  # type: ignore[no-untyped-def]
    organisation = world["utrecht"] if role == Role.POLICY_OFFICER else world["corporation"]
    place(world["complex"], world["provider"], TODAY - dt.timedelta(days=30))
    quota(world, TODAY.year, 6)
    client = login(member(role, organisation).user)
    ledger = client.get(ledger_url())
    assert ledger.status_code == 200
    assert world["corporation"].name in ledger.content.decode()
    response = client.get(detail_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content or "<5" in content
    assert 'id="fan-table"' in content
    if role == Role.POLICY_OFFICER:
        [line] = response.context["lines"]
        assert line["realised"] == "<5" and line["share"] is None
    else:
        assert response.context["lines"][0]["realised"] == "1"


@pytest.mark.parametrize(
    "role, where",
    [
        (Role.CASE_WORKER, "provider"),
        (Role.NEIGHBOURHOOD_TEAM_MEMBER, None),
        (Role.RESIDENT, "corporation"),
        (Role.MIXED_LIVING_MANAGER, "other"),
        (Role.POLICY_OFFICER, "zeist"),
    ],
)
def test_anyone_else_gets_404(world, member, login, role, where) -> None:  # type: ignore[no-untyped-def]
    quota(world, TODAY.year, 6)
    client = login(member(role, world[where] if where else None).user)
    assert client.get(detail_url(world)).status_code == 404
    if role in (Role.CASE_WORKER, Role.NEIGHBOURHOOD_TEAM_MEMBER, Role.RESIDENT):
        assert client.get(ledger_url()).status_code == 404
    else:
        assert world["corporation"].name not in client.get(ledger_url()).content.decode()


def test_a_forecast_for_a_past_year_only_or_no_quota_is_404(world, member, login) -> None:  # type: ignore[no-untyped-def]
    quota(world, TODAY.year - 1, 6)
    client = login(member(Role.MIXED_LIVING_MANAGER, world["corporation"]).user)
    assert client.get(detail_url(world)).status_code == 404


def test_the_seed_makes_a_run_reproducible_and_the_number_of_runs_is_capped(
    world, member, login
) -> None:  # type: ignore[no-untyped-def]
    for days in (20, 100, 200, 400, 500, 700):
        place(world["complex"], world["provider"], TODAY - dt.timedelta(days=days))
    quota(world, TODAY.year, 6)
    client = login(member(Role.MIXED_LIVING_MANAGER, world["corporation"]).user)
    first = client.get(detail_url(world), {"seed": 7, "simulaties": 500})
    again = client.get(detail_url(world), {"seed": 7, "simulaties": 500})
    assert first.context["figures"]["table"] == again.context["figures"]["table"]
    assert first.context["figures"]["simulation"].n_sims == 500
    too_many = client.get(detail_url(world), {"seed": 7, "simulaties": 100_000})
    assert too_many.status_code == 200
    assert "simulaties" in too_many.context["form"].errors
    assert too_many.context["figures"]["simulation"].n_sims <= 2000
    default = client.get(detail_url(world))
    assert default.context["seed"] == 2026


def grow(world: dict[str, Any], n: int) -> None:
    for index in range(n):
        place(
            world["complex"],
            world["provider"],
            TODAY - dt.timedelta(days=20 + 40 * index),
            flip=TODAY - dt.timedelta(days=5 + 10 * index) if index % 3 == 1 else None,
        )
        care_vacancy(world["complex"])
        accepted_nomination(world["agreement"])


def test_the_pages_run_a_fixed_number_of_queries(world, member, login) -> None:  # type: ignore[no-untyped-def]
    quota(world, TODAY.year, 6)
    quota(world, TODAY.year, 2, "bw")
    quota(world, TODAY.year, 2, corporation=world["other"])
    client = login(member(Role.MIXED_LIVING_MANAGER, world["corporation"]).user)
    grow(world, 2)
    small = (count_queries(client, ledger_url()), count_queries(client, detail_url(world)))
    grow(world, 12)
    quota(world, TODAY.year - 1, 3)
    assert (count_queries(client, ledger_url()), count_queries(client, detail_url(world))) == small
