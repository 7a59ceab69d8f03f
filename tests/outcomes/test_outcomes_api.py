"""The measures as JSON for the logged-in person: the same object as the command, limited to
what they may count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.outcomes.measures import KEYS
from tests.factories import ComplexFactory, DwellingFactory, OrganisationFactory
from tests.outcomes.test_outcomes_command import placement

pytestmark = pytest.mark.django_db

URL = "/api/uitkomsten/"


@pytest.fixture
def world(member: Any, corporation: Any, care_provider: Any) -> dict[str, Any]:
    galerij = ComplexFactory(corporation=corporation, code="MIX01")
    for number, home in enumerate(DwellingFactory.create_batch(2, complex=galerij)):
        placement(home, care_provider, f"K{number}", dt.date(2023, 1, 1))
    elsewhere = ComplexFactory(code="ELD01")
    placement(DwellingFactory(complex=elsewhere), care_provider, "X1", dt.date(2023, 1, 1))
    return {
        "manager": member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user,
        "worker": member(Role.CASE_WORKER, organisation=care_provider).user,
        "resident": member(Role.RESIDENT, organisation=corporation).user,
        "other_provider": member(
            Role.CASE_WORKER,
            organisation=OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER),
        ).user,
    }


def test_the_route_is_the_documented_one() -> None:
    assert reverse("outcomes_api:measures") == URL


def test_each_person_counts_what_they_may_see(world: dict[str, Any], login: Any) -> None:
    def placements(who: str) -> int:
        response = login(world[who]).get(URL, {"as_of": "2026-01-01"})
        assert response.status_code == 200
        data = response.json()
        assert set(data) == {"as_of", "scope", *KEYS}
        return int(data["placements"])

    assert placements("manager") == 2  # the corporation's dwellings only
    assert placements("worker") == 3  # all of the care provider's clients
    assert placements("other_provider") == 0


def test_a_scope_and_bad_input(world: dict[str, Any], login: Any) -> None:
    client = login(world["manager"])
    scoped = client.get(URL, {"as_of": "2026-01-01", "complex": "MIX01"}).json()
    assert scoped["scope"] == {"complex": "MIX01"} and scoped["placements"] == 2
    assert client.get(URL, {"as_of": "1-1-2026"}).status_code == 400
    assert client.get(URL, {"complex": "NOPE"}).status_code == 400


def test_residents_and_strangers_get_nothing(
    world: dict[str, Any], login: Any, client: Any
) -> None:
    assert login(world["resident"]).get(URL).status_code == 404
    assert client.get(URL).status_code == 302  # to the login page


def test_a_policy_officer_receives_small_counts_suppressed(member: Any, login: Any) -> None:
    municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Gemeente Utrecht", municipality_name="Utrecht"
    )
    officer = member(Role.POLICY_OFFICER, organisation=municipality).user
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER)
    homes = DwellingFactory.create_batch(6, complex=ComplexFactory(municipality_name="Utrecht"))
    for number, home in enumerate(homes):
        flip = {"flip_date": dt.date(2024, 1, 1)} if number < 2 else {}
        placement(home, provider, f"U{number}", dt.date(2023, 1, 1), **flip)
    data = login(officer).get(URL, {"as_of": "2026-01-01"}).json()
    assert data["placements"] == 6
    assert data["flipped"] == "<5" and data["active_care_leases"] == "<5"
    assert data["flip_share"] is None and data["median_days_to_flip"] is None
    assert data["starts_by_year"] == {"2023": 6}
    assert data["exited_without_flip"] == 0  # zero names nobody


def test_a_policy_officer_with_another_role_still_gets_the_municipality_suppressed(
    member: Any, login: Any, care_provider: Any
) -> None:
    municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Gemeente Utrecht", municipality_name="Utrecht"
    )
    officer = member(Role.POLICY_OFFICER, organisation=municipality).user
    from doorstroom.organisations.models import Membership

    Membership.objects.create(user=officer, organisation=care_provider, role=Role.CASE_WORKER)
    other = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER)
    homes = DwellingFactory.create_batch(6, complex=ComplexFactory(municipality_name="Utrecht"))
    for number, home in enumerate(homes):
        flip = {"flip_date": dt.date(2024, 1, 1)} if number < 2 else {}
        placement(home, other, f"U{number}", dt.date(2023, 1, 1), **flip)
    data = login(officer).get(URL, {"as_of": "2026-01-01"}).json()
    assert data["flipped"] == "<5"
