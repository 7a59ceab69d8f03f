"""The public pages of mixed lettings: the advert list and an advert, the application form, and
the applicant's personal page behind the secret link (confirming, status, withdrawing, the
interview, the offer, the allocation letter). No login anywhere; nothing of the care stream."""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.lettings import applications
from doorstroom.lettings.models import (
    Application,
    ApplicationStatus,
    InterviewSlot,
    Offer,
    OfferStatus,
    Vacancy,
    VacancyStatus,
)
from doorstroom.lettings.vacancies import policy_for
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.mix import Stream
from doorstroom.reference.codes import typology_names
from tests.factories import (
    ApplicationFactory,
    ComplexFactory,
    DwellingFactory,
    VacancyFactory,
    token_of,
)
from tests.queries import count_queries
from tests.smtp import Mailbox, text_of

pytestmark = pytest.mark.django_db

LIST = "/woningaanbod/"
NAME = "Sanne Wilhelmina de Vries"
WHY = "Ik wil wonen op een plek waar buren elkaar kennen en helpen, ook als het even tegenzit. " * 2
BRING = "Ik kook graag voor anderen en wil een maandelijkse maaltijd in de huiskamer opzetten. " * 2
EXPERIENCE = (
    "Ik ben al vijf jaar vrijwilliger bij het buurthuis en bij de voedselbank in de wijk. " * 2
)


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": "Sanne.de.Vries@Example.nl",
        "full_name": NAME,
        "phone": "06 12345678",
        "adults": "2",
        "children": "1",
        "senior_household": "no",
        "gross_income": "32.500",
        "registration_date": "2019-05-01",
        "registration_number": "WN-12345",
        "motivation_why": WHY,
        "motivation_bring": BRING,
        "motivation_experience": EXPERIENCE,
        "pledge_kinds": ["garden", "social"],
        "pledge_text": "Ik help in de moestuin.",
        "pledge_hours": "4",
        "website": "",
    }
    data.update(overrides)
    return data


def advertised(street: str, **kwargs: Any) -> Vacancy:
    return VacancyFactory(dwelling=DwellingFactory(street=street), **kwargs)


def care_vacancy(street: str = "Zorgsteeg") -> Vacancy:
    return VacancyFactory(
        dwelling=DwellingFactory(street=street),
        stream=Stream.CARE,
        proposed_stream=Stream.CARE,
        proposal_reason="Het zorgcontract heeft minder woningen dan afgesproken.",
        advert_published_at=None,
        advert_deadline=None,
    )


def apply_url(vacancy: Vacancy) -> str:
    return reverse("adverts:apply", args=[vacancy.pk])


def page_url(application: Application) -> str:
    return reverse("adverts:applicant", args=[token_of(application)])


@pytest.fixture
def vacancy() -> Vacancy:
    complex_ = ComplexFactory(name="De Nieuwe Buren", city="Utrecht")
    policy = policy_for(complex_)
    policy.concept = "Wij wonen hier samen: een derde van de buren krijgt begeleiding."
    policy.expectations = "Je helpt mee bij de moestuin of de huiskamer, een paar uur per maand."
    policy.save()
    dwelling = DwellingFactory(
        complex=complex_, street="Kanaalweg", house_number=12, rooms=3, net_rent=Decimal("612.50")
    )
    return VacancyFactory(dwelling=dwelling, advert_text="Ruim balkon op het zuiden.")


# --- the advert list -----------------------------------------------------------------------------


def test_the_list_shows_every_advertised_dwelling_and_nothing_else(
    client: Client, vacancy: Vacancy
) -> None:
    today = timezone.localdate()
    later = advertised("Laatstestraat", advert_deadline=today + dt.timedelta(days=20))
    advertised("Vandaagstraat", advert_deadline=today)
    care_vacancy("Zorgsteeg")
    advertised("Conceptlaan", advert_published_at=None, advert_deadline=None)
    advertised("Verlopenweg", advert_deadline=today - dt.timedelta(days=1))
    advertised("Geannuleerdpad", status=VacancyStatus.CANCELLED)
    advertised("Toegewezenhof", status=VacancyStatus.ALLOCATED)

    response = client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    for street in ["Zorgsteeg", "Conceptlaan", "Verlopenweg", "Geannuleerdpad", "Toegewezenhof"]:
        assert street not in html
    # The deadline closest first, the newest deadline last.
    positions = [html.index(s) for s in ["Vandaagstraat", "Kanaalweg 12", "Laatstestraat"]]
    assert positions == sorted(positions)
    assert reverse("adverts:detail", args=[later.pk]) in html
    assert "De Nieuwe Buren, Utrecht" in html
    assert "€ 612,50" in html and "€ 40,00" in html
    assert typology_names()["GAL"] in html
    assert "<svg" in html and "<figcaption" in html
    assert "Zorg" not in html.replace("zorgen", "")


