"""A corporation with a complex, a care provider with an agreement for it, and a person in every
role (plus people of other organisations and a platform administrator)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from doorstroom.organisations.roles import ROLE_POLICY, OrganisationKind, Role
from tests.factories import (
    AgreementFactory,
    ComplexFactory,
    DwellingFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture
def world(member: Any) -> dict[str, Any]:
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Corporatie A")
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg P")
    organisations = {
        OrganisationKind.CORPORATION: corporation,
        OrganisationKind.CARE_PROVIDER: provider,
        OrganisationKind.MUNICIPALITY: OrganisationFactory(kind=OrganisationKind.MUNICIPALITY),
        OrganisationKind.NEIGHBOURHOOD_TEAM: OrganisationFactory(
            kind=OrganisationKind.NEIGHBOURHOOD_TEAM
        ),
    }
    complex_ = ComplexFactory(corporation=corporation, name="De Galerij")
    dwellings = DwellingFactory.create_batch(2, complex=complex_)
    agreement = AgreementFactory(
        complex=complex_, care_provider=provider, start_date=dt.date(2024, 1, 1)
    )
    elsewhere = ComplexFactory(corporation=corporation, name="Het Blok")
    DwellingFactory(complex=elsewhere)
    people: dict[str, Any] = {
        role: member(role, organisation=organisations[sorted(ROLE_POLICY[role].kinds)[0]]).user
        for role in Role.values
    }
    people["corporation_privacy_officer"] = member(
        Role.PRIVACY_OFFICER, organisation=corporation
    ).user
    people["other_manager"] = member(Role.MIXED_LIVING_MANAGER).user
    people["other_case_worker"] = member(Role.CASE_WORKER).user
    people["platform_admin"] = UserFactory(is_superuser=True, is_staff=True)
    return {
        "corporation": corporation,
        "provider": provider,
        "complex": complex_,
        "dwellings": dwellings,
        "agreement": agreement,
        "elsewhere": elsewhere,
        "people": people,
        "manager": people[Role.MIXED_LIVING_MANAGER],
        "worker": people[Role.CASE_WORKER],
        "lead": people[Role.TEAM_LEAD],
    }
