"""A corporation with a care provider and a neighbourhood team, and dwellings in every occupancy:
a care lease with a placement, a labelled tenancy after a flip, a regular tenancy, and an empty
dwelling. The team covers postcode area 3511, where all of them are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from doorstroom.clients.models import Assessment, Client, Consent, ConsentScope, Score
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio.models import CareLease, Dwelling, RegularTenancy
from doorstroom.tenancies import services as placements
from doorstroom.tenancies.models import NeighbourhoodArea, Placement
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory

CARE_SECRET = "GEHEIME-ZORGNOTITIE"


@dataclass
class Setting:
    corporation: Organisation
    provider: Organisation
    team: Organisation
    other_team: Organisation
    manager: Any
    officer: Any
    case_worker: Any
    team_lead: Any
    team_member: Any
    other_team_member: Any
    empty: Dwelling
    care: Dwelling
    labelled: Dwelling
    regular: Dwelling
    care_placement: Placement
    flipped_placement: Placement
    care_client: Client
    flipped_client: Client

    def consent(self, client: Client, partner: Organisation | None = None) -> Consent:
        today = timezone.localdate()
        return Consent.objects.create(
            client=client,
            partner=partner or self.team,
            scope=ConsentScope.LABEL_AND_CONTACT,
            method="written",
            given_on=today - dt.timedelta(days=30),
            valid_from=today - dt.timedelta(days=30),
            recorded_by=self.case_worker,
        )


def _client(provider: Organisation, reference: str, first: str, worker: Any) -> Client:
    client = Client.objects.create(
        care_provider=provider,
        reference=reference,
        first_name=first,
        last_name="Jansen",
        phone="06-12345678",
        email=f"{first.lower()}@example.nl",
    )
    assessment = Assessment.objects.create(
        client=client, assessed_on=timezone.localdate(), assessor=worker
    )
    Score.objects.create(assessment=assessment, domain="finances", score=2, note=CARE_SECRET)
    return client


@pytest.fixture
def setting(member: Any) -> Setting:
    today = timezone.localdate()
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Corporatie Domstad")
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg Utrecht")
    team = OrganisationFactory(kind=OrganisationKind.NEIGHBOURHOOD_TEAM, name="Buurtteam Oost")
    other_team = OrganisationFactory(
        kind=OrganisationKind.NEIGHBOURHOOD_TEAM, name="Buurtteam West"
    )
    NeighbourhoodArea.objects.create(team=team, postcode_digits="3511")
    NeighbourhoodArea.objects.create(team=other_team, postcode_digits="3600")
    people = {
        "manager": member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user,
        "officer": member(Role.LETTING_OFFICER, organisation=corporation).user,
        "case_worker": member(Role.CASE_WORKER, organisation=provider).user,
        "team_lead": member(Role.TEAM_LEAD, organisation=provider).user,
        "team_member": member(Role.NEIGHBOURHOOD_TEAM_MEMBER, organisation=team).user,
        "other_team_member": member(Role.NEIGHBOURHOOD_TEAM_MEMBER, organisation=other_team).user,
    }
    complex_ = ComplexFactory(corporation=corporation, name="De Galerij")
    agreement = AgreementFactory(
        complex=complex_, care_provider=provider, start_date=dt.date(2023, 1, 1)
    )
    empty, care, labelled, regular = DwellingFactory.create_batch(
        4, complex=complex_, postcode="3511 AB"
    )
    start = today - dt.timedelta(days=400)
    CareLease.objects.create(agreement=agreement, dwelling=care, start_date=start)
    CareLease.objects.create(agreement=agreement, dwelling=labelled, start_date=start)
    care_client = _client(provider, "CL-AAAAAA", "Anna", people["case_worker"])
    flipped_client = _client(provider, "CL-BBBBBB", "Bram", people["case_worker"])
    care_placement = placements.start_placement(
        acting_user=None, dwelling=care, client_ref=care_client.reference, start_date=start
    )
    flipped_placement = placements.start_placement(
        acting_user=None, dwelling=labelled, client_ref=flipped_client.reference, start_date=start
    )
    flipped_placement = placements.flip_placement(
        acting_user=None,
        placement=flipped_placement,
        flip_date=today - dt.timedelta(days=60),
        tenant_name="Bram Jansen",
    )
    RegularTenancy.objects.create(
        dwelling=regular, tenant_name="Cor Smit", start_date=dt.date(2020, 1, 1)
    )
    return Setting(
        corporation=corporation,
        provider=provider,
        team=team,
        other_team=other_team,
        empty=empty,
        care=care,
        labelled=labelled,
        regular=regular,
        care_placement=care_placement,
        flipped_placement=flipped_placement,
        care_client=care_client,
        flipped_client=flipped_client,
        **people,
    )
