"""Every portfolio and quota screen, for every role: who gets the page and who gets a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio import services
from doorstroom.portfolio.models import Quota
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(member: Any) -> dict[str, Any]:
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Corporatie A")
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg P")
    municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Gemeente Utrecht", municipality_name="Utrecht"
    )
    complex_ = ComplexFactory(corporation=corporation)
    dwelling = DwellingFactory(complex=complex_)
    services.start_regular_tenancy(
        acting_user=None,
        dwelling=dwelling,
        tenant_name="Geheime Huurder",
        start_date=dt.date(2020, 1, 1),
    )
    agreement = AgreementFactory(complex=complex_, care_provider=provider, dwellings_promised=1)
    quota = Quota.objects.create(
        municipality=municipality,
        corporation=corporation,
        year=2026,
        target_group="mo",
        dwellings=5,
    )
    people = {
        role: member(
            role,
            organisation={
                OrganisationKind.CORPORATION: corporation,
                OrganisationKind.CARE_PROVIDER: provider,
                OrganisationKind.MUNICIPALITY: municipality,
            }.get(
                sorted(
                    __import__("doorstroom.organisations.roles", fromlist=["ROLE_POLICY"])
                    .ROLE_POLICY[role]
                    .kinds
                )[0]
            ),
        ).user
        for role in Role.values
    }
    people["other_manager"] = member(Role.MIXED_LIVING_MANAGER).user
    people["other_case_worker"] = member(Role.CASE_WORKER).user
    people["other_policy_officer"] = member(Role.POLICY_OFFICER).user
    return {
        "people": people,
        "urls": {
            "overview": reverse("portfolio:overview"),
            "agreements": reverse("portfolio:agreements"),
            "complex": reverse("portfolio:complex", args=[complex_.pk]),
            "complex_edit": reverse("portfolio:complex_edit", args=[complex_.pk]),
            "complex_add": reverse("portfolio:complex_add"),
            "dwelling": reverse("portfolio:dwelling", args=[dwelling.pk]),
            "dwelling_edit": reverse("portfolio:dwelling_edit", args=[complex_.pk, dwelling.pk]),
            "dwelling_add": reverse("portfolio:dwelling_add", args=[complex_.pk]),
            "agreement": reverse("portfolio:agreement", args=[agreement.pk]),
            "agreement_edit": reverse("portfolio:agreement_edit", args=[complex_.pk, agreement.pk]),
            "suitability": reverse("portfolio:suitability_policy"),
            "quota": reverse("outcomes:quota"),
            "quota_add": reverse("outcomes:quota_add"),
            "quota_edit": reverse("outcomes:quota_edit", args=[quota.pk]),
        },
    }


VIEWERS = {Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER, Role.CASE_WORKER, Role.TEAM_LEAD}
MANAGER = {Role.MIXED_LIVING_MANAGER}
ALLOWED: dict[str, set[str]] = {
    "overview": VIEWERS | {"other_manager", "other_case_worker"},
    "agreements": VIEWERS | {"other_manager", "other_case_worker"},
    "complex": VIEWERS,
    "complex_edit": MANAGER,
    "complex_add": MANAGER | {"other_manager"},
    "dwelling": VIEWERS,
    "dwelling_edit": MANAGER,
    "dwelling_add": MANAGER,
    "agreement": VIEWERS,
    "agreement_edit": MANAGER,
    "suitability": MANAGER | {"other_manager"},
    "quota": {
        Role.MIXED_LIVING_MANAGER,
        Role.LETTING_OFFICER,
        Role.POLICY_OFFICER,
        "other_manager",
        "other_policy_officer",
    },
    "quota_add": {
        Role.MIXED_LIVING_MANAGER,
        Role.POLICY_OFFICER,
        "other_manager",
        "other_policy_officer",
    },
    "quota_edit": {Role.MIXED_LIVING_MANAGER, Role.POLICY_OFFICER},
}
PEOPLE = [*Role.values, "other_manager", "other_case_worker", "other_policy_officer"]


@pytest.mark.parametrize("screen", sorted(ALLOWED))
def test_screen_answers_each_role_correctly(world: dict[str, Any], login: Any, screen: str) -> None:
    url = world["urls"][screen]
    for person in PEOPLE:
        response = login(world["people"][person]).get(url)
        expected = 200 if person in ALLOWED[screen] else 404
        assert response.status_code == expected, f"{person} on {screen}: {response.status_code}"


def test_care_provider_sees_the_dwelling_but_not_the_tenant(
    world: dict[str, Any], login: Any
) -> None:
    url = world["urls"]["dwelling"]
    as_case_worker = login(world["people"][Role.CASE_WORKER]).get(url).content.decode()
    as_manager = login(world["people"][Role.MIXED_LIVING_MANAGER]).get(url).content.decode()
    assert "Geheime Huurder" in as_manager
    assert "Geheime Huurder" not in as_case_worker


def test_placements_and_labels_stay_with_the_corporation_and_the_own_provider(
    member: Any, login: Any
) -> None:
    from doorstroom.tenancies import services as placements

    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION)
    complex_ = ComplexFactory(corporation=corporation)
    own, labelled = DwellingFactory.create_batch(2, complex=complex_)
    provider_p = AgreementFactory(
        complex=complex_, dwellings_promised=1, start_date=dt.date(2024, 1, 1)
    )
    provider_q = AgreementFactory(
        complex=complex_, dwellings_promised=1, start_date=dt.date(2024, 1, 1)
    )
    services.lease_dwelling(
        acting_user=None, agreement=provider_p, dwelling=own, start_date=dt.date(2024, 2, 1)
    )
    placements.start_placement(
        acting_user=None, dwelling=own, client_ref="P-SECRET-1", start_date=dt.date(2024, 3, 1)
    )
    services.start_regular_tenancy(
        acting_user=None,
        dwelling=labelled,
        tenant_name="Oud-cliënt",
        start_date=dt.date(2025, 1, 1),
        care_label_until=dt.date.today() + dt.timedelta(days=200),
    )
    q_worker = member(Role.CASE_WORKER, organisation=provider_q.care_provider).user
    p_worker = member(Role.CASE_WORKER, organisation=provider_p.care_provider).user
    manager = member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user
    dwelling_url = reverse("portfolio:dwelling", args=[own.pk])
    assert "P-SECRET-1" not in login(q_worker).get(dwelling_url).content.decode()
    assert "P-SECRET-1" in login(p_worker).get(dwelling_url).content.decode()
    assert "P-SECRET-1" in login(manager).get(dwelling_url).content.decode()
    for user in (q_worker, p_worker):
        page = login(user).get(reverse("portfolio:dwelling", args=[labelled.pk])).content.decode()
        assert "wonen met zorg" not in page
        complex_page = (
            login(user).get(reverse("portfolio:complex", args=[complex_.pk])).content.decode()
        )
        assert "· label 'wonen met zorg'" not in complex_page.replace("&#x27;", "'")  # per dwelling
    assert (
        "wonen met zorg"
        in login(manager).get(reverse("portfolio:dwelling", args=[labelled.pk])).content.decode()
    )