def test_the_list_says_so_when_nothing_is_advertised(client: Client) -> None:
    care_vacancy()
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["adverts"] == []


def test_the_list_runs_the_same_queries_for_one_advert_as_for_many(client: Client) -> None:
    typology_names()  # the VERA names are cached per process
    advertised("Eenstraat")
    one = count_queries(client, LIST)
    for i in range(6):
        VacancyFactory(dwelling=DwellingFactory(complex=ComplexFactory(), street=f"Straat{i}"))
    many = count_queries(client, LIST)
    assert len(Client().get(LIST).context["adverts"]) == 7
    assert one == many
    assert many == 1  # the adverts with their dwelling and complex, in one query


# --- one advert ----------------------------------------------------------------------------------


def test_an_advert_shows_the_dwelling_the_concept_and_the_procedure(
    client: Client, vacancy: Vacancy
) -> None:
    response = client.get(reverse("adverts:detail", args=[vacancy.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kanaalweg 12" in html
    assert "€ 612,50" in html
    assert "Ruim balkon op het zuiden." in html
    assert "een derde van de buren krijgt begeleiding" in html
    assert "bij de moestuin of de huiskamer" in html
    assert apply_url(vacancy) in html
    assert html.count('class="utrecht-ordered-list__item"') == 6
    assert vacancy.proposal_reason not in html


def test_an_advert_that_never_was_public_is_not_found(client: Client) -> None:
    hidden = [
        care_vacancy(),
        advertised("Conceptlaan", advert_published_at=None, advert_deadline=None),
    ]
    for vacancy in hidden:
        for url in [
            reverse("adverts:detail", args=[vacancy.pk]),
            apply_url(vacancy),
            reverse("adverts:sent", args=[vacancy.pk]),
        ]:
            assert client.get(url).status_code == 404, url
        assert client.post(apply_url(vacancy), form_data()).status_code == 404
    assert client.get("/woningaanbod/999999/").status_code == 404
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"advert_deadline": dt.date.today() - dt.timedelta(days=1)},
        {"status": VacancyStatus.CANCELLED},
        {"status": VacancyStatus.ALLOCATED},
    ],
    ids=["deadline-passed", "cancelled", "allocated"],
)
def test_a_closed_advert_says_it_is_closed_and_nothing_more(
    client: Client, vacancy: Vacancy, change: dict[str, Any]
) -> None:
    Vacancy.objects.filter(pk=vacancy.pk).update(**change)

    for url in [reverse("adverts:detail", args=[vacancy.pk]), apply_url(vacancy)]:
        response = client.get(url)
        assert response.status_code == 410
        html = response.content.decode()
        assert "Kanaalweg" not in html
        assert "612,50" not in html
    assert client.post(apply_url(vacancy), form_data()).status_code == 410
    assert not Application.objects.exists()


def test_a_vacancy_moved_to_the_care_stream_disappears_from_the_public_pages(
    client: Client, vacancy: Vacancy
) -> None:
    Vacancy.objects.filter(pk=vacancy.pk).update(
        stream=Stream.CARE,
        override_reason="Zorgaanbieder heeft een woning nodig.",
        advert_published_at=None,
        advert_deadline=None,
    )
    assert client.get(reverse("adverts:detail", args=[vacancy.pk])).status_code == 404
    assert "Kanaalweg" not in client.get(LIST).content.decode()


# --- the application form ------------------------------------------------------------------------


def test_the_form_asks_for_everything_and_says_how_long_answers_must_be(
    client: Client, vacancy: Vacancy
) -> None:
    response = client.get(apply_url(vacancy))

    assert response.status_code == 200
    html = response.content.decode()
    for name in form_data():
        assert f'name="{name}"' in html, name
    assert "100" in html  # the minimum length of each motivation answer
    assert 'type="date"' in html
    # The bot trap is out of sight and out of the tab order.
    assert re.search(r'<div hidden>.*name="website"', html, re.S)


