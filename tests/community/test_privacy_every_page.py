"""Issue 7, point 8: community pages never reveal whether a resident is a client of a care
provider, was homeless, has a care lease or a 'wonen met zorg' label, nor anything from care or
letting records. Every community page is rendered for every role against a world in which one
resident is a placed client, one has a labelled tenancy and one got the dwelling through an
application with a pledge; no such fact may appear. A resident sees only their own pledge.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse
from django.utils import timezone

from doorstroom.community import activities, decisions, feed, meetings
from doorstroom.community import residents as resident_services
from doorstroom.community.models import (
    ContributionLog,
    DecisionOutcome,
    Evaluation,
    Expense,
    Invitation,
)
from doorstroom.community.urls import urlpatterns
from doorstroom.lettings import offers
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.models import RegularTenancy
from tests.factories import (
    ActivityRequestFactory,
    AgreementFactory,
    BoardTermFactory,
    BudgetFactory,
    DwellingFactory,
    MeetingFactory,
    ResidentFactory,
)
from tests.lettings.helpers import make_client
from tests.lettings.offer_helpers import candidate, limits_for_this_year, regular_vacancy
from tests.tenancies.conftest import place

pytestmark = pytest.mark.django_db

CLIENT_FIRST, CLIENT_LAST = "Geheimina", "Verborgenhuis"
LABELLED_TENANT = "Labelina Onzichtbaar"
PLEDGE_TEXT = "Ik geef elke maand een workshop keramiek"
MOTIVATION = "Mijn geheime motivatie om hier te wonen"
CONTRIBUTION_NOTE = "Alleen voor mijzelf bedoeld"

#: Words and phrases that say someone is or was in care, homeless, on a care lease or labelled,
#: in Dutch and English (pages are checked in both languages).
CARE_WORDS = [
    "wonen met zorg",
    "zorgaanbieder",
    "zorghuur",
    "zorgcontract",
    "cliënt",
    "client",
    "dakloos",
    "homeless",
    "omklap",
    "omgeklapt",
    "flip",
    "plaatsing",
    "placement",
    "care lease",
    "care provider",
    "begeleid",
    "zrm",
    "verslaving",
    "addiction",
    "kwetsbaar",
    "vulnerable",
    "care label",
]


class _Text(HTMLParser):
    """Visible text of <main> plus attribute values a person can read (title, alt, value...)."""

    READABLE = {"title", "alt", "value", "placeholder", "aria-label", "content"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth += 1
        if self.depth and ("type", "hidden") not in attrs:  # hidden: the CSRF token
            self.parts += [v for k, v in attrs if k in self.READABLE and v]

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def readable(content: bytes, content_type: str) -> str:
    text = content.decode("utf-8", errors="replace")
    if "text/html" not in content_type:
        return text.lower()
    parser = _Text()
    parser.feed(text)
    return " ".join(parser.parts).lower()


@pytest.fixture
def world(
    member: Any, corporation: Any, care_provider: Any, community: Any, board: dict[str, Any]
) -> dict[str, Any]:
    limits_for_this_year()
    complex_ = community.complex
    today = timezone.localdate()
    manager = member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user
    worker = member(Role.CASE_WORKER, organisation=care_provider).user
    officer = member(Role.LETTING_OFFICER, organisation=corporation).user
    care_provider.name = "Tussenvoorziening Privacytest"
    care_provider.save()
    agreement = AgreementFactory(
        complex=complex_, care_provider=care_provider, start_date=today - dt.timedelta(days=900)
    )
    client_home, labelled_home, regular_home = DwellingFactory.create_batch(
        3, complex=complex_, street="Geheimstraat"
    )
    client = make_client(care_provider, worker, first_name=CLIENT_FIRST, last_name=CLIENT_LAST)
    placement = place({"agreement": agreement}, client_home, client, days_ago=400)
    RegularTenancy.objects.create(
        dwelling=labelled_home,
        tenant_name=LABELLED_TENANT,
        start_date=today - dt.timedelta(days=200),
        care_label_until=today + dt.timedelta(days=500),
    )
    vacancy = regular_vacancy(regular_home)
    application = candidate(
        vacancy,
        officer,
        full_name="Tom Sollicitant",
        email="tom@example.nl",
        pledge_text=PLEDGE_TEXT,
        motivation_why=MOTIVATION * 3,
        gross_income=Decimal("31234.00"),
        registration_number="REG-778899",
    )
    offer = offers.make_offer(
        acting_user=officer,
        vacancy=vacancy,
        application=application,
        start_date=vacancy.available_from,
    )
    offers.respond(acting_user=None, offer=offer, accept=True)
    # Tom has lived there for a month by now.
    RegularTenancy.objects.filter(dwelling=regular_home).update(
        start_date=today - dt.timedelta(days=30)
    )

    rosa = ResidentFactory(
        community=community,
        display_name="Rosa",
        dwelling=client_home,
        user__email="rosa@example.nl",
    )
    sem = ResidentFactory(
        community=community, display_name="Sem", dwelling=labelled_home, visibility="board"
    )
    tom = ResidentFactory(
        community=community, display_name="Tom", dwelling=regular_home, user__email="tom@example.nl"
    )
    BoardTermFactory(
        resident=ResidentFactory(community=community, display_name="Oud-voorzitter"),
        community=community,
        position="chair",
        start_date=today - dt.timedelta(days=900),
        end_date=today - dt.timedelta(days=400),
    )
    ContributionLog.objects.create(
        resident=tom, kind="cooking", hours=Decimal("2"), done_on=today, note=CONTRIBUTION_NOTE
    )
    ContributionLog.objects.create(
        resident=rosa, kind="garden", hours=Decimal("1.5"), done_on=today, note=CONTRIBUTION_NOTE
    )

    # Community content: a budget, a held meeting with decisions and minutes, a planned one, an
    # evaluated activity with a receipt, an open request and a free agenda item.
    for year in (today.year - 1, today.year, today.year + 1):
        BudgetFactory(community=community, year=year, amount=Decimal("3000.00"))
    held = MeetingFactory(community=community, starts_at=timezone.now() - dt.timedelta(days=20))
    meetings.record_attendance(
        acting_user=manager,
        meeting=held,
        present_user_ids=[r.user_id for r in board.values()] + [manager.pk],
    )
    done = ActivityRequestFactory(requested_by=rosa, title="Buurtbarbecue")
    decisions.decide(
        acting_user=manager,
        meeting=held,
        request=done,
        outcome=DecisionOutcome.APPROVED,
        amount_granted=Decimal("50.00"),
    )
    rejected = ActivityRequestFactory(requested_by=sem, title="Dagje uit")
    decisions.decide(
        acting_user=manager,
        meeting=held,
        request=rejected,
        outcome=DecisionOutcome.REJECTED,
        reason="Te duur.",
    )
    open_request = ActivityRequestFactory(requested_by=tom, title="Taalcafé")
    done.refresh_from_db()
    type(done).objects.filter(pk=done.pk).update(starts_on=today - dt.timedelta(days=5))
    done.refresh_from_db()
    activities.record_expense(
        acting_user=manager,
        request=done,
        description="Houtskool",
        amount=Decimal("20.00"),
        spent_on=today - dt.timedelta(days=5),
        receipt=SimpleUploadedFile("bon.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    activities.submit_evaluation(
        acting_user=rosa.user,
        request=done,
        participants=12,
        how_it_went="Gezellig.",
        actual_spending=Decimal("20.00"),
    )
    meetings.write_minutes(acting_user=manager, meeting=held, minutes="Notulen van de vergadering.")
    meetings.mark_held(acting_user=manager, meeting=held)
    planned = MeetingFactory(community=community)
    meetings.add_agenda_item(acting_user=manager, meeting=planned, title="Rondvraag")
    invitation = resident_services.invite_resident(
        acting_user=manager, community=community, email="nieuw@example.nl"
    )
    assert Evaluation.objects.filter(request=done).exists()
    return {
        "community": community,
        "manager": manager,
        "worker": worker,
        "officer": officer,
        "rosa": rosa,
        "sem": sem,
        "tom": tom,
        "board": board,
        "placement": placement,
        "objects": {
            "community_id": community.pk,
            "request_id": done.pk,
            "meeting_id": held.pk,
            "expense_id": Expense.objects.get(request=done).pk,
            "resident_id": rosa.pk,
            "invitation_id": invitation.pk,
            "term_id": rosa.community.terms.first().pk,
            "year": today.year,
            "token": resident_services.invitation_token(invitation),
        },
        "others": {"planned": planned.pk, "open": open_request.pk, "rejected": rejected.pk},
        "invitation": invitation,
    }


def urls_of(world: dict[str, Any], user: Any) -> list[str]:
    """Every community URL, filled with the world's objects (several objects where it matters)."""
    objects = world["objects"]
    found: list[str] = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = list(pattern.pattern.converters)
        if pattern.name == "feed":
            found.append(
                reverse("community:feed", args=[feed.feed_token(world["community"], user)])
            )
            continue
        variants = [dict(objects)]
        if "meeting_id" in names:
            variants.append({**objects, "meeting_id": world["others"]["planned"]})
        if "request_id" in names:
            variants.append({**objects, "request_id": world["others"]["open"]})
            variants.append({**objects, "request_id": world["others"]["rejected"]})
        for values in variants:
            found.append(reverse(f"community:{pattern.name}", kwargs={n: values[n] for n in names}))
    return sorted(set(found))


