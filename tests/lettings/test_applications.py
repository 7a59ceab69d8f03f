"""Applying without an account, confirming the e-mail address and withdrawing: the services in
lettings/applications.py, with every refusal an applicant would notice."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.lettings import applications
from doorstroom.lettings.links import applicant_link
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
from tests.factories import ApplicationFactory, VacancyFactory

pytestmark = pytest.mark.django_db

NAME = "Sanne Wilhelmina de Vries"
EMAIL = "Sanne.de.Vries@Example.nl"
WHY = "Ik wil wonen op een plek waar buren elkaar kennen en helpen, ook als het even tegenzit. " * 2
BRING = "Ik kook graag voor anderen en wil een maandelijkse maaltijd in de huiskamer opzetten. " * 2
EXPERIENCE = (
    "Ik ben al vijf jaar vrijwilliger bij het buurthuis en bij de voedselbank in de wijk. " * 2
)


def answers(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "email": EMAIL,
        "full_name": NAME,
        "phone": "06 12345678",
        "adults": 2,
        "children": 1,
        "senior_household": False,
        "gross_income": Decimal("32500.00"),
        "registration_date": dt.date(2019, 5, 1),
        "registration_number": "WN-12345",
        "motivation_why": WHY,
        "motivation_bring": BRING,
        "motivation_experience": EXPERIENCE,
        "pledge_kinds": ["cooking", "social"],
        "pledge_text": "Een maandelijkse maaltijd.",
        "pledge_hours": 4,
    }
    values.update(overrides)
    return values


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


@pytest.fixture
def vacancy() -> Vacancy:
    return VacancyFactory()


# --- applying ------------------------------------------------------------------------------------


def test_applying_creates_an_unverified_application_and_audits_it(vacancy: Vacancy) -> None:
    application = applications.apply(vacancy=vacancy, **answers())

    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNVERIFIED
    assert application.verified_at is None
    assert application.email == "sanne.de.vries@example.nl"
    assert application.gross_income == Decimal("32500.00")
    assert application.pledge_kinds == ["cooking", "social"]
    event = AuditEvent.objects.get(
        object_type="lettings.application", object_id=str(application.pk)
    )
    assert event.action == AuditAction.CREATE
    assert event.actor is None
    assert event.actor_label == applications.APPLICANT_ACTOR
    assert event.organisation == vacancy.dwelling.corporation
    # The trail says which fields were set, never the applicant's data.
    trail = str(event.changes) + event.object_label
    for secret in (NAME, "sanne.de.vries", "32500", WHY[:30]):
        assert secret not in trail


def test_applying_sends_the_personal_link_after_commit(
    vacancy: Vacancy, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://doorstroom.example.nl"
    with django_capture_on_commit_callbacks(execute=True):
        application = applications.apply(vacancy=vacancy, **answers())

    [message] = mail.outbox
    assert message.to == ["sanne.de.vries@example.nl"]
    link = applicant_link(application)
    assert link.startswith("https://doorstroom.example.nl/woningaanbod/reactie/")
    assert link in message.body
    assert NAME in message.body


def test_nothing_is_sent_when_the_application_is_refused(
    vacancy: Vacancy, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        applications.apply(vacancy=vacancy, **answers(motivation_why="Kort."))
    assert mail.outbox == []
    assert not Application.objects.exists()


def test_applications_close_after_the_deadline(vacancy: Vacancy) -> None:
    assert vacancy.advert_deadline is not None
    # The deadline day itself still counts.
    applications.apply(vacancy=vacancy, today=vacancy.advert_deadline, **answers())

    with pytest.raises(ValidationError) as excinfo:
        applications.apply(
            vacancy=vacancy,
            today=vacancy.advert_deadline + dt.timedelta(days=1),
            **answers(email="laat@example.nl"),
        )
    assert excinfo.value.code == "closed"
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {
            "stream": Stream.CARE,
            "proposed_stream": Stream.CARE,
            "advert_published_at": None,
            "advert_deadline": None,
        },
        {"advert_published_at": None, "advert_deadline": None},
        {"status": VacancyStatus.CANCELLED},
        {"status": VacancyStatus.ALLOCATED},
    ],
    ids=["care-stream", "unpublished", "cancelled", "allocated"],
)
def test_only_an_advertised_vacancy_takes_applications(
    vacancy: Vacancy, change: dict[str, Any]
) -> None:
    Vacancy.objects.filter(pk=vacancy.pk).update(**change)

    with pytest.raises(ValidationError) as excinfo:
        applications.apply(vacancy=vacancy, **answers())
    assert excinfo.value.code == "closed"
    assert not Application.objects.exists()


def test_one_application_per_address_per_vacancy_whatever_the_case(vacancy: Vacancy) -> None:
    applications.apply(vacancy=vacancy, **answers())

    with pytest.raises(ValidationError) as excinfo:
        applications.apply(vacancy=vacancy, **answers(email="  SANNE.DE.VRIES@example.NL "))
    assert list(errors_of(excinfo)) == ["email"]
    assert Application.objects.count() == 1
    # The same person may apply for another dwelling.
    applications.apply(vacancy=VacancyFactory(), **answers())
    assert Application.objects.count() == 2


def test_a_motivation_answer_must_reach_the_complex_minimum(vacancy: Vacancy) -> None:
    policy = policy_for(vacancy.dwelling.complex)
    policy.motivation_min_chars = 50
    policy.save()

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        applications.apply(
            vacancy=vacancy,
            **answers(motivation_bring="Ik    help   graag.", motivation_experience="x" * 49),
        )
    errors = errors_of(excinfo)
    assert set(errors) == {"motivation_bring", "motivation_experience"}
    # Runs of spaces count once: "Ik help graag." is 14 characters.
    assert errors["motivation_bring"] == ["Write at least 50 characters; you wrote 14 characters."]
    assert errors["motivation_experience"] == [
        "Write at least 50 characters; you wrote 49 characters."
    ]
    assert not Application.objects.exists()

    applications.apply(vacancy=vacancy, **answers(motivation_experience="x" * 50))
    assert Application.objects.count() == 1


def test_every_wrong_answer_is_reported_at_once(vacancy: Vacancy) -> None:
    with pytest.raises(ValidationError) as excinfo:
        applications.apply(
            vacancy=vacancy,
            **answers(
                email="geen-adres",
                full_name="  ",
                adults=0,
                pledge_kinds=[],
                pledge_hours=41,
                registration_date=timezone.localdate() + dt.timedelta(days=1),
                gross_income=Decimal("-1"),
            ),
        )
    assert set(errors_of(excinfo)) == {
        "email",
        "full_name",
        "adults",
        "pledge_kinds",
        "pledge_hours",
        "registration_date",
        "gross_income",
    }
    assert not Application.objects.exists()


def test_only_known_kinds_of_contribution(vacancy: Vacancy) -> None:
    with pytest.raises(ValidationError) as excinfo:
        applications.apply(vacancy=vacancy, **answers(pledge_kinds=["social", "piano"]))
    assert list(errors_of(excinfo)) == ["pledge_kinds"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("32.500", "32500"),
        ("32500,50", "32500.50"),
        ("32.500,50", "32500.50"),
        ("1.032.500", "1032500"),
        ("€ 32.500,-", "32500"),
        (" 32 500 ", "32500"),
        ("32500", "32500"),
        ("32500.5", "32500.5"),
        ("0", "0"),
    ],
)
def test_amounts_are_read_the_dutch_way(text: str, amount: str) -> None:
    assert applications.parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text", ["", "veel", "32,500.00", "3.25.000", "32.50.0", "-2000", "12,345", "1e6", "99999999"]
)
def test_an_amount_that_is_not_a_number_is_refused_clearly(text: str) -> None:
    with pytest.raises(ValidationError):
        applications.parse_amount(text)


# --- confirming the e-mail address ---------------------------------------------------------------


def test_the_first_visit_confirms_the_application(vacancy: Vacancy) -> None:
    application = applications.apply(vacancy=vacancy, **answers())

    applications.verify(application=application)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.verified_at is not None
    event = AuditEvent.objects.filter(
        object_type="lettings.application", object_id=str(application.pk)
    ).latest("pk")
    assert event.action == AuditAction.UPDATE
    assert set(event.fields) == {"status", "verified_at"}
    # Confirming again changes nothing and writes nothing.
    count = AuditEvent.objects.count()
    applications.verify(application=application)
    assert AuditEvent.objects.count() == count


def test_a_link_first_opened_after_the_deadline_does_not_count(vacancy: Vacancy) -> None:
    application = applications.apply(vacancy=vacancy, **answers())
    assert vacancy.advert_deadline is not None

    with pytest.raises(ValidationError) as excinfo:
        applications.verify(
            application=application, today=vacancy.advert_deadline + dt.timedelta(days=1)
        )

    assert excinfo.value.code == "closed"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNVERIFIED
    assert application.verified_at is None


# --- withdrawing ---------------------------------------------------------------------------------


def make_slot(application: Application, member: Any, **kwargs: Any) -> InterviewSlot:
    interviewer = member(
        Role.LETTING_OFFICER, organisation=application.vacancy.dwelling.corporation
    ).user
    return InterviewSlot.objects.create(
        vacancy=application.vacancy,
        starts_at=timezone.now() + dt.timedelta(days=3),
        location="Gemeenschappelijke ruimte",
        interviewer=interviewer,
        application=application,
        booked_at=timezone.now(),
        **kwargs,
    )


def test_withdrawing_ends_the_application_and_frees_the_interview(
    member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = ApplicationFactory(status=ApplicationStatus.INVITED)
    slot = make_slot(application, member)

    with django_capture_on_commit_callbacks(execute=True):
        applications.withdraw(application=application)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.ended_at is not None
    slot.refresh_from_db()
    assert slot.application is None
    assert slot.booked_at is None
    assert AuditEvent.objects.filter(
        object_type="lettings.interviewslot", object_id=str(slot.pk), action=AuditAction.UPDATE
    ).exists()
    event = AuditEvent.objects.filter(
        object_type="lettings.application", object_id=str(application.pk)
    ).latest("pk")
    assert set(event.fields) == {"status", "ended_at"}
    assert event.actor_label == applications.APPLICANT_ACTOR
    [message] = mail.outbox
    assert message.to == [application.email]


def test_an_interview_that_has_an_outcome_stays_on_record(member: Any) -> None:
    application = ApplicationFactory(status=ApplicationStatus.INVITED)
    slot = make_slot(application, member, outcome="doubt", notes="Twijfel over inzet.")

    applications.withdraw(application=application)

    slot.refresh_from_db()
    assert slot.application == application


def test_withdrawing_is_refused_while_an_offer_is_open() -> None:
    application = ApplicationFactory(status=ApplicationStatus.OFFERED)
    today = timezone.localdate()
    Offer.objects.create(
        vacancy=application.vacancy,
        application=application,
        respond_by=today + dt.timedelta(days=5),
        start_date=today + dt.timedelta(days=30),
    )

    with pytest.raises(ValidationError) as excinfo:
        applications.withdraw(application=application)

    assert excinfo.value.code == "offer_open"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED
    assert application.ended_at is None


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (ApplicationStatus.ALLOCATED, "allocated"),
        (ApplicationStatus.WITHDRAWN, "ended"),
        (ApplicationStatus.NOT_SELECTED, "ended"),
    ],
)
def test_an_ended_application_cannot_be_withdrawn(status: str, code: str) -> None:
    application = ApplicationFactory(status=status)

    with pytest.raises(ValidationError) as excinfo:
        applications.withdraw(application=application)

    assert excinfo.value.code == code
    application.refresh_from_db()
    assert application.status == status


def test_a_refused_offer_does_not_block_withdrawing_another_application() -> None:
    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    today = timezone.localdate()
    Offer.objects.create(
        vacancy=application.vacancy,
        application=application,
        status=OfferStatus.REFUSED,
        detail_status="GEW",
        respond_by=today,
        start_date=today + dt.timedelta(days=30),
    )
    applications.withdraw(application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


# --- logs ----------------------------------------------------------------------------------------


def test_no_applicant_data_in_the_logs(
    vacancy: Vacancy, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        application = applications.apply(vacancy=vacancy, **answers())
    applications.verify(application=application)
    applications.withdraw(application=application)
    with pytest.raises(ValidationError):
        applications.apply(vacancy=vacancy, **answers())

    assert any(r.name == "doorstroom.lettings.applications" for r in caplog.records)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (NAME, "de Vries", "sanne.de.vries", "example.nl", "32500", "06 12345678"):
        assert secret.lower() not in logged.lower()
