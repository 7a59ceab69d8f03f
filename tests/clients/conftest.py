"""A care provider with a client whose record has everything: BSN, ZRM, consent and a plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from doorstroom.clients import services, zrm
from doorstroom.clients.models import (
    Action,
    ActionOwner,
    Client,
    Consent,
    ConsentMethod,
    ConsentScope,
    Goal,
)
from doorstroom.organisations.roles import OrganisationKind, Role
from tests.factories import OrganisationFactory

VALID_BSN = "111222333"
OTHER_VALID_BSN = "123456782"
INVALID_BSN = "123456789"  # fails the eleven-test

FIRST_NAME = "Zwaantje"
LAST_NAME = "Kwakernaak"
NOTE = "GEHEIME-NOTITIE-middelen"
SUMMARY = "GEHEIME-EVALUATIE-samenvatting"
GOAL = "GEHEIM-DOEL-schulden"
ACTION = "GEHEIME-ACTIE-budgetcoach"


def all_scores(value: int = 3, **overrides: int) -> dict[str, int]:
    scores = {d.code: value for d in zrm.domains()}
    scores.update(overrides)
    return scores


def make_client(
    provider: Any, case_worker: Any = None, bsn: str | None = None, **fields: Any
) -> Client:
    fields.setdefault("first_name", "Piet")
    fields.setdefault("last_name", "Pieters")
    client = Client(care_provider=provider, case_worker=case_worker, **fields)
    return services.save_client(acting_user=None, client=client, bsn=bsn)


def assess(client: Client, by: Any, on: dt.date | None = None, **scores: int) -> Any:
    return services.record_assessment(
        acting_user=by,
        client=client,
        assessed_on=on or timezone.localdate(),
        scores=all_scores(**scores),
    )


def give_consent(
    client: Client,
    partner: Any,
    by: Any,
    scope: str = ConsentScope.READINESS_OUTCOME,
    expires_on: dt.date | None = None,
    valid_from: dt.date | None = None,
) -> Consent:
    start = valid_from or timezone.localdate() - dt.timedelta(days=10)
    return services.record_consent(
        acting_user=by,
        consent=Consent(
            client=client,
            partner=partner,
            scope=scope,
            method=ConsentMethod.WRITTEN,
            given_on=start,
            valid_from=start,
            expires_on=expires_on,
        ),
    )


@pytest.fixture
def world(member: Any) -> dict[str, Any]:
    """Provider P with its staff and a full client record; partners and another provider."""
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg P")
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Corporatie C")
    team = OrganisationFactory(kind=OrganisationKind.NEIGHBOURHOOD_TEAM, name="Buurtteam B")
    municipality = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, name="Gemeente G")
    other_provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg Q")
    home = {
        OrganisationKind.CARE_PROVIDER: provider,
        OrganisationKind.CORPORATION: corporation,
        OrganisationKind.NEIGHBOURHOOD_TEAM: team,
        OrganisationKind.MUNICIPALITY: municipality,
    }
    from tests.conftest import kind_for

    people = {role: member(role, organisation=home[kind_for(role)]).user for role in Role.values}
    people["other_case_worker"] = member(Role.CASE_WORKER, organisation=other_provider).user
    people["other_team_lead"] = member(Role.TEAM_LEAD, organisation=other_provider).user
    from tests.factories import UserFactory

    people["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    worker = people[Role.CASE_WORKER]
    client = make_client(
        provider,
        worker,
        bsn=VALID_BSN,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        date_of_birth=dt.date(1980, 5, 17),
        phone="0612345678",
        email="zwaantje@example.nl",
    )
    today = timezone.localdate()
    services.record_assessment(
        acting_user=worker,
        client=client,
        assessed_on=today - dt.timedelta(days=200),
        scores=all_scores(2),
        notes={"middelengebruik": NOTE},
    )
    services.record_assessment(
        acting_user=worker,
        client=client,
        assessed_on=today - dt.timedelta(days=20),
        scores=all_scores(4, financien=3),
        notes={"financien": NOTE + "-2"},
    )
    consent = give_consent(client, corporation, worker, expires_on=today + dt.timedelta(days=300))
    goal = services.add_goal(
        acting_user=worker, goal=Goal(client=client, domain="financien", description=GOAL)
    )
    action = services.add_action(
        acting_user=worker,
        action=Action(
            client=client,
            goal=goal,
            description=ACTION,
            owner=ActionOwner.CLIENT,
            due_on=today - dt.timedelta(days=3),
        ),
    )
    services.hold_review(
        acting_user=worker, client=client, held_on=today - dt.timedelta(days=1), summary=SUMMARY
    )
    return {
        "provider": provider,
        "other_provider": other_provider,
        "corporation": corporation,
        "team": team,
        "people": people,
        "client": client,
        "consent": consent,
        "goal": goal,
        "action": action,
    }
