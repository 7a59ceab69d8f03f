"""A corporation, a care provider with an agreement, a leased dwelling with a placed client, and
the people of every role around it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from doorstroom.clients import services as clients_services
from doorstroom.clients.models import Client, Consent, ConsentMethod
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio import services as portfolio
from doorstroom.tenancies import services
from doorstroom.tenancies.models import NeighbourhoodArea, Placement, StatementKind
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory
from tests.lettings.helpers import make_client

START_DAYS_AGO = 500


def today() -> dt.date:
    return timezone.localdate()


def place(
    world: dict[str, Any], dwelling: Any, client: Client, days_ago: int = START_DAYS_AGO
) -> Placement:
    start = today() - dt.timedelta(days=days_ago)
    portfolio.lease_dwelling(
        acting_user=None, agreement=world["agreement"], dwelling=dwelling, start_date=start
    )
    return services.start_placement(
        acting_user=None, dwelling=dwelling, client_ref=client.reference, start_date=start
    )


def give_consent(client: Client, partner: Any, worker: Any, scope: str) -> Consent:
    yesterday = today() - dt.timedelta(days=1)
    return clients_services.record_consent(
        acting_user=worker,
        consent=Consent(
            client=client,
            partner=partner,
            scope=scope,
            method=ConsentMethod.WRITTEN,
            given_on=yesterday,
            valid_from=yesterday,
        ),
    )


def make_ready(world: dict[str, Any], placement: Placement | None = None) -> Placement:
    """Positive advice and wish recorded; the client is ready by the ZRM (make_client)."""
    placement = placement or world["placement"]
    for kind in StatementKind.values:
        services.record_statement(
            acting_user=world["worker"], placement=placement, kind=kind, positive=True
        )
    return placement


def sign_both(world: dict[str, Any], placement: Placement | None = None) -> Placement:
    placement = placement or world["placement"]
    services.sign_off(acting_user=world["lead"], placement=placement)
    services.sign_off(acting_user=world["manager"], placement=placement)
    return placement


@pytest.fixture
def world(member: Any, corporation: Any, care_provider: Any) -> dict[str, Any]:
    complex_ = ComplexFactory(corporation=corporation, name="De Galerij")
    dwellings = DwellingFactory.create_batch(4, complex=complex_, postcode="3562 AB")
    agreement = AgreementFactory(
        complex=complex_,
        care_provider=care_provider,
        dwellings_promised=3,
        start_date=today() - dt.timedelta(days=1500),
    )
    team = OrganisationFactory(kind=OrganisationKind.NEIGHBOURHOOD_TEAM, name="Buurtteam Oost")
    NeighbourhoodArea.objects.create(team=team, postcode_digits="3562")
    people = {
        "manager": member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user,
        "officer": member(Role.LETTING_OFFICER, organisation=corporation).user,
        "worker": member(Role.CASE_WORKER, organisation=care_provider).user,
        "lead": member(Role.TEAM_LEAD, organisation=care_provider).user,
        "team_member": member(Role.NEIGHBOURHOOD_TEAM_MEMBER, organisation=team).user,
        "resident": member(Role.RESIDENT, organisation=corporation).user,
        "policy": member(Role.POLICY_OFFICER).user,
        "other_manager": member(Role.MIXED_LIVING_MANAGER).user,
        "other_lead": member(Role.TEAM_LEAD).user,
    }
    world: dict[str, Any] = {
        "corporation": corporation,
        "provider": care_provider,
        "complex": complex_,
        "dwellings": dwellings,
        "agreement": agreement,
        "team": team,
        **people,
    }
    client = make_client(care_provider, people["worker"])
    world["client"] = client
    world["placement"] = place(world, dwellings[0], client)
    return world
