"""Demo letting: in De Galerij a vacancy in each stream at every step, from advert to allocation.

Regular stream: not yet published · advertised with applications coming in · being scored (one
disagreement) · interviews planned · offer open · allocated (tenancy starts, letter ready).
Care stream: waiting for an offer · offer open to the care provider · allocated (care lease and
placement). Everything goes through the same services as the screens; only the clock is moved
(deadlines and interview times put in the past) where the story needs time to have passed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone
from faker import Faker

from doorstroom.lettings import applications, interviews, offers, selection
from doorstroom.lettings import vacancies as vacancy_services
from doorstroom.lettings.models import (
    Application,
    ContributionKind,
    InterviewOutcome,
    InterviewSlot,
    Nomination,
    NominationStatus,
    Vacancy,
)
from doorstroom.portfolio import services as portfolio
from doorstroom.portfolio.mix import Stream
from doorstroom.portfolio.models import Complex, RegularTenancy

WHY = [
    "Ik woon nu op een kamer zonder contact met de buren. In een complex waar mensen naar elkaar "
    "omkijken voel ik me meer thuis, en ik vind het belangrijk dat iedereen een kans krijgt.",
    "Mijn broer heeft een tijd dakloos geweest en weet hoeveel een goede buur betekent. Ik wil "
    "graag wonen waar verschillende mensen samen iets opbouwen en elkaar groeten op de galerij.",
    "Ik werk in de wijkverpleging en zie hoe eenzaam mensen kunnen zijn. Gemengd wonen spreekt me "
    "aan omdat je er samen iets van maakt in plaats van langs elkaar heen te leven.",
    "Na mijn studie wil ik ergens wonen waar ik me kan inzetten. Een gemengd complex met een "
    "huiskamer en een moestuin past precies bij hoe ik wil leven: samen, maar met een eigen plek.",
]
BRING = [
    "Ik kook graag voor grote groepen en wil een maandelijkse buurtmaaltijd in de huiskamer "
    "organiseren. Daarnaast kan ik goed luisteren en ben ik vaak thuis op doordeweekse avonden.",
    "Ik ben handig met gereedschap en kan helpen met kleine klussen, fietsen repareren en het "
    "opknappen van de gemeenschappelijke ruimte. Ik neem graag mijn buurman mee naar de bouwmarkt.",
    "Ik geef taalles als vrijwilliger en kan huiswerkbegeleiding of een taalcafé opzetten. Ook "
    "help ik graag met formulieren, want dat vinden veel mensen lastig.",
    "Ik heb groene vingers en wil de moestuinbakken in de binnentuin onderhouden, samen met wie "
    "mee wil doen. In de zomer organiseer ik graag een oogstfeest voor de hele galerij.",
]
EXPERIENCE = [
    "Ik ben vijf jaar vrijwilliger bij het buurthuis in Overvecht geweest en heb daar de "
    "inloopochtend gedraaid. Ik weet dat contact tijd kost en dat je niet alles kunt oplossen.",
    "In mijn vorige woning zat ik in de bewonerscommissie. We organiseerden een burendag en "
    "spraken met de corporatie over onderhoud. Ik weet hoe je samen afspraken maakt en nakomt.",
    "Ik heb twee jaar in een woongroep gewoond met mensen met een licht verstandelijke beperking. "
    "Dat was soms pittig, maar ik heb geleerd grenzen aan te geven en geduld te hebben.",
    "Ik coach een jeugdvoetbalteam en organiseer toernooien. Ik ben gewend om mensen met "
    "verschillende achtergronden bij elkaar te brengen en ruzies rustig uit te praten.",
]
PLEDGES = [
    (["cooking", "social"], "Maandelijkse buurtmaaltijd in de huiskamer", 6),
    (["odd_jobs", "neighbour_help"], "Klusochtend en fietsreparatie op zaterdag", 4),
    (["language", "neighbour_help"], "Taalcafé en hulp bij formulieren", 4),
    (["garden"], "Moestuinbakken in de binnentuin onderhouden", 5),
]


def build_lettings(
    *,
    corporation: Any,
    manager: Any,
    officer: Any,
    case_worker: Any,
    seed: int,
    today: dt.date,
) -> None:
    rng = random.Random(seed * 31 + 3)
    fake = Faker("nl_NL")
    fake.seed_instance(seed + 31)
    gallery = Complex.objects.get(corporation=corporation, code="MIX01")
    vacancy_services.policy_for(gallery)
    care, regular = _vacancies(gallery, rng, today, care_needed=3, regular_needed=6)
    # The manager sends a vacancy to the care stream against the rule's proposal (audited).
    while len(care) < 3:
        care.append(
            vacancy_services.choose_stream(
                acting_user=manager,
                vacancy=regular.pop(),
                stream=Stream.CARE,
                reason="Twee omklappen verwacht in januari; de zorgaanbieder krijgt deze woning "
                "alvast, afgesproken in het plaatsingsoverleg.",
            )
        )

    # Regular stream, one vacancy per step.
    regular = regular[:6]
    not_published, advertised, scoring, interviewing, offering, allocated = regular
    for vacancy in (advertised, scoring, interviewing, offering, allocated):
        vacancy_services.publish_advert(
            acting_user=officer,
            vacancy=vacancy,
            deadline=today + dt.timedelta(days=rng.randint(7, 14)),
            text="Lichte woning aan de galerij met uitzicht op de binnentuin.",
            today=today,
        )
    _applicants(advertised, 4, rng, fake, today, unverified=1)
    for vacancy in (scoring, interviewing, offering, allocated):
        _applicants(vacancy, 5, rng, fake, today)
        # The advert ran for two weeks and closed three days ago.
        Vacancy.objects.filter(pk=vacancy.pk).update(
            advert_published_at=timezone.now() - dt.timedelta(days=17),
            advert_deadline=today - dt.timedelta(days=3),
        )
    _score(scoring, [manager, officer], rng, complete=False)
    for vacancy in (interviewing, offering, allocated):
        _score(vacancy, [manager, officer], rng, complete=True)
        _interviews(vacancy, officer, rng, held=vacancy is not interviewing)
    for vacancy in (offering, allocated):
        first = selection.shortlist(vacancy)[0].application
        offer = offers.make_offer(
            acting_user=officer,
            vacancy=vacancy,
            application=first,
            start_date=max(vacancy.available_from, today + dt.timedelta(days=21)),
            today=today,
            non_fitting_reason=_non_fitting_reason(first, vacancy, today),
        )
        if vacancy is allocated:
            offers.respond(acting_user=None, offer=offer, accept=True, today=today)
    del not_published  # stays proposed for the manager to check and publish

    # Care stream: waiting · offered to the care provider · allocated.
    waiting, care_offered, care_allocated = care
    del waiting
    nominations = list(
        Nomination.objects.filter(complex=gallery, status=NominationStatus.ACCEPTED).order_by("pk")
    )
    if len(nominations) >= 2:
        for vacancy, nomination, accept in (
            (care_offered, nominations[-2], False),
            (care_allocated, nominations[-1], True),
        ):
            offer = offers.make_offer(
                acting_user=manager,
                vacancy=vacancy,
                nomination=nomination,
                start_date=max(vacancy.available_from, today + dt.timedelta(days=14)),
                today=today,
            )
            if accept:
                offers.respond(acting_user=case_worker, offer=offer, accept=True, today=today)


def _vacancies(
    gallery: Complex, rng: random.Random, today: dt.date, *, care_needed: int, regular_needed: int
) -> tuple[list[Vacancy], list[Vacancy]]:
    """Regular tenants move out, one by one, until the complex has enough vacancies of each
    stream; the stream of each is proposed by the rule, as it would be in real life. Fewer care
    vacancies than asked when the agreement has no gap left; extra regular ones make up for it."""
    tenancies = list(
        RegularTenancy.objects.filter(
            dwelling__complex=gallery, end_date__isnull=True, care_label_until__isnull=True
        ).order_by("dwelling__house_number")
    )
    rng.shuffle(tenancies)
    for tenancy in tenancies:
        open_ = Vacancy.objects.open().filter(dwelling__complex=gallery)
        care = list(open_.filter(stream=Stream.CARE).order_by("pk"))
        regular = list(open_.filter(stream=Stream.REGULAR).order_by("pk"))
        enough_care = len(care) >= care_needed or not _proposes_care(gallery)
        missing_care = max(care_needed - len(care), 0)
        if enough_care and len(regular) >= regular_needed + missing_care:
            return care[:care_needed], regular

        portfolio.end_regular_tenancy(
            acting_user=None,
            tenancy=tenancy,
            end_date=today - dt.timedelta(days=rng.randint(3, 40)),
        )
    raise RuntimeError("The demo complex has too few regular tenancies for the letting story.")


def _proposes_care(gallery: Complex) -> bool:
    return vacancy_services.propose_stream(gallery).stream == Stream.CARE


def _applicants(
    vacancy: Vacancy,
    count: int,
    rng: random.Random,
    fake: Faker,
    today: dt.date,
    unverified: int = 0,
) -> None:
    for index in range(count):
        kinds, text, hours = PLEDGES[rng.randrange(len(PLEDGES))]
        adults = rng.choice([1, 1, 1, 2])
        application = applications.apply(
            vacancy=vacancy,
            email=f"{fake.user_name()}{rng.randint(10, 99)}@example.nl",
            full_name=fake.name(),
            phone=fake.phone_number()[:30],
            adults=adults,
            children=rng.choice([0, 0, 1, 2]) if adults == 2 else 0,
            gross_income=Decimal(rng.randrange(21_000, 46_000, 250)),
            registration_date=dt.date(rng.randint(2012, 2024), rng.randint(1, 12), 1),
            motivation_why=rng.choice(WHY),
            motivation_bring=rng.choice(BRING),
            motivation_experience=rng.choice(EXPERIENCE),
            pledge_kinds=[k for k in kinds if k in ContributionKind.values],
            pledge_text=text,
            pledge_hours=hours,
            today=today,
        )
        if index >= unverified:
            applications.verify(application=application, today=today)


def _score(vacancy: Vacancy, scorers: list[Any], rng: random.Random, *, complete: bool) -> None:
    criteria = list(vacancy_services.policy_for(vacancy.dwelling.complex).criteria.all())
    active = list(Application.objects.active().filter(vacancy=vacancy).order_by("pk"))
    for index, application in enumerate(active):
        level = rng.choice([3, 4, 4, 5])
        for number, scorer in enumerate(scorers):
            if not complete and number == 1 and index % 2:
                continue  # still waiting for the second score
            disagree = not complete and index == 0 and number == 1
            scores = {
                c.pk: max(1, min(5, (level - 3 if disagree else level) + rng.choice([-1, 0, 0])))
                for c in criteria
            }
            selection.score_motivation(
                acting_user=scorer,
                application=application,
                scores=scores,
                note="Heldere motivatie." if level >= 4 and not disagree else "",
            )


def _interviews(vacancy: Vacancy, officer: Any, rng: random.Random, *, held: bool) -> None:
    """Slots next week; the top three are invited and book one. When ``held``, the interviews
    took place (times moved into the past) and have outcomes."""
    day = timezone.localdate() + dt.timedelta(days=7 + vacancy.pk % 7)
    nine = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    starts = [nine + dt.timedelta(minutes=45 * n) for n in range(4)]
    slots = interviews.add_slots(
        acting_user=officer,
        vacancy=vacancy,
        starts=starts,
        duration_minutes=30,
        location="Huiskamer, Zamenhofdreef 2 (begane grond)",
        interviewer=officer,
    )
    top = [candidate.application for candidate in selection.shortlist(vacancy)[:3]]
    for application, slot in zip(top, slots, strict=False):
        interviews.invite(acting_user=officer, application=application)
        interviews.book_slot(application=application, slot=slot)
    if not held:
        return
    for slot in slots:
        InterviewSlot.objects.filter(pk=slot.pk).update(
            starts_at=slot.starts_at - dt.timedelta(days=14)
        )
    outcomes = [InterviewOutcome.POSITIVE, InterviewOutcome.DOUBT, InterviewOutcome.NO_SHOW]
    for slot, outcome in zip(
        InterviewSlot.objects.filter(vacancy=vacancy, application__isnull=False).order_by(
            "starts_at"
        ),
        outcomes,
        strict=False,
    ):
        interviews.record_outcome(
            acting_user=officer,
            slot=slot,
            outcome=outcome,
            notes={
                InterviewOutcome.POSITIVE: "Enthousiast, concrete ideeën voor de huiskamer.",
                InterviewOutcome.DOUBT: "Sympathiek, maar weinig tijd door onregelmatige diensten.",
                InterviewOutcome.NO_SHOW: "Niet verschenen en niet afgemeld.",
            }[outcome],
        )


def _non_fitting_reason(application: Application, vacancy: Vacancy, today: dt.date) -> str:
    """The demo's candidates fit their rent; a non-fitting one would need a VERA reason."""
    from doorstroom.lettings.affordability import check

    result = check(
        household_size=application.household_size,
        senior=application.senior_household,
        income=application.gross_income,
        net_rent=vacancy.dwelling.net_rent,
        on=today,
    )
    return "BIJ" if result.code == "NIE" else ""
