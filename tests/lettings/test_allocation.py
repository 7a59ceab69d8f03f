"""Allocation: accepting an offer starts the tenancy (regular stream) or the care lease with the
client placed (care stream), records the affordability result, tells the other candidates, and
sends the allocation letter; the letter itself; the allocation screens; real SMTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from doorstroom.audit.models import AuditEvent
from doorstroom.lettings import allocation as allocation_services
from doorstroom.lettings import offers
from doorstroom.lettings.letters import allocation_letter_html, allocation_letter_pdf
from doorstroom.lettings.models import (
    Affordability,
    Allocation,
    ApplicationStatus,
    NominationStatus,
    Offer,
    OfferStatus,
    Vacancy,
    VacancyStatus,
)
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.models import CareLease, RegularTenancy
from doorstroom.tenancies.models import Placement
from tests.factories import ApplicationFactory, DwellingFactory
from tests.lettings.helpers import SECRETS
from tests.lettings.offer_helpers import (
    accepted_nomination,
    candidate,
    care_vacancy,
    limits_for_this_year,
    linked_application,
    regular_vacancy,
)
from tests.smtp import attachments_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(db: Any) -> None:
    limits_for_this_year()


@pytest.fixture
def regular(world: dict[str, Any]) -> dict[str, Any]:
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = regular_vacancy(world["dwellings"][0])
    first = candidate(vacancy, officer, full_name="Anna de Vries", pledge_hours=6)
    second = candidate(vacancy, officer, full_name="Bram Jansen")
    waiting = ApplicationFactory(vacancy=vacancy, full_name="Cor Smit")  # no interview yet
    offer = offers.make_offer(
        acting_user=officer, vacancy=vacancy, application=first, start_date=vacancy.available_from
    )
    return {
        **world,
        "officer": officer,
        "vacancy": vacancy,
        "first": first,
        "second": second,
        "waiting": waiting,
        "offer": offer,
    }


@pytest.fixture
def care(world: dict[str, Any]) -> dict[str, Any]:
    vacancy = care_vacancy(world["dwellings"][1])
    nomination = accepted_nomination(world)
    offer = offers.make_offer(
        acting_user=world["manager"],
        vacancy=vacancy,
        nomination=nomination,
        start_date=vacancy.available_from,
    )
    return {**world, "vacancy": vacancy, "nomination": nomination, "offer": offer}


def accept(setting: dict[str, Any], user: Any = None) -> Offer:
    return offers.respond(acting_user=user, offer=setting["offer"], accept=True)


# --- regular stream ------------------------------------------------------------------------------


def test_accepting_starts_the_tenancy_and_records_the_allocation(
    regular: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        offer = accept(regular, regular["officer"])
    assert offer.status == OfferStatus.ALLOCATED
    tenancy = RegularTenancy.objects.get()
    assert tenancy.tenant_name == "Anna de Vries"
    assert tenancy.start_date == regular["vacancy"].available_from
    allocation = Allocation.objects.get()
    assert allocation.regular_tenancy == tenancy and allocation.care_lease is None
    assert allocation.affordability == Affordability.FITTING
    assert allocation.limits is not None and allocation.limits.year == timezone.localdate().year
    assert "650,00" in allocation.affordability_explanation  # stored in Dutch
    assert allocation.household_size == 1 and allocation.net_rent == Decimal("650.00")
    assert allocation.allocated_by == regular["officer"]
    vacancy = Vacancy.objects.get(pk=regular["vacancy"].pk)
    assert vacancy.status == VacancyStatus.ALLOCATED  # not cancelled by the started tenancy
    assert vacancy.closed_at is not None
    for key, status in (
        ("first", ApplicationStatus.ALLOCATED),
        ("second", ApplicationStatus.NOT_SELECTED),
        ("waiting", ApplicationStatus.NOT_SELECTED),
    ):
        regular[key].refresh_from_db()
        assert regular[key].status == status, key
        assert regular[key].ended_at is not None
    # Every step in the audit trail, with the person who acted.
    for object_type in ("lettings.allocation", "lettings.vacancy", "lettings.offer"):
        assert AuditEvent.objects.filter(actor=regular["officer"], object_type=object_type).exists()
    assert AuditEvent.objects.filter(object_type="portfolio.regulartenancy").exists()
    # Mail: the letter to the new tenant (with the PDF), a kind word to the others.
    by_recipient = {message.to[0]: message for message in mail.outbox}
    letter = by_recipient[regular["first"].email]
    [(filename, content, mimetype)] = letter.attachments
    assert filename == "toewijzingsbrief.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    for key in ("second", "waiting"):
        assert not by_recipient[regular[key].email].attachments


def test_a_non_fitting_allocation_keeps_its_reason(world: dict[str, Any]) -> None:
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = regular_vacancy(DwellingFactory(complex=world["complex"], net_rent=Decimal("800")))
    applicant = candidate(vacancy, officer, gross_income=Decimal("20000"))
    offer = offers.make_offer(
        acting_user=officer,
        vacancy=vacancy,
        application=applicant,
        start_date=vacancy.available_from,
        non_fitting_reason="HHV",
    )
    offers.respond(acting_user=None, offer=offer, accept=True)
    allocation = Allocation.objects.get()
    assert (allocation.affordability, allocation.affordability_detail) == (
        Affordability.NOT_FITTING,
        "HHV",
    )


def test_an_expensive_dwelling_is_recorded_as_not_applicable(world: dict[str, Any]) -> None:
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = regular_vacancy(DwellingFactory(complex=world["complex"], net_rent=Decimal("1100")))
    applicant = candidate(vacancy, officer, gross_income=Decimal("20000"))
    offer = offers.make_offer(
        acting_user=officer,
        vacancy=vacancy,
        application=applicant,
        start_date=vacancy.available_from,
    )
    offers.respond(acting_user=None, offer=offer, accept=True)
    assert Allocation.objects.get().affordability == Affordability.NOT_APPLICABLE


def test_allocating_an_occupied_dwelling_is_refused_and_nothing_changes(
    regular: dict[str, Any],
) -> None:
    # A tenancy recorded straight into the database (e.g. an import) after the offer was made.
    RegularTenancy.objects.create(
        dwelling=regular["vacancy"].dwelling, tenant_name="Krakers", start_date=dt.date(2025, 1, 1)
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        accept(regular)
    assert "occupied" in " ".join(error.value.messages)
    regular["offer"].refresh_from_db()
    assert regular["offer"].status == OfferStatus.OFFERED
    assert regular["offer"].responded_at is None  # the response was rolled back too
    assert not Allocation.objects.exists()
    assert Vacancy.objects.get(pk=regular["vacancy"].pk).status == VacancyStatus.OPEN
    assert RegularTenancy.objects.count() == 1


def test_an_application_withdrawn_meanwhile_cannot_be_allocated(regular: dict[str, Any]) -> None:
    regular["first"].status = ApplicationStatus.WITHDRAWN
    regular["first"].save()
    with pytest.raises(ValidationError):
        accept(regular)
    assert not Allocation.objects.exists() and not RegularTenancy.objects.exists()


def test_a_dwelling_let_outside_the_process_closes_the_vacancy_so_acceptance_fails(
    regular: dict[str, Any],
) -> None:
    from doorstroom.portfolio import services as portfolio

    portfolio.start_regular_tenancy(
        acting_user=None,
        dwelling=regular["vacancy"].dwelling,
        tenant_name="Iemand anders",
        start_date=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        accept(regular)
    assert not Allocation.objects.exists()


def test_an_allocated_dwelling_cannot_be_allocated_again(regular: dict[str, Any]) -> None:
    accept(regular)
    with pytest.raises(ValidationError):
        allocation_services.allocate(acting_user=None, offer=regular["offer"])
    with pytest.raises(ValidationError):
        offers.make_offer(
            acting_user=regular["officer"],
            vacancy=regular["vacancy"],
            application=regular["second"],
            start_date=regular["vacancy"].available_from,
        )
    assert Allocation.objects.count() == 1 and RegularTenancy.objects.count() == 1


# --- care stream ---------------------------------------------------------------------------------


def test_a_care_provider_accepting_leases_the_dwelling_and_places_the_client(
    care: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        accept(care, care["worker"])
    lease = CareLease.objects.get()
    assert lease.agreement == care["agreement"] and lease.dwelling == care["vacancy"].dwelling
    placement = Placement.objects.get()
    assert placement.client_ref == care["nomination"].client.reference
    assert placement.care_lease == lease
    care["nomination"].refresh_from_db()
    assert care["nomination"].status == NominationStatus.PLACED
    assert care["nomination"].dwelling == care["vacancy"].dwelling
    allocation = Allocation.objects.get()
    assert allocation.care_lease == lease and allocation.regular_tenancy is None
    assert allocation.affordability == Affordability.NOT_APPLICABLE
    assert allocation.limits is None and allocation.household_size is None
    assert allocation.allocated_by == care["worker"]
    assert Vacancy.objects.get(pk=care["vacancy"].pk).status == VacancyStatus.ALLOCATED
    [message] = mail.outbox
    assert message.to == [care["worker"].email]
    assert message.attachments[0][0] == "toewijzingsbrief.pdf"
    for secret in SECRETS:
        assert secret not in message.body


def test_a_full_agreement_refuses_the_lease(care: dict[str, Any]) -> None:
    agreement = care["agreement"]
    agreement.dwellings_promised = 1
    agreement.save()
    from doorstroom.portfolio import services as portfolio

    CareLease.objects.create(
        agreement=agreement,
        dwelling=DwellingFactory(complex=care["complex"]),
        start_date=dt.date(2024, 2, 1),
    )
    with pytest.raises(ValidationError):
        accept(care, care["worker"])
    assert not Allocation.objects.exists() and not Placement.objects.exists()
    assert portfolio  # the portfolio service gave the refusal


# --- the letter ----------------------------------------------------------------------------------


def test_the_letter_has_the_dwelling_rent_start_and_community_agreements(
    regular: dict[str, Any],
) -> None:
    accept(regular)
    allocation = Allocation.objects.get()
    html = allocation_letter_html(allocation)
    dwelling = regular["vacancy"].dwelling
    assert "Anna de Vries" in html
    assert dwelling.address in html
    assert "€ 650,00" in html and "€ 40,00" in html and "€ 690,00" in html
    assert allocation.start_date.strftime("%Y") in html
    for line in ("Groet je buren.", "Houd de galerij vrij.", "Kom naar de bewonersavond."):
        assert line in html
    assert regular["first"].pledge_text in html
    assert "Koken of samen eten" in html
    assert ">6<" in html  # hours per month
    assert regular["officer"].email in html
    # The affordability check is internal: never in the applicant's letter.
    assert "passend" not in html.lower()
    assert allocation.affordability_explanation not in html
    assert str(regular["first"].gross_income) not in html
    pdf = allocation_letter_pdf(allocation)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_the_care_letter_goes_to_the_care_provider_without_care_data(
    care: dict[str, Any],
) -> None:
    accept(care, care["worker"])
    html = allocation_letter_html(Allocation.objects.get())
    assert care["provider"].name in html
    assert care["nomination"].client.reference in html
    for secret in SECRETS:
        assert secret not in html
    assert care["nomination"].motivation not in html
    assert "Groet je buren." in html


# --- screens -------------------------------------------------------------------------------------


def test_the_allocation_page_and_letter_for_letting_staff(
    regular: dict[str, Any], login: Any
) -> None:
    accept(regular)
    allocation = Allocation.objects.get()
    url = f"/verhuur/aanbiedingen/toewijzingen/{allocation.pk}/"
    page = login(regular["manager"]).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Anna de Vries" in body and "· PAS" in body
    assert f"{url}brief.pdf" in body
    letter = login(regular["officer"]).get(f"{url}brief.pdf")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="view", object_type="lettings.allocation", actor=regular["officer"]
    ).exists()
    people = regular["people"]
    for key in (Role.CASE_WORKER, Role.RESIDENT, "other_manager", "platform_admin"):
        browser = login(people[key])
        assert browser.get(url).status_code == 404, key
        assert browser.get(f"{url}brief.pdf").status_code == 404, key


def test_allocating_an_occupied_dwelling_on_screen_is_refused(
    regular: dict[str, Any], login: Any
) -> None:
    RegularTenancy.objects.create(
        dwelling=regular["vacancy"].dwelling, tenant_name="Krakers", start_date=dt.date(2025, 1, 1)
    )
    response = login(regular["officer"]).post(
        f"/verhuur/aanbiedingen/{regular['offer'].pk}/reactie/", {"reactie-decision": "accept"}
    )
    assert response.status_code == 400
    assert response.context["response_form"].non_field_errors()
    assert not Allocation.objects.exists()


def test_the_care_allocation_is_visible_to_its_care_provider(
    care: dict[str, Any], login: Any
) -> None:
    accept(care, care["worker"])
    allocation = Allocation.objects.get()
    url = f"/verhuur/aanbiedingen/toewijzingen/{allocation.pk}/"
    assert login(care["lead"]).get(url).status_code == 200
    assert login(care["lead"]).get(f"{url}brief.pdf").status_code == 200
    page = login(care["manager"]).get(url).content.decode()
    for secret in SECRETS:
        assert secret not in page
    assert login(care["people"]["other_case_worker"]).get(url).status_code == 404


# --- through a real SMTP server ------------------------------------------------------------------


def test_the_offer_and_the_allocation_letter_travel_through_smtp(
    world: dict[str, Any], smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = regular_vacancy(world["dwellings"][0])
    applicant = candidate(vacancy, officer, full_name="Dirk Bakker")
    with django_capture_on_commit_callbacks(execute=True):
        offer = offers.make_offer(
            acting_user=officer,
            vacancy=vacancy,
            application=applicant,
            start_date=vacancy.available_from,
        )
    with django_capture_on_commit_callbacks(execute=True):
        offers.respond(acting_user=None, offer=offer, accept=True)
    offer_mail, letter_mail = smtp_server.wait_for(2)
    assert offer_mail["To"] == applicant.email
    assert linked_application(text_of(offer_mail)) == applicant
    assert "Dirk Bakker" in text_of(offer_mail)
    assert letter_mail["To"] == applicant.email
    attachments = attachments_of(letter_mail)
    assert list(attachments) == ["toewijzingsbrief.pdf"]
    assert attachments["toewijzingsbrief.pdf"].startswith(b"%PDF")
    assert "Dirk Bakker" in text_of(letter_mail)
