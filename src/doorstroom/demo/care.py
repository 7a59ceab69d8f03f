"""The demo care pathway: clients of the care provider at every step, with ZRM histories,
consent, guidance plans, nominations and a placement meeting. One client is not ready because
of the addiction gate.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from dateutil.relativedelta import relativedelta
from faker import Faker

from doorstroom.accounts.models import User
from doorstroom.clients import services as clients
from doorstroom.clients import zrm
from doorstroom.clients.models import (
    Action,
    ActionOwner,
    Client,
    Consent,
    ConsentMethod,
    ConsentScope,
    Goal,
)
from doorstroom.lettings import services as lettings
from doorstroom.lettings.models import Decision
from doorstroom.organisations.models import Organisation
from doorstroom.portfolio.models import Complex
from doorstroom.tenancies.models import Placement

# (label, scores of the latest assessment, checks confirmed, consent, step)
PATHWAY = [
    ("ready and nominated", 4, True, True, "nominated"),
    ("accepted in the placement meeting", 4, True, True, "accepted"),
    ("accepted, then offered a dwelling", 4, True, True, "accepted_offered"),
    ("accepted, then allocated a dwelling", 4, True, True, "accepted_allocated"),
    ("deferred in the placement meeting", 4, True, True, "deferred"),
    ("not ready: addiction first", 2, True, True, "addiction"),
    ("not yet: finances", 3, False, False, "finances"),
    ("consent about to expire", 4, True, True, "expiring"),
    ("nominated with a team lead's override", 3, False, True, "override"),
]


MOTIVATIONS = [
    "Wil graag een eigen plek in een complex met buren; doet al mee met de moestuin van de opvang.",
    "Kookt graag voor anderen en wil helpen bij de maandelijkse buurtmaaltijd in de huiskamer.",
    "Werkt drie dagen per week bij een fietsenmaker; een galerij met vaste buren geeft houvast.",
    "Zoekt rust en een vaste plek dicht bij werk en familie in Overvecht.",
    "Heeft ervaring als vrijwilliger in een buurthuis en wil zich inzetten voor de community.",
    "Wil na de opvang zelfstandig wonen met begeleiding dichtbij en buren om op terug te vallen.",
    "Is handig met klussen en biedt aan te helpen bij kleine reparaties in de gemeenschappelijke ruimte.",
]


def _scores(
    rng: random.Random, level: int, addiction: int | None = None, finances: int | None = None
) -> dict[str, int]:
    scores = {d.code: max(1, min(5, level + rng.choice([-1, 0, 0, 1]))) for d in zrm.domains()}
    scores["middelengebruik"] = addiction if addiction is not None else max(level, 4)
    scores["financien"] = finances if finances is not None else max(level, 3)
    return scores


def _history(
    client: Client, worker: User, rng: random.Random, today: dt.date, final: dict[str, int]
) -> None:
    """Three assessments half a year apart, improving towards ``final``."""
    for months_ago, drop in ((12, 2), (6, 1), (1, 0)):
        scores = {code: max(1, value - drop) for code, value in final.items()}
        notes = {"middelengebruik": "Gesprek over gebruik gevoerd."} if drop == 0 else {}
        clients.record_assessment(
            acting_user=worker,
            client=client,
            assessed_on=today - relativedelta(months=months_ago, days=rng.randint(0, 10)),
            scores=scores,
            notes=notes,
        )


def _plan(client: Client, worker: User, today: dt.date, rng: random.Random) -> None:
    goal = clients.add_goal(
        acting_user=worker,
        goal=Goal(
            client=client,
            domain="financien",
            description="Zelf de vaste lasten betalen, met budgetbeheer als vangnet.",
        ),
    )
    for description, owner, due in (
        (
            "Aanmelden bij budgetbeheer",
            ActionOwner.CASE_WORKER,
            today - dt.timedelta(days=rng.randint(3, 20)),
        ),
        (
            "Huur automatisch laten afschrijven",
            ActionOwner.CLIENT,
            today + dt.timedelta(days=rng.randint(5, 40)),
        ),
    ):
        clients.add_action(
            acting_user=worker,
            action=Action(
                client=client, goal=goal, description=description, owner=owner, due_on=due
            ),
        )


def build_care(
    *,
    care_provider: Organisation,
    corporation: Organisation,
    workers: list[User],
    team_lead: User,
    manager: User,
    seed: int,
    today: dt.date,
) -> None:
    rng = random.Random(seed * 13 + 5)
    fake = Faker("nl_NL")
    fake.seed_instance(seed + 7)
    gallery = Complex.objects.get(corporation=corporation, code="MIX01")

    # Clients living in the complex now, in the care lease: their case workers' caseloads.
    placed = Placement.objects.filter(
        care_provider=care_provider, exit_date__isnull=True, flip_date__isnull=True
    )
    for index, placement in enumerate(placed.order_by("start_date")):
        worker = workers[index % len(workers)]
        client = clients.save_client(
            acting_user=worker,
            client=Client(
                care_provider=care_provider,
                reference=placement.client_ref,
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                date_of_birth=fake.date_of_birth(minimum_age=21, maximum_age=64),
                phone=fake.phone_number()[:30],
                case_worker=worker,
            ),
        )
        _history(client, worker, rng, today, _scores(rng, 4))
        clients.confirm_checks(
            acting_user=worker,
            client=client,
            housing_skills=True,
            income=True,
            high_risk_signal_open=False,
        )
        if index % 5:  # most clients agreed to share their readiness with the corporation
            given = placement.start_date - dt.timedelta(days=30)
            clients.record_consent(
                acting_user=worker,
                consent=Consent(
                    client=client,
                    partner=corporation,
                    scope=ConsentScope.READINESS_OUTCOME,
                    method=ConsentMethod.WRITTEN,
                    given_on=given,
                    valid_from=given,
                    expires_on=today + relativedelta(months=rng.randint(2, 20)),
                ),
            )
        if index % 3 == 0:
            _plan(client, worker, today, rng)

    # Clients on the way to a dwelling, one at every step of the pathway.
    nominations: dict[str, Any] = {}
    for index, (_label, level, checks, consent, step) in enumerate(PATHWAY):
        worker = workers[index % len(workers)]
        client = clients.save_client(
            acting_user=worker,
            client=Client(
                care_provider=care_provider,
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                date_of_birth=fake.date_of_birth(minimum_age=21, maximum_age=64),
                email=fake.free_email(),
                case_worker=worker,
            ),
            bsn=_valid_bsn(rng),
        )
        final = _scores(
            rng,
            level,
            addiction=2 if step == "addiction" else None,
            finances=2 if step in {"finances", "override"} else None,
        )
        _history(client, worker, rng, today, final)
        clients.confirm_checks(
            acting_user=worker,
            client=client,
            housing_skills=checks,
            income=checks,
            high_risk_signal_open=False,
        )
        _plan(client, worker, today, rng)
        if consent:
            clients.record_consent(
                acting_user=worker,
                consent=Consent(
                    client=client,
                    partner=corporation,
                    scope=ConsentScope.READINESS_OUTCOME,
                    method=ConsentMethod.WRITTEN,
                    given_on=today - relativedelta(months=11),
                    valid_from=today - relativedelta(months=11),
                    expires_on=today
                    + (dt.timedelta(days=12) if step == "expiring" else relativedelta(months=13)),
                ),
            )
        motivation = MOTIVATIONS[index % len(MOTIVATIONS)]
        if step in {"nominated", "accepted", "deferred", "accepted_offered", "accepted_allocated"}:
            nominations[step] = lettings.nominate(
                acting_user=worker, client=client, complex_=gallery, motivation=motivation
            )
        elif step == "override":
            lettings.nominate(
                acting_user=team_lead,
                client=client,
                complex_=gallery,
                motivation=motivation,
                override_reason="Budgetbeheer is geregeld en start volgende maand; financiën stabiel.",
            )

    meeting = lettings.hold_meeting(
        acting_user=manager,
        corporation=corporation,
        care_provider=care_provider,
        held_on=today - dt.timedelta(days=14),
        attendees=[manager, team_lead, workers[0]],
        notes="Maandelijks plaatsingsoverleg.",
    )
    lettings.decide(
        acting_user=manager,
        meeting=meeting,
        nomination=nominations["accepted"],
        decision=Decision.ACCEPTED,
        reason="Past goed bij de galerij; woning komt vrij na de omklap op nummer 36.",
    )
    for step in ("accepted_offered", "accepted_allocated"):
        lettings.decide(
            acting_user=manager,
            meeting=meeting,
            nomination=nominations[step],
            decision=Decision.ACCEPTED,
            reason="Klaar voor zelfstandig wonen met begeleiding; eerstvolgende zorgwoning.",
        )
    lettings.decide(
        acting_user=manager,
        meeting=meeting,
        nomination=nominations["deferred"],
        decision=Decision.DEFERRED,
        reason="Eerst de volgende ZRM-meting afwachten.",
        review_on=today + dt.timedelta(days=30),
    )


def _valid_bsn(rng: random.Random) -> str:
    """A random number that passes the eleven-test (not a real person's BSN)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)
