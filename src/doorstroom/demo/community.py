"""Demo community of De Galerij: residents who joined through invitations, a board of four with
its history, a year of monthly meetings with decisions (approved, rejected, sent back), evaluated
activities, a budget half spent with receipts, and contributions logged.

Everything goes through the community services. History needs dates in the past that the
services refuse for new input (a request is never for a date in the past): such requests are
submitted for tomorrow and then moved to their historical date, before the meeting that decided
on them took place. The demo is the only place that does this.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from doorstroom.community import activities, board, budget, contributions, decisions, meetings
from doorstroom.community import residents as resident_services
from doorstroom.community.communities import start_community
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    BoardPosition,
    Community,
    DecisionOutcome,
    Meeting,
    Resident,
    ResidentVisibility,
    TermKind,
)
from doorstroom.lettings.models import ContributionKind
from doorstroom.portfolio.models import CareLease, Complex, RegularTenancy

# (title, description, place, participants, budget lines, outcome). Outcomes: approved, rejected,
# sent_back (then changed and approved).
ACTIVITIES = [
    (
        "Nieuwjaarsborrel",
        "Samen het jaar beginnen met soep en oliebollen.",
        0,
        35,
        [("Soep en brood", "85.00"), ("Oliebollen", "45.00")],
        "approved",
    ),
    (
        "Moestuinbakken vullen",
        "Aarde en zaden voor de bakken in de binnentuin.",
        1,
        12,
        [("Potgrond", "120.00"), ("Zaden en plantjes", "60.00")],
        "approved",
    ),
    (
        "Kookavond wereldkeuken",
        "Bewoners koken gerechten uit hun eigen keuken.",
        0,
        24,
        [("Boodschappen", "150.00")],
        "approved",
    ),
    (
        "Dagje Efteling",
        "Uitje voor alle bewoners met kinderen.",
        0,
        40,
        [("Toegangskaarten", "1400.00")],
        "rejected",
    ),
    (
        "Repair café",
        "Samen kapotte spullen repareren; buren helpen buren.",
        0,
        18,
        [("Gereedschap", "95.00"), ("Koffie en thee", "25.00")],
        "sent_back",
    ),
    (
        "Burendag",
        "Schoonmaken van de galerijen en daarna samen eten.",
        1,
        45,
        [("Schoonmaakmiddelen", "40.00"), ("Barbecue", "220.00")],
        "approved",
    ),
    (
        "Filmavond",
        "Film kijken in de huiskamer met popcorn.",
        0,
        16,
        [("Filmlicentie", "35.00"), ("Popcorn en drinken", "30.00")],
        "approved",
    ),
    (
        "Bewonersweekend Texel",
        "Een weekend weg met het hele complex.",
        0,
        25,
        [("Huisjes", "2600.00")],
        "rejected",
    ),
    (
        "Zomerfeest",
        "Muziek, spelletjes en eten in de binnentuin.",
        1,
        60,
        [("Muziek", "250.00"), ("Eten en drinken", "310.00"), ("Springkussen", "140.00")],
        "approved",
    ),
    (
        "Taalcafé",
        "Wekelijks samen Nederlands oefenen.",
        0,
        10,
        [("Lesmateriaal", "45.00")],
        "approved",
    ),
    (
        "Sinterklaasmiddag",
        "Voor de kinderen in het complex.",
        0,
        30,
        [("Cadeautjes", "180.00"), ("Pepernoten", "25.00")],
        "approved",
    ),
]

MINUTES = (
    "Opening door de voorzitter. De aanvragen zijn besproken; de besluiten staan hieronder. "
    "De beheerder meldt dat de huiskamer een nieuwe koffiemachine krijgt. Rondvraag: de "
    "galerijverlichting op de 4e verdieping is gemeld. Volgende vergadering volgens rooster."
)

RECEIPT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def build_community(
    *,
    corporation: Any,
    manager: Any,
    resident_user: Any,
    board_user: Any,
    seed: int,
    today: dt.date,
) -> Community:
    rng = random.Random(seed * 41 + 7)
    fake = Faker("nl_NL")
    fake.seed_instance(seed + 41)
    gallery = Complex.objects.get(corporation=corporation, code="MIX01")
    community = start_community(acting_user=manager, complex_=gallery)
    year_ago = today - relativedelta(years=1, months=1)

    people = _residents(community, manager, resident_user, board_user, fake, rng, year_ago)
    _board(community, manager, people, today)
    for year, amount in ((today.year, "3000.00"), (today.year + 1, "3000.00")):
        budget.set_budget(
            acting_user=manager,
            community=community,
            year=year,
            amount=Decimal(amount),
            note="Leefbaarheidsbudget van de corporatie",
        )
    _meetings_and_activities(community, manager, people, rng, today)
    _contributions(people, rng, today)
    return community


def _occupied_dwellings(gallery: Complex, today: dt.date) -> list[Any]:
    """Dwellings with a running tenancy or care lease, in a mixed order: nobody can tell from the
    order who lives in which kind of contract."""
    regular = RegularTenancy.objects.filter(
        dwelling__complex=gallery, start_date__lte=today, end_date__isnull=True
    ).values_list("dwelling_id", flat=True)
    care = CareLease.objects.filter(
        dwelling__complex=gallery, start_date__lte=today, end_date__isnull=True
    ).values_list("dwelling_id", flat=True)
    ids = sorted(set(regular) | set(care))
    from doorstroom.portfolio.models import Dwelling

    return list(Dwelling.objects.filter(pk__in=ids).order_by("pk"))


def _residents(
    community: Community,
    manager: Any,
    resident_user: Any,
    board_user: Any,
    fake: Faker,
    rng: random.Random,
    joined: dt.date,
) -> list[Resident]:
    dwellings = _occupied_dwellings(community.complex, timezone.localdate())
    rng.shuffle(dwellings)
    people: list[Resident] = []
    for user, name in ((board_user, "Fatima"), (resident_user, "Kees")):
        invitation = resident_services.invite_resident(
            acting_user=manager,
            community=community,
            email=user.email,
            dwelling=dwellings.pop() if dwellings else None,
        )
        people.append(
            resident_services.accept_invitation(
                invitation=invitation,
                acting_user=user,
                display_name=name,
                visibility=ResidentVisibility.COMMUNITY,
                about="",
            )
        )
    used = {"fatima", "kees"}
    for _index in range(16):
        first = fake.first_name()
        while first.lower() in used:
            first = fake.first_name()
        used.add(first.lower())
        email = f"{slugify(first)}.{slugify(fake.last_name())}@demo.doorstroom.nl"
        invitation = resident_services.invite_resident(
            acting_user=manager,
            community=community,
            email=email,
            dwelling=dwellings.pop() if dwellings else None,
        )
        people.append(
            resident_services.accept_invitation(
                invitation=invitation,
                display_name=first,
                visibility=rng.choice(
                    [ResidentVisibility.COMMUNITY] * 3 + [ResidentVisibility.BOARD]
                ),
                about=rng.choice(
                    ["", "Ik help graag in de moestuin.", "Kan goed klussen.", "Kookt graag."]
                ),
                password=fake.password(length=16),
            )
        )
    # The community started over a year ago; the residents joined then.
    Resident.objects.filter(pk__in=[p.pk for p in people]).update(joined_on=joined)
    for person in people:
        person.refresh_from_db()
    # Two invitations are still open.
    for _index in range(2):
        resident_services.invite_resident(
            acting_user=manager,
            community=community,
            email=f"{slugify(fake.user_name())}@demo.doorstroom.nl",
            dwelling=dwellings.pop() if dwellings else None,
        )
    return people


def _board(community: Community, manager: Any, people: list[Resident], today: dt.date) -> None:
    """Chair (the demo login 'bestuurslid'), secretary, treasurer and a member; the former
    secretary stepped down four months ago and was succeeded."""
    start = people[0].joined_on
    end = start + relativedelta(years=2)
    chair, _kees, secretary, treasurer, member, former = people[:6]
    for resident, position in (
        (chair, BoardPosition.CHAIR),
        (treasurer, BoardPosition.TREASURER),
        (member, BoardPosition.MEMBER),
        (former, BoardPosition.SECRETARY),
    ):
        board.record_term(
            acting_user=manager,
            community=community,
            resident=resident,
            position=position,
            start_date=start,
            end_date=end,
            kind=TermKind.ELECTED,
            decided_on=start,
            note="Gekozen op de eerste bewonersavond",
        )
    stepped_down = today - relativedelta(months=4)
    former_term = former.terms.get()
    board.end_term(
        acting_user=manager,
        term=former_term,
        end_date=stepped_down,
        reason="Verhuisd naar een grotere woning in de wijk",
    )
    board.record_term(
        acting_user=manager,
        community=community,
        resident=secretary,
        position=BoardPosition.SECRETARY,
        start_date=stepped_down + dt.timedelta(days=1),
        end_date=end,
        kind=TermKind.APPOINTED,
        decided_on=stepped_down,
        note="Benoemd tot de volgende verkiezing",
    )


def _meetings_and_activities(
    community: Community, manager: Any, people: list[Resident], rng: random.Random, today: dt.date
) -> None:
    """Month by month, as it happened: requests come in before a meeting, the board decides on
    them, closes the evaluations of the month before, the secretary writes the minutes, and the
    activities take place (with spending and an evaluation) before the next meeting."""
    start_month = today - relativedelta(months=11)
    for months in range(12):
        meetings.plan_meetings(today=start_month + relativedelta(months=months))
    # Meetings of the last week were held too, but decided nothing (the demo's story ends with
    # the meeting before them), so the story is the same whatever day the demo is built.
    week_ago = timezone.now() - dt.timedelta(days=7)
    past = list(
        Meeting.objects.filter(community=community, starts_at__lt=week_ago).order_by("starts_at")
    )
    recent = list(
        Meeting.objects.filter(
            community=community, starts_at__gte=week_ago, starts_at__lt=timezone.now()
        ).order_by("starts_at")
    )
    places = [community.meeting_place] + [
        space.description for space in community.complex.communal_spaces.all()
    ]
    requesters = people[1:]
    plan = list(ACTIVITIES)
    secretary = _secretary(community)
    changed: ActivityRequest | None = None  # sent back last month, changed, decided now
    for index, meeting in enumerate(past):
        meeting_day = timezone.localtime(meeting.starts_at).date()
        until = (
            timezone.localtime(past[index + 1].starts_at).date() if index + 1 < len(past) else today
        )
        to_decide: list[tuple[ActivityRequest, str]] = []
        if changed is not None:
            to_decide.append((changed, "approved"))
            changed = None
        last = meeting == past[-1]
        count = 2 if last else (1 if index else 0)
        for number in range(count):
            if not plan:
                break
            title, description, place_index, participants, lines, outcome = plan.pop(0)
            # The last meeting's first activity was evaluated and waits for the next meeting;
            # its second took place two days ago and waits for its evaluation.
            if last:
                day = today - dt.timedelta(days=2) if number else meeting_day + dt.timedelta(days=2)
            else:
                day = min(
                    meeting_day + dt.timedelta(days=rng.randint(8, 20)),
                    until - dt.timedelta(days=3),
                )
            request = _backdated_request(
                requesters[(index + number) % len(requesters)],
                title,
                description,
                places[min(place_index, len(places) - 1)],
                participants,
                lines,
                day,
                submitted=timezone.localtime(meeting.starts_at) - dt.timedelta(days=9),
            )
            to_decide.append((request, outcome))
        if last:
            to_decide.append((_wintermarket(community, requesters[3], today), "sent_back"))
        _attend(meeting, manager)
        _close_evaluations(meeting, manager)
        for request, outcome in to_decide:
            if outcome == "approved":
                decisions.decide(
                    acting_user=manager,
                    meeting=meeting,
                    request=request,
                    outcome=DecisionOutcome.APPROVED,
                    amount_granted=decisions.requested_amount(request),
                )
            elif outcome == "rejected":
                decisions.decide(
                    acting_user=manager,
                    meeting=meeting,
                    request=request,
                    outcome=DecisionOutcome.REJECTED,
                    reason="Te duur voor het budget van dit jaar; iets dichter bij huis kan wel.",
                )
            else:
                decisions.decide(
                    acting_user=manager,
                    meeting=meeting,
                    request=request,
                    outcome=DecisionOutcome.SENT_BACK,
                    reason="Mooi plan. Graag een begroting per onderdeel en wie er helpt met "
                    "opbouwen; kunnen spullen worden geleend in plaats van gehuurd?",
                )
        meetings.write_minutes(acting_user=secretary, meeting=meeting, minutes=MINUTES)
        meetings.mark_held(acting_user=manager, meeting=meeting)
        # After the meeting: what was sent back is changed (not the last one: it waits), and
        # the approved activities take place.
        for request, outcome in to_decide:
            request.refresh_from_db()
            if outcome == "sent_back" and not last:
                day = request.starts_on
                activities.edit_request(
                    acting_user=request.requested_by.user,
                    request=request,
                    data=_data_of(
                        request, request.description + " Opbouwen met vier vrijwilligers."
                    ),
                    lines=[(line.item, line.amount) for line in request.budget_lines.all()],
                )
                ActivityRequest.objects.filter(pk=request.pk).update(
                    starts_on=min(day + dt.timedelta(days=30), today - dt.timedelta(days=5))
                )
                changed = ActivityRequest.objects.get(pk=request.pk)
            if request.status == ActivityStatus.APPROVED:
                _spend_and_evaluate(
                    request,
                    rng,
                    today,
                    evaluate=not (last and request.starts_on >= today - dt.timedelta(days=3)),
                )
    for meeting in recent:
        _attend(meeting, manager)
        meetings.write_minutes(acting_user=secretary, meeting=meeting, minutes=MINUTES)
        meetings.mark_held(acting_user=manager, meeting=meeting)
    _open_requests(community, people, rng, today)


def _secretary(community: Community) -> Any:
    from doorstroom.community.selectors import board_on

    return next(
        t.resident.user for t in board_on(community) if t.position == BoardPosition.SECRETARY
    )


def _wintermarket(community: Community, requester: Resident, today: dt.date) -> ActivityRequest:
    request = _backdated_request(
        requester,
        "Wintermarkt",
        "Kraampjes van bewoners in de binnentuin, met glühwein en chocolademelk.",
        community.meeting_place,
        50,
        [("Kraamhuur", "300.00"), ("Glühwein en chocolademelk", "80.00")],
        today + dt.timedelta(days=26),
        submitted=timezone.now() - dt.timedelta(days=30),
    )
    return request


class ActivityRequestDefaults:
    """The fields of a new demo request that are the same for every request."""

    title = ""
    place = "Huiskamer op de begane grond"
    start_time = dt.time(15, 0)
    end_time = dt.time(18, 0)
    expected_participants = 20
    organisers = ""
    needs_from_corporation = ""


def _data_of(request: Any, description: str) -> dict[str, Any]:
    return {
        "title": request.title,
        "description": description,
        "place": request.place,
        "starts_on": timezone.localdate() + dt.timedelta(days=1),
        "ends_on": None,
        "start_time": request.start_time,
        "end_time": request.end_time,
        "expected_participants": request.expected_participants,
        "organisers": request.organisers,
        "needs_from_corporation": request.needs_from_corporation,
    }


def _backdated_request(
    requester: Resident,
    title: str,
    description: str,
    place: str,
    participants: int,
    lines: list[tuple[str, str]],
    day: dt.date,
    *,
    submitted: dt.datetime,
) -> ActivityRequest:
    request = activities.submit_request(
        acting_user=requester.user,
        resident=requester,
        data={
            "title": title,
            "description": description,
            "place": place,
            "starts_on": timezone.localdate() + dt.timedelta(days=1),
            "ends_on": None,
            "start_time": dt.time(15, 0),
            "end_time": dt.time(18, 0),
            "expected_participants": participants,
            "organisers": "",
            "needs_from_corporation": "Sleutel van de huiskamer",
        },
        lines=[(item, Decimal(amount)) for item, amount in lines],
    )
    ActivityRequest.objects.filter(pk=request.pk).update(starts_on=day, submitted_at=submitted)
    request.refresh_from_db()
    return request


def _attend(meeting: Meeting, manager: Any) -> None:
    candidates = meetings.attendance_candidates(meeting)
    board_members = [c.user_id for c in candidates if c.capacity == "board"]
    present = board_members[: max(3, len(board_members) - (meeting.pk % 2))]
    present += [c.user_id for c in candidates if c.capacity == "manager"][:1]
    meetings.record_attendance(acting_user=manager, meeting=meeting, present_user_ids=present)


def _spend_and_evaluate(
    request: ActivityRequest, rng: random.Random, today: dt.date, *, evaluate: bool
) -> None:
    requester = request.requested_by
    spent = Decimal("0")
    for number, line in enumerate(request.budget_lines.all()):
        paid = (line.amount * Decimal(rng.randint(80, 100)) / 100).quantize(Decimal("0.01"))
        spent += paid
        activities.record_expense(
            acting_user=requester.user,
            request=request,
            description=line.item,
            amount=paid,
            spent_on=min(request.starts_on, today),
            receipt=SimpleUploadedFile(
                f"bon-{request.pk}-{number + 1}.pdf", RECEIPT_PDF, "application/pdf"
            )
            if number == 0
            else None,
        )
    if not evaluate or request.starts_on >= today:
        return
    activities.submit_evaluation(
        acting_user=requester.user,
        request=request,
        participants=max(3, request.expected_participants + rng.randint(-8, 6)),
        how_it_went=rng.choice(
            [
                "Gezellig en druk; nieuwe buren leerden elkaar kennen.",
                "Goed verlopen, al hadden we meer handen kunnen gebruiken bij het opruimen.",
                "Mooie opkomst, ook van bewoners die we nog niet vaak zagen.",
            ]
        ),
        do_differently=rng.choice(
            ["", "Eerder beginnen met de uitnodiging.", "Een vaste opruimploeg afspreken."]
        ),
        actual_spending=spent,
    )


def _close_evaluations(meeting: Meeting, manager: Any) -> None:
    evaluated = ActivityRequest.objects.filter(
        community=meeting.community, status=ActivityStatus.EVALUATED
    )
    for request in evaluated:
        decisions.close_evaluation(
            acting_user=manager,
            meeting=meeting,
            request=request,
            board_note="Besproken; de tips nemen we mee naar de volgende keer.",
        )


def _open_requests(
    community: Community, people: list[Resident], rng: random.Random, today: dt.date
) -> None:
    """Two new requests for the next meeting and one sent back earlier, waiting for changes."""
    for requester, title, lines in (
        (
            people[1],
            "Kerstdiner in de huiskamer",
            [("Boodschappen", "240.00"), ("Versiering", "35.00")],
        ),
        (people[6], "Fietsenwerkplaats", [("Gereedschap", "160.00")]),
    ):
        activities.submit_request(
            acting_user=requester.user,
            resident=requester,
            data={
                "title": title,
                "description": "Voor alle bewoners; we zoeken nog twee helpers.",
                "place": community.meeting_place,
                "starts_on": today + dt.timedelta(days=rng.randint(20, 40)),
                "ends_on": None,
                "start_time": dt.time(17, 0),
                "end_time": dt.time(21, 0),
                "expected_participants": rng.randint(10, 30),
                "organisers": "",
                "needs_from_corporation": "",
            },
            lines=[(item, Decimal(amount)) for item, amount in lines],
        )


def _contributions(people: list[Resident], rng: random.Random, today: dt.date) -> None:
    kinds = list(ContributionKind.values)
    for resident in people:
        for _entry in range(rng.randint(2, 9)):
            contributions.log_contribution(
                acting_user=resident.user,
                resident=resident,
                kind=rng.choice(kinds),
                hours=Decimal(rng.choice(["1", "1.5", "2", "3", "4"])),
                done_on=today - dt.timedelta(days=rng.randint(0, 330)),
                note="",
            )