def forbidden_for(world: dict[str, Any], viewer: str) -> list[str]:
    words = [
        *CARE_WORDS,
        CLIENT_FIRST,
        CLIENT_LAST,
        LABELLED_TENANT,
        "Tussenvoorziening",
        world["placement"].client_ref,
        MOTIVATION,
        "31.234",
        "31234",
        "REG-778899",
        "Tom Sollicitant",
    ]
    if viewer != "tom":
        words.append(PLEDGE_TEXT)
    if viewer not in {"tom", "rosa"}:
        words.append(CONTRIBUTION_NOTE)
    if viewer != "manager":
        words.append("Geheimstraat")  # nobody but the manager sees where a resident lives
    return [w.lower() for w in words]


VIEWERS = ["manager", "chair", "secretary", "rosa", "sem", "tom", "worker", "officer"]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_community_page_reveals_care_or_letting_facts(
    world: dict[str, Any], as_user: Any, viewer: str, language: str
) -> None:
    user = {
        "manager": world["manager"],
        "chair": world["board"]["chair"].user,
        "secretary": world["board"]["secretary"].user,
        "rosa": world["rosa"].user,
        "sem": world["sem"].user,
        "tom": world["tom"].user,
        "worker": world["worker"],
        "officer": world["officer"],
    }[viewer]
    client = as_user(user)
    client.cookies["django_language"] = language
    forbidden = forbidden_for(world, viewer)
    opened = 0
    for url in urls_of(world, user):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if viewer in {"worker", "officer"} and url == reverse("community:landing"):
            # The way in lists no community for them.
            assert world["community"].complex.name not in response.content.decode()
            continue
        if viewer in {"worker", "officer"} and "/uitnodiging/" not in url:
            assert response.status_code in {404, 405}, f"{viewer} opened {url}"
            continue
        assert response.status_code in {200, 302, 400, 404, 405, 410}, (url, response.status_code)
        if response.status_code != 200:
            continue
        opened += 1
        content = b"".join(response) if response.streaming else response.content
        text = readable(content, response.get("Content-Type", ""))
        leaks = [word for word in forbidden if re.search(r"\b" + re.escape(word), text)]
        assert not leaks, f"{viewer} sees {leaks} on {url}"
    if viewer not in {"worker", "officer"}:
        assert opened >= 10, f"{viewer} could open only {opened} pages"


def test_a_resident_sees_their_own_pledge(world: dict[str, Any], as_user: Any) -> None:
    url = reverse("community:contributions", args=[world["community"].pk])
    assert PLEDGE_TEXT in as_user(world["tom"]).get(url).content.decode()
    assert PLEDGE_TEXT not in as_user(world["rosa"]).get(url).content.decode()


def test_the_world_has_every_fact_that_must_stay_hidden(world: dict[str, Any]) -> None:
    """The test above can only fail if the facts exist: a placed client, a labelled tenancy, an
    allocated application with a pledge, and an invitation."""
    assert world["placement"].care_provider.name == "Tussenvoorziening Privacytest"
    assert RegularTenancy.objects.filter(
        tenant_name=LABELLED_TENANT, care_label_until__isnull=False
    )
    assert RegularTenancy.objects.filter(allocation__offer__application__pledge_text=PLEDGE_TEXT)
    assert Invitation.objects.filter(email="nieuw@example.nl").exists()