def test_applying_creates_the_application_and_shows_check_your_email(
    client: Client, vacancy: Vacancy, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(vacancy), form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("adverts:sent", args=[vacancy.pk])
    application = Application.objects.get()
    assert application.status == ApplicationStatus.UNVERIFIED
    assert application.email == "sanne.de.vries@example.nl"
    assert application.gross_income == Decimal("32500")
    assert application.adults == 2 and application.children == 1
    assert application.senior_household is False
    assert sorted(application.pledge_kinds) == ["garden", "social"]
    assert len(mail.outbox) == 1
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("typed", "amount"), [("32500,50", "32500.50"), ("€ 41.250,-", "41250"), ("28000", "28000")]
)
def test_the_income_is_read_the_dutch_way(
    client: Client, vacancy: Vacancy, typed: str, amount: str
) -> None:
    client.post(apply_url(vacancy), form_data(gross_income=typed))
    assert Application.objects.get().gross_income == Decimal(amount)


def test_an_income_that_is_not_a_number_is_refused_and_the_answers_kept(
    client: Client, vacancy: Vacancy
) -> None:
    response = client.post(apply_url(vacancy), form_data(gross_income="ongeveer dertigduizend"))

    assert response.status_code == 200
    assert "gross_income" in response.context["form"].errors
    html = response.content.decode()
    assert 'href="#id_gross_income"' in html  # the error summary links to the field
    assert "Ik kook graag voor anderen" in html  # nothing typed is lost
    assert not Application.objects.exists()


def test_a_motivation_that_is_too_short_says_how_long_it_must_be(
    client: Client, vacancy: Vacancy
) -> None:
    response = client.post(apply_url(vacancy), form_data(motivation_bring="Gezelligheid."))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["motivation_bring"]
    assert "100" in errors["motivation_bring"][0] and "13" in errors["motivation_bring"][0]
    assert not Application.objects.exists()


def test_the_form_refuses_missing_answers(client: Client, vacancy: Vacancy) -> None:
    response = client.post(
        apply_url(vacancy),
        form_data(
            email="", pledge_kinds=[], pledge_hours="0", senior_household="", registration_date="x"
        ),
    )
    assert set(response.context["form"].errors) == {
        "email",
        "pledge_kinds",
        "pledge_hours",
        "senior_household",
        "registration_date",
    }
    assert not Application.objects.exists()


def test_a_second_application_with_the_same_address_is_refused(
    client: Client, vacancy: Vacancy
) -> None:
    client.post(apply_url(vacancy), form_data())

    response = client.post(apply_url(vacancy), form_data(email="SANNE.de.vries@example.nl"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert Application.objects.count() == 1


def test_a_bot_that_fills_the_hidden_field_gets_nothing(
    client: Client, vacancy: Vacancy, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(vacancy), form_data(website="https://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == reverse("adverts:sent", args=[vacancy.pk])
    assert not Application.objects.exists()
    assert mail.outbox == []


def test_the_confirmation_email_goes_through_smtp_and_its_link_confirms(
    client: Client,
    vacancy: Vacancy,
    smtp_server: Mailbox,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SITE_URL = "https://doorstroom.example.nl"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(vacancy), form_data())

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "sanne.de.vries@example.nl"
    assert "Kanaalweg 12" in message["Subject"]
    body = text_of(message)
    assert NAME in body
    match = re.search(r"https://doorstroom\.example\.nl(/woningaanbod/reactie/[^/\s]+/)", body)
    assert match, body

    response = Client().get(match.group(1))

    assert response.status_code == 200
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.verified_at is not None
    assert response.context["just_confirmed"] is True
    events = AuditEvent.objects.filter(
        object_type="lettings.application", object_id=str(application.pk)
    ).order_by("pk")
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert all(e.actor is None for e in events)


# --- the personal page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["nonsense", "MQ:1tXyzA:abcdefghijklmnopqrstuvwxyz0", "MTIzNDU2Nzg5"],
)
def test_a_forged_link_is_not_found(client: Client, token: str) -> None:
    ApplicationFactory()
    for name in ["applicant", "withdraw", "letter"]:
        assert client.get(reverse(f"adverts:{name}", args=[token])).status_code == 404
    for name in ["withdraw", "interview", "offer"]:
        assert client.post(reverse(f"adverts:{name}", args=[token])).status_code == 404


def test_a_mangled_link_is_not_found(client: Client) -> None:
    application = ApplicationFactory()
    token = token_of(application)
    assert client.get(reverse("adverts:applicant", args=[token[:-2]])).status_code == 404
    assert client.get(reverse("adverts:applicant", args=[token + "x"])).status_code == 404


def test_the_page_is_private_never_cached_and_never_indexed(client: Client) -> None:
    application = ApplicationFactory(full_name=NAME)

    response = client.get(page_url(application))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "same-origin"  # the link never goes to other sites
    html = response.content.decode()
    assert NAME in html
    assert application.email in html
    assert "€ 28.000,00" in html
    assert reverse("adverts:withdraw", args=[token_of(application)]) in html


def test_each_link_shows_only_its_own_application(client: Client) -> None:
    mine = ApplicationFactory(full_name="Anna Eerste")
    theirs = ApplicationFactory(full_name="Bert Tweede", vacancy=mine.vacancy)

    html = client.get(page_url(mine)).content.decode()

    assert "Anna Eerste" in html
    assert "Bert Tweede" not in html and theirs.email not in html


def test_a_link_first_opened_after_the_deadline_says_so_and_does_not_confirm(
    client: Client, vacancy: Vacancy
) -> None:
    client.post(apply_url(vacancy), form_data())
    application = Application.objects.get()
    Vacancy.objects.filter(pk=vacancy.pk).update(
        advert_deadline=timezone.localdate() - dt.timedelta(days=1)
    )

    response = client.get(page_url(application))

    assert response.status_code == 200
    assert "lettings/adverts/too_late.html" in [t.name for t in response.templates]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNVERIFIED
    assert application.verified_at is None
    assert "no-store" in response["Cache-Control"]


def test_a_confirmed_link_keeps_working_after_the_deadline(client: Client) -> None:
    application = ApplicationFactory()
    Vacancy.objects.filter(pk=application.vacancy_id).update(
        advert_deadline=timezone.localdate() - dt.timedelta(days=3)
    )
    response = client.get(page_url(application))
    assert response.status_code == 200
    assert "lettings/adverts/applicant.html" in [t.name for t in response.templates]


# --- withdrawing ---------------------------------------------------------------------------------


def test_withdrawing_asks_for_confirmation_then_withdraws(client: Client) -> None:
    application = ApplicationFactory()
    url = reverse("adverts:withdraw", args=[token_of(application)])

    response = client.get(url)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED  # nothing happens on GET

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == page_url(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.ended_at is not None
    page = client.get(response["Location"])
    assert page.context["may_withdraw"] is False
    assert url not in page.content.decode()
    # Withdrawing twice is refused with a message, and changes nothing.
    client.post(url)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def make_offer(application: Application, **kwargs: Any) -> Offer:
    today = timezone.localdate()
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.OFFERED)
    application.refresh_from_db()
    values = {
        "respond_by": today + dt.timedelta(days=5),
        "start_date": today + dt.timedelta(days=30),
        **kwargs,
    }
    return Offer.objects.create(vacancy=application.vacancy, application=application, **values)


def test_withdrawing_is_refused_while_an_offer_is_open(client: Client) -> None:
    application = ApplicationFactory()
    make_offer(application)

    response = client.post(reverse("adverts:withdraw", args=[token_of(application)]), follow=True)

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED
    # The confirmation page is not offered either: refuse the offer instead.
    assert client.get(reverse("adverts:withdraw", args=[token_of(application)])).status_code == 302


# --- the introduction interview ------------------------------------------------------------------


def slot(vacancy: Vacancy, interviewer: Any, days: int, **kwargs: Any) -> InterviewSlot:
    return InterviewSlot.objects.create(
        vacancy=vacancy,
        starts_at=timezone.now() + dt.timedelta(days=days),
        location="Gemeenschappelijke ruimte, Kanaalweg 1",
        interviewer=interviewer,
        **kwargs,
    )


@pytest.fixture
def interviewer(member: Any, vacancy: Vacancy) -> Any:
    return member(Role.LETTING_OFFICER, organisation=vacancy.dwelling.corporation).user


def test_an_invited_candidate_picks_a_time(
    client: Client, vacancy: Vacancy, interviewer: Any
) -> None:
    pytest.importorskip("doorstroom.lettings.interviews")
    application = ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.INVITED)
    first, second = slot(vacancy, interviewer, 3), slot(vacancy, interviewer, 4)
    slot(vacancy, interviewer, 5, application=ApplicationFactory(vacancy=vacancy))  # taken

    page = client.get(page_url(application))
    choices = [value for value, _label in page.context["slot_form"].fields["slot"].choices]
    assert choices == [str(first.pk), str(second.pk)]

    response = client.post(
        reverse("adverts:interview", args=[token_of(application)]), {"slot": second.pk}
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.application == application
    page = client.get(page_url(application))
    assert page.context["interview"] == second
    assert "Gemeenschappelijke ruimte, Kanaalweg 1" in page.content.decode()
    assert "slot_form" not in page.context


def test_a_time_someone_else_took_is_refused_clearly(
    client: Client, vacancy: Vacancy, interviewer: Any
) -> None:
    pytest.importorskip("doorstroom.lettings.interviews")
    application = ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.INVITED)
    taken = slot(vacancy, interviewer, 3)
    slot(vacancy, interviewer, 4)
    other = ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.INVITED)
    InterviewSlot.objects.filter(pk=taken.pk).update(application=other, booked_at=timezone.now())

    response = client.post(
        reverse("adverts:interview", args=[token_of(application)]), {"slot": taken.pk}
    )

    assert response.status_code == 200
    assert response.context["slot_form"].errors
    taken.refresh_from_db()
    assert taken.application == other
    assert not InterviewSlot.objects.filter(application=application).exists()


# --- the offer and the allocation ----------------------------------------------------------------


def test_the_offer_shows_the_rent_and_dates_and_can_be_refused(client: Client) -> None:
    offers = pytest.importorskip("doorstroom.lettings.offers")
    application = ApplicationFactory()
    offer = make_offer(application)

    page = client.get(page_url(application))
    assert page.context["offer"] == offer
    html = page.content.decode()
    assert "€ 690,00" in html  # net rent and service costs together
    reason = offers.refusal_reasons()[0][0]

    response = client.post(
        reverse("adverts:offer", args=[token_of(application)]),
        {"decision": "refuse", "reason": reason, "note": "Te ver van mijn werk."},
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REFUSED
    assert offer.detail_status == reason
    assert offer.responded_by is None


def test_a_refusal_needs_a_reason(client: Client) -> None:
    pytest.importorskip("doorstroom.lettings.offers")
    application = ApplicationFactory()
    offer = make_offer(application)

    response = client.post(
        reverse("adverts:offer", args=[token_of(application)]), {"decision": "refuse"}
    )

    assert response.status_code == 200
    assert "reason" in response.context["refuse_form"].errors
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED


def test_accepting_after_the_response_deadline_is_refused_clearly(client: Client) -> None:
    pytest.importorskip("doorstroom.lettings.offers")
    application = ApplicationFactory()
    today = timezone.localdate()
    offer = make_offer(
        application,
        respond_by=today - dt.timedelta(days=1),
        start_date=today + dt.timedelta(days=20),
    )

    response = client.post(
        reverse("adverts:offer", args=[token_of(application)]), {"decision": "accept"}
    )

    assert response.status_code == 200
    assert response.context["offer_errors"]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED


def test_accepting_allocates_and_the_letter_can_be_downloaded(client: Client) -> None:
    pytest.importorskip("doorstroom.lettings.letters")
    application = ApplicationFactory()
    offer = make_offer(application)
    letter_url = reverse("adverts:letter", args=[token_of(application)])
    assert client.get(letter_url).status_code == 404  # not allocated yet

    response = client.post(
        reverse("adverts:offer", args=[token_of(application)]), {"decision": "accept"}
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ALLOCATED
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ALLOCATED
    page = client.get(page_url(application))
    assert page.context["allocation"] == offer.allocation
    assert letter_url in page.content.decode()
    letter = client.get(letter_url)
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    assert "no-store" in letter["Cache-Control"]
    # Nothing is left to withdraw.
    assert page.context["may_withdraw"] is False


# --- logs ----------------------------------------------------------------------------------------


def test_the_whole_flow_logs_no_applicant_data(
    client: Client,
    vacancy: Vacancy,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(vacancy), form_data())
        client.post(apply_url(vacancy), form_data())  # refused: a second application
        client.post(apply_url(vacancy), form_data(website="bot"))
    application = Application.objects.get()
    client.get(page_url(application))
    client.post(reverse("adverts:withdraw", args=[token_of(application)]))
    client.get("/woningaanbod/reactie/vervalst/")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (NAME, "de Vries", "sanne", "example.nl", "32.500", "06 12345678"):
        assert secret.lower() not in logged.lower()
    assert applications.APPLICANT_ACTOR  # the trail names the applicant only by role
