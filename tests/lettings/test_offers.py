"""Offers, one candidate at a time: making one (regular and care stream), the response, the
withdrawal, the expiry of overdue offers, every refusal, and the screens with their access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from doorstroom.audit.models import AuditEvent
from doorstroom.lettings import offers
from doorstroom.lettings.models import (
    Allocation,
    ApplicationStatus,
    InterviewOutcome,
    NominationStatus,
    Offer,
    OfferStatus,
    VacancyStatus,
)
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.models import RegularTenancy
from tests.factories import ApplicationFactory, DwellingFactory, VacancyFactory
from tests.lettings.helpers import SECRETS
from tests.lettings.offer_helpers import (
    accepted_nomination,
    candidate,
    care_vacancy,
    limits_for_this_year,
    linked_application,
    regular_vacancy,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(db: Any) -> None:
    limits_for_this_year()


@pytest.fixture
def regular(world: dict[str, Any]) -> dict[str, Any]:
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = regular_vacancy(world["dwellings"][0])
    first = candidate(vacancy, officer, full_name="Anna de Vries")
    second = candidate(vacancy, officer, InterviewOutcome.DOUBT, full_name="Bram Jansen")
    return {**world, "officer": officer, "vacancy": vacancy, "first": first, "second": second}


def offer_to(
    setting: dict[str, Any], application: Any = None, *, user: Any = None, **kwargs: Any
) -> Offer:
    vacancy = setting["vacancy"]
    return offers.make_offer(
        acting_user=user or setting["officer"],
        vacancy=vacancy,
        application=application or setting["first"],
        start_date=kwargs.pop("start_date", vacancy.available_from),
        **kwargs,
    )


def english(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# --- making an offer: regular stream -------------------------------------------------------------


def test_an_offer_goes_to_an_interviewed_applicant_with_a_deadline_and_an_email(
    regular: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_to(regular)
    today = timezone.localdate()
    assert offer.status == OfferStatus.OFFERED
    assert offer.respond_by == today + dt.timedelta(days=5)  # the policy's default period
    assert offer.offered_by == regular["officer"]
    regular["first"].refresh_from_db()
    assert regular["first"].status == ApplicationStatus.OFFERED
    assert offers.open_offer_of(regular["first"]) == offer
    assert offers.open_offer_of(regular["second"]) is None
    assert AuditEvent.objects.filter(
        actor=regular["officer"], object_type="lettings.offer", object_id=str(offer.pk)
    ).exists()
    [message] = mail.outbox
    assert message.to == [regular["first"].email]
    assert linked_application(message.body) == regular["first"]
    assert regular["vacancy"].dwelling.street in message.body
    assert "650,00" in message.body


def test_the_applicant_link_uses_the_site_url(regular: dict[str, Any], settings: Any) -> None:
    settings.SITE_URL = "https://doorstroom.example.nl/"
    link = offers.applicant_link(regular["first"])
    assert link.startswith("https://doorstroom.example.nl/woningaanbod/reactie/")
    assert link.endswith("/")


def test_a_second_open_offer_for_the_same_dwelling_is_refused(regular: dict[str, Any]) -> None:
    offer_to(regular)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offer_to(regular, regular["second"])
    assert "already on offer" in english(error)
    assert Offer.objects.count() == 1
    regular["second"].refresh_from_db()
    assert regular["second"].status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("outcome", [InterviewOutcome.NEGATIVE, InterviewOutcome.NO_SHOW, ""])
def test_a_candidate_without_a_positive_interview_gets_no_offer(
    regular: dict[str, Any], outcome: str
) -> None:
    applicant = candidate(regular["vacancy"], regular["officer"], outcome)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offer_to(regular, applicant)
    assert "introduction interview" in english(error)
    assert not Offer.objects.exists()


def test_a_candidate_without_any_interview_gets_no_offer(regular: dict[str, Any]) -> None:
    applicant = ApplicationFactory(vacancy=regular["vacancy"])
    with pytest.raises(ValidationError):
        offer_to(regular, applicant)
    assert not Offer.objects.exists()


def test_a_doubtful_interview_is_enough(regular: dict[str, Any]) -> None:
    assert offer_to(regular, regular["second"]).status == OfferStatus.OFFERED


def test_an_applicant_of_another_vacancy_or_no_longer_active_is_refused(
    regular: dict[str, Any],
) -> None:
    other_vacancy = regular_vacancy(regular["dwellings"][1])
    stranger = candidate(other_vacancy, regular["officer"])
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offer_to(regular, stranger)
    assert "did not apply" in english(error)
    withdrawn = candidate(regular["vacancy"], regular["officer"], status="withdrawn")
    with pytest.raises(ValidationError):
        offer_to(regular, withdrawn)
    assert not Offer.objects.exists()


def test_dates_are_checked(regular: dict[str, Any]) -> None:
    vacancy = regular["vacancy"]
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        offer_to(
            regular,
            respond_by=today + dt.timedelta(days=10),
            start_date=today + dt.timedelta(days=9),
        )
    assert "start_date" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        offer_to(regular, start_date=vacancy.available_from - dt.timedelta(days=1))
    assert "start_date" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        offer_to(regular, respond_by=today - dt.timedelta(days=1))
    assert "respond_by" in error.value.error_dict
    assert not Offer.objects.exists()


def test_a_closed_vacancy_cannot_be_offered(regular: dict[str, Any]) -> None:
    regular["vacancy"].status = VacancyStatus.CANCELLED
    regular["vacancy"].save()
    with pytest.raises(ValidationError):
        offer_to(regular)


def test_an_occupied_dwelling_cannot_be_offered(regular: dict[str, Any]) -> None:
    # Recorded straight in the database (an import), so the vacancy is not closed by the signal.
    RegularTenancy.objects.create(
        dwelling=regular["vacancy"].dwelling,
        tenant_name="Zittende huurder",
        start_date=dt.date(2020, 1, 1),
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offer_to(regular)
    assert "occupied" in english(error)


def test_a_tenancy_that_ends_when_the_dwelling_comes_free_is_no_obstacle(
    regular: dict[str, Any],
) -> None:
    RegularTenancy.objects.create(
        dwelling=regular["vacancy"].dwelling,
        tenant_name="Vertrekkende huurder",
        start_date=dt.date(2020, 1, 1),
        end_date=regular["vacancy"].available_from,
    )
    assert offer_to(regular).status == OfferStatus.OFFERED


def test_a_non_fitting_offer_needs_a_reason_from_the_vera_list(world: dict[str, Any]) -> None:
    officer = world["people"][Role.LETTING_OFFICER]
    expensive = DwellingFactory(complex=world["complex"], net_rent=Decimal("800.00"))
    vacancy = regular_vacancy(expensive)
    applicant = candidate(vacancy, officer, gross_income=Decimal("20000"))
    setting = {"vacancy": vacancy, "officer": officer, "first": applicant}
    with pytest.raises(ValidationError) as error:
        offer_to(setting)
    assert "non_fitting_reason" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        offer_to(setting, non_fitting_reason="XXX")
    assert "non_fitting_reason" in error.value.error_dict
    assert not Offer.objects.exists()
    offer = offer_to(setting, non_fitting_reason="BIJ")
    assert offer.non_fitting_reason == "BIJ"


def test_a_fitting_offer_stores_no_non_fitting_reason(regular: dict[str, Any]) -> None:
    assert offer_to(regular, non_fitting_reason="BIJ").non_fitting_reason == ""


def test_no_limits_for_the_year_is_answered_clearly(regular: dict[str, Any]) -> None:
    future = dt.date(2031, 3, 1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offer_to(regular, today=future, start_date=future + dt.timedelta(days=10))
    assert "2031" in english(error)
    assert not Offer.objects.exists()


def test_only_the_corporations_letting_staff_make_offers(regular: dict[str, Any]) -> None:
    people = regular["people"]
    for user in (
        people[Role.CASE_WORKER],
        people[Role.RESIDENT],
        people["other_manager"],
        people["platform_admin"],
    ):
        with pytest.raises(PermissionDenied):
            offer_to(regular, user=user)
    assert offer_to(regular, user=regular["manager"]).status == OfferStatus.OFFERED


def test_reason_lists_come_from_the_vera_reference_data() -> None:
    refusals = dict(offers.refusal_reasons())
    withdrawals = dict(offers.withdrawal_reasons())
    assert refusals["WBN"] == "Woning bevalt niet"
    assert withdrawals["REA"] == "Reactietermijn verlopen"
    assert "REA" not in refusals and "WBN" not in withdrawals
    assert dict(offers.non_fitting_reasons())["BIJ"] == "Bijzondere gezinssituatie"


# --- responding ----------------------------------------------------------------------------------


def test_refusing_needs_a_refusal_reason(regular: dict[str, Any]) -> None:
    offer = offer_to(regular)
    for reason in ("", "REA", "nonsense"):
        with pytest.raises(ValidationError) as error:
            offers.respond(acting_user=None, offer=offer, accept=False, reason=reason)
        assert "reason" in error.value.error_dict
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED


def test_a_refusal_ends_the_application_and_frees_the_dwelling_for_the_next(
    regular: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    offer = offer_to(regular)
    with django_capture_on_commit_callbacks(execute=True):
        offers.respond(
            acting_user=regular["officer"], offer=offer, accept=False, reason="WBN", note="Belde"
        )
    offer.refresh_from_db()
    assert (offer.status, offer.detail_status) == (OfferStatus.REFUSED, "WBN")
    assert offer.responded_by == regular["officer"] and offer.response_note == "Belde"
    regular["first"].refresh_from_db()
    assert regular["first"].status == ApplicationStatus.NOT_SELECTED
    assert regular["first"].ended_at is not None
    assert mail.outbox[-1].to == [regular["first"].email]
    # The next candidate.
    assert offer_to(regular, regular["second"]).status == OfferStatus.OFFERED


def test_accepting_after_the_deadline_is_refused(regular: dict[str, Any]) -> None:
    offer = offer_to(regular)
    late = offer.respond_by + dt.timedelta(days=1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offers.respond(acting_user=None, offer=offer, accept=True, today=late)
    assert "response period has expired" in english(error)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED
    assert not Allocation.objects.exists() and not RegularTenancy.objects.exists()


def test_accepting_on_the_last_day_allocates(regular: dict[str, Any]) -> None:
    offer = offer_to(regular)
    offer = offers.respond(acting_user=None, offer=offer, accept=True, today=offer.respond_by)
    assert offer.status == OfferStatus.ALLOCATED
    assert offer.responded_by is None  # the applicant, through their link
    allocated = AuditEvent.objects.get(object_type="lettings.allocation", action="create")
    assert allocated.actor is None and allocated.actor_label == offers.APPLICANT_LABEL


def test_a_closed_offer_cannot_be_answered(regular: dict[str, Any]) -> None:
    offer = offer_to(regular)
    offers.respond(acting_user=None, offer=offer, accept=False, reason="PER")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offers.respond(acting_user=None, offer=offer, accept=True)
    assert "no longer open" in english(error)


def test_only_staff_or_the_offered_care_provider_record_a_response(
    regular: dict[str, Any],
) -> None:
    offer = offer_to(regular)
    for user in (regular["people"][Role.CASE_WORKER], regular["people"]["other_manager"]):
        with pytest.raises(PermissionDenied):
            offers.respond(acting_user=user, offer=offer, accept=False, reason="PER")


# --- withdrawing and expiry ----------------------------------------------------------------------


def test_withdrawing_needs_a_withdrawal_reason(regular: dict[str, Any]) -> None:
    offer = offer_to(regular)
    for reason in ("", "WBN"):
        with pytest.raises(ValidationError) as error:
            offers.withdraw_offer(acting_user=regular["officer"], offer=offer, reason=reason)
        assert "reason" in error.value.error_dict
    with pytest.raises(PermissionDenied):
        offers.withdraw_offer(
            acting_user=regular["people"][Role.CASE_WORKER], offer=offer, reason="DOC"
        )


def test_withdrawal_ends_the_application_unless_offered_in_error(
    regular: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    offer = offer_to(regular)
    with django_capture_on_commit_callbacks(execute=True):
        offers.withdraw_offer(acting_user=regular["officer"], offer=offer, reason="ONT")
    regular["first"].refresh_from_db()
    assert regular["first"].status == ApplicationStatus.INVITED  # still in the running
    assert mail.outbox[-1].to == [regular["first"].email]
    offer = offer_to(regular, regular["second"])
    offers.withdraw_offer(
        acting_user=regular["officer"], offer=offer, reason="DOC", note="Geen loonstrook"
    )
    offer.refresh_from_db()
    assert (offer.status, offer.detail_status) == (OfferStatus.WITHDRAWN, "DOC")
    regular["second"].refresh_from_db()
    assert regular["second"].status == ApplicationStatus.NOT_SELECTED


def test_overdue_offers_expire_once(regular: dict[str, Any]) -> None:
    offer = offer_to(regular)
    other = regular_vacancy(regular["dwellings"][1])
    fresh = offers.make_offer(
        acting_user=regular["officer"],
        vacancy=other,
        application=candidate(other, regular["officer"]),
        start_date=other.available_from,
        respond_by=offer.respond_by + dt.timedelta(days=3),
    )
    day_after = offer.respond_by + dt.timedelta(days=1)
    assert offers.expire_overdue_offers(today=offer.respond_by) == 0
    assert offers.expire_overdue_offers(today=day_after) == 1
    assert offers.expire_overdue_offers(today=day_after) == 0  # idempotent
    offer.refresh_from_db()
    fresh.refresh_from_db()
    assert (offer.status, offer.detail_status) == (OfferStatus.WITHDRAWN, offers.EXPIRED)
    assert fresh.status == OfferStatus.OFFERED
    regular["first"].refresh_from_db()
    assert regular["first"].status == ApplicationStatus.NOT_SELECTED
    expired = AuditEvent.objects.filter(object_type="lettings.offer", object_id=str(offer.pk))
    assert expired.filter(actor_label=offers.SCHEDULER_LABEL).exists()


# --- care stream ---------------------------------------------------------------------------------


@pytest.fixture
def care(world: dict[str, Any]) -> dict[str, Any]:
    vacancy = care_vacancy(world["dwellings"][1])
    return {**world, "vacancy": vacancy, "nomination": accepted_nomination(world)}


def offer_care(setting: dict[str, Any], nomination: Any = None, **kwargs: Any) -> Offer:
    vacancy = kwargs.pop("vacancy", setting["vacancy"])
    return offers.make_offer(
        acting_user=kwargs.pop("user", setting["manager"]),
        vacancy=vacancy,
        nomination=nomination or setting["nomination"],
        start_date=vacancy.available_from,
        **kwargs,
    )


def test_a_care_stream_offer_goes_to_the_care_provider_without_care_details(
    care: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_care(care)
    assert offer.nomination == care["nomination"] and offer.application is None
    [message] = mail.outbox
    assert message.to == [care["worker"].email]
    assert care["nomination"].client.reference in message.body
    assert "/verhuur/aanbiedingen/zorg/" in message.body
    for secret in SECRETS:
        assert secret not in message.body and secret not in message.subject
    assert care["nomination"].motivation not in message.body


def test_a_care_stream_offer_needs_an_accepted_nomination_for_the_complex(
    care: dict[str, Any],
) -> None:
    nomination = care["nomination"]
    nomination.status = NominationStatus.OPEN
    nomination.save()
    with pytest.raises(ValidationError):
        offer_care(care)
    nomination.status = NominationStatus.ACCEPTED
    nomination.save()
    elsewhere = care_vacancy(DwellingFactory(complex=care["elsewhere"]))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offer_care(care, vacancy=elsewhere)
    assert "another complex" in english(error)
    regular_one = VacancyFactory(dwelling=DwellingFactory(complex=care["complex"]))
    with pytest.raises(ValidationError):
        offer_care(care, vacancy=regular_one)
    assert not Offer.objects.exists()


def test_a_care_stream_offer_needs_a_current_agreement(care: dict[str, Any]) -> None:
    agreement = care["agreement"]
    agreement.end_date = timezone.localdate() - dt.timedelta(days=1)
    agreement.save()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        offer_care(care)
    assert "agreement" in english(error)


def test_a_nomination_gets_one_open_offer_at_a_time(care: dict[str, Any]) -> None:
    offer_care(care)
    second = care_vacancy(DwellingFactory(complex=care["complex"]))
    with pytest.raises(ValidationError):
        offer_care(care, vacancy=second)


def test_a_care_provider_refusal_keeps_the_nomination_accepted(care: dict[str, Any]) -> None:
    offer = offer_care(care)
    offers.respond(acting_user=care["worker"], offer=offer, accept=False, reason="WOB")
    care["nomination"].refresh_from_db()
    assert care["nomination"].status == NominationStatus.ACCEPTED
    second = care_vacancy(DwellingFactory(complex=care["complex"]))
    assert offer_care(care, vacancy=second).status == OfferStatus.OFFERED


def test_another_care_provider_cannot_respond(care: dict[str, Any]) -> None:
    offer = offer_care(care)
    with pytest.raises(PermissionDenied):
        offers.respond(acting_user=care["people"]["other_case_worker"], offer=offer, accept=True)


# --- screens -------------------------------------------------------------------------------------


def vacancy_url(vacancy: Any) -> str:
    return f"/verhuur/aanbiedingen/vacatures/{vacancy.pk}/"


def test_the_vacancy_page_is_for_the_corporations_letting_staff_only(
    regular: dict[str, Any], login: Any, client: Any
) -> None:
    url = vacancy_url(regular["vacancy"])
    for role in (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER):
        response = login(regular["people"][role]).get(url)
        assert response.status_code == 200
        assert "Anna de Vries" in response.content.decode()
    people = regular["people"]
    for key in (
        Role.CASE_WORKER,
        Role.TEAM_LEAD,
        Role.POLICY_OFFICER,
        Role.NEIGHBOURHOOD_TEAM_MEMBER,
        Role.RESIDENT,
        Role.PRIVACY_OFFICER,
        "corporation_privacy_officer",
        "other_manager",
        "platform_admin",
    ):
        assert login(people[key]).get(url).status_code == 404, key
    assert client.get(url).status_code == 302  # to the login page
    assert (
        login(regular["manager"]).get("/verhuur/aanbiedingen/vacatures/999999/").status_code == 404
    )


def test_making_an_offer_on_screen_shows_the_affordability_check_first(
    regular: dict[str, Any], login: Any
) -> None:
    browser = login(regular["officer"])
    url = f"{vacancy_url(regular['vacancy'])}aanbieden/kandidaat/{regular['first'].pk}/"
    with translation.override("en"):
        page = browser.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "· PAS" in page.content.decode()
    assert 'name="non_fitting_reason"' not in page.content.decode()
    assert AuditEvent.objects.filter(
        action="view", object_type="lettings.application", object_id=str(regular["first"].pk)
    ).exists()
    response = browser.post(url, {"start_date": regular["vacancy"].available_from.isoformat()})
    assert response.status_code == 302
    assert response["Location"] == vacancy_url(regular["vacancy"])
    assert Offer.objects.get().application == regular["first"]
    # A second candidate while the first offer is open: refused on the form.
    url2 = f"{vacancy_url(regular['vacancy'])}aanbieden/kandidaat/{regular['second'].pk}/"
    response = browser.post(url2, {"start_date": regular["vacancy"].available_from.isoformat()})
    assert response.status_code == 400
    assert Offer.objects.count() == 1


def test_offering_to_a_candidate_without_a_good_interview_on_screen_is_refused(
    regular: dict[str, Any], login: Any
) -> None:
    applicant = candidate(regular["vacancy"], regular["officer"], InterviewOutcome.NEGATIVE)
    url = f"{vacancy_url(regular['vacancy'])}aanbieden/kandidaat/{applicant.pk}/"
    response = login(regular["officer"]).post(
        url, {"start_date": regular["vacancy"].available_from.isoformat()}
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Offer.objects.exists()
    page = login(regular["manager"]).get(vacancy_url(regular["vacancy"]))
    assert f"kandidaat/{applicant.pk}/" not in page.content.decode()


def test_a_non_fitting_candidate_needs_a_reason_on_screen(
    world: dict[str, Any], login: Any
) -> None:
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = regular_vacancy(DwellingFactory(complex=world["complex"], net_rent=Decimal("800")))
    applicant = candidate(vacancy, officer, gross_income=Decimal("20000"))
    url = f"{vacancy_url(vacancy)}aanbieden/kandidaat/{applicant.pk}/"
    browser = login(officer)
    page = browser.get(url)
    assert 'name="non_fitting_reason"' in page.content.decode()
    response = browser.post(url, {"start_date": vacancy.available_from.isoformat()})
    assert response.status_code == 400
    assert "non_fitting_reason" in response.context["form"].errors
    response = browser.post(
        url, {"start_date": vacancy.available_from.isoformat(), "non_fitting_reason": "BIJ"}
    )
    assert response.status_code == 302
    assert Offer.objects.get().non_fitting_reason == "BIJ"


def test_another_corporations_candidate_pages_are_not_found(
    regular: dict[str, Any], login: Any
) -> None:
    url = f"{vacancy_url(regular['vacancy'])}aanbieden/kandidaat/{regular['first'].pk}/"
    for key in ("other_manager", Role.CASE_WORKER, "platform_admin"):
        browser = login(regular["people"][key])
        assert browser.get(url).status_code == 404
        assert browser.post(url, {"start_date": "2030-01-01"}).status_code == 404
    assert not Offer.objects.exists()


def test_recording_a_response_on_screen(regular: dict[str, Any], login: Any) -> None:
    offer = offer_to(regular)
    browser = login(regular["officer"])
    url = f"/verhuur/aanbiedingen/{offer.pk}/reactie/"
    response = browser.post(url, {"reactie-decision": "refuse", "reactie-reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["response_form"].errors
    response = browser.post(url, {"reactie-decision": "refuse", "reactie-reason": "HUU"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.detail_status) == (OfferStatus.REFUSED, "HUU")


def test_accepting_after_the_deadline_on_screen_is_refused(
    regular: dict[str, Any], login: Any
) -> None:
    offer = offer_to(regular)
    Offer.objects.filter(pk=offer.pk).update(respond_by=timezone.localdate() - dt.timedelta(days=1))
    response = login(regular["officer"]).post(
        f"/verhuur/aanbiedingen/{offer.pk}/reactie/", {"reactie-decision": "accept"}
    )
    assert response.status_code == 400
    assert response.context["response_form"].non_field_errors()
    assert not Allocation.objects.exists()


def test_accepting_on_screen_allocates_and_shows_the_allocation(
    regular: dict[str, Any], login: Any
) -> None:
    offer = offer_to(regular)
    response = login(regular["officer"]).post(
        f"/verhuur/aanbiedingen/{offer.pk}/reactie/", {"reactie-decision": "accept"}
    )
    allocation = Allocation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/verhuur/aanbiedingen/toewijzingen/{allocation.pk}/"
    assert allocation.allocated_by == regular["officer"]


def test_withdrawing_on_screen(regular: dict[str, Any], login: Any) -> None:
    offer = offer_to(regular)
    url = f"/verhuur/aanbiedingen/{offer.pk}/intrekken/"
    assert (
        login(regular["people"][Role.CASE_WORKER])
        .post(url, {"intrekken-reason": "DOC"})
        .status_code
        == 404
    )
    browser = login(regular["manager"])
    response = browser.post(url, {"intrekken-reason": ""})
    assert response.status_code == 400
    response = browser.post(url, {"intrekken-reason": "DOC", "intrekken-note": "Geen stukken"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


def test_the_vacancy_page_runs_a_fixed_number_of_queries(
    regular: dict[str, Any], login: Any
) -> None:
    browser = login(regular["manager"])
    url = vacancy_url(regular["vacancy"])
    offer = offer_to(regular)
    offers.respond(acting_user=None, offer=offer, accept=False, reason="PER")
    one = count_queries(browser, url)
    for _i in range(4):
        applicant = candidate(regular["vacancy"], regular["officer"])
        offer = offer_to(regular, applicant)
        offers.respond(acting_user=None, offer=offer, accept=False, reason="WBN")
    candidate(regular["vacancy"], regular["officer"])
    candidate(regular["vacancy"], regular["officer"])
    assert Offer.objects.count() == 5
    assert count_queries(browser, url) == one


def test_the_care_stream_vacancy_lists_accepted_nominations_by_reference_only(
    care: dict[str, Any], login: Any
) -> None:
    page = login(care["manager"]).get(vacancy_url(care["vacancy"])).content.decode()
    assert care["nomination"].client.reference in page
    for secret in SECRETS:
        assert secret not in page
    assert care["nomination"].motivation not in page


def test_offering_to_a_nomination_on_screen(care: dict[str, Any], login: Any) -> None:
    url = f"{vacancy_url(care['vacancy'])}aanbieden/voordracht/{care['nomination'].pk}/"
    browser = login(care["manager"])
    page = browser.get(url)
    assert page.status_code == 200
    for secret in SECRETS:
        assert secret not in page.content.decode()
    response = browser.post(url, {"start_date": care["vacancy"].available_from.isoformat()})
    assert response.status_code == 302
    assert Offer.objects.get().nomination == care["nomination"]


def test_the_care_providers_offers_page(care: dict[str, Any], login: Any) -> None:
    offer = offer_care(care)
    url = "/verhuur/aanbiedingen/zorg/"
    page = login(care["worker"]).get(url)
    assert page.status_code == 200
    assert care["vacancy"].dwelling.street in page.content.decode()
    other = login(care["people"]["other_case_worker"]).get(url)
    assert other.status_code == 200
    assert f"/verhuur/aanbiedingen/{offer.pk}/reactie/" not in other.content.decode()
    for key in (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER, Role.RESIDENT, "platform_admin"):
        assert login(care["people"][key]).get(url).status_code == 404, key
    # Another care provider cannot answer it.
    response = login(care["people"]["other_case_worker"]).post(
        f"/verhuur/aanbiedingen/{offer.pk}/reactie/", {f"o{offer.pk}-decision": "accept"}
    )
    assert response.status_code == 404
    # The care provider refuses without a reason, then with one.
    browser = login(care["lead"])
    response = browser.post(
        f"/verhuur/aanbiedingen/{offer.pk}/reactie/", {f"o{offer.pk}-decision": "refuse"}
    )
    assert response.status_code == 400
    response = browser.post(
        f"/verhuur/aanbiedingen/{offer.pk}/reactie/",
        {f"o{offer.pk}-decision": "refuse", f"o{offer.pk}-reason": "WOB"},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REFUSED and offer.responded_by == care["lead"]


def test_the_care_providers_page_runs_a_fixed_number_of_queries(
    care: dict[str, Any], login: Any
) -> None:
    browser = login(care["worker"])
    url = "/verhuur/aanbiedingen/zorg/"
    offer = offer_care(care)
    offers.respond(acting_user=care["worker"], offer=offer, accept=False, reason="WOB")
    offer_care(care, vacancy=care_vacancy(DwellingFactory(complex=care["complex"])))
    one = count_queries(browser, url)
    for _i in range(3):
        open_offer = Offer.objects.get(status=OfferStatus.OFFERED)
        offers.respond(acting_user=care["worker"], offer=open_offer, accept=False, reason="WOB")
        offer_care(care, vacancy=care_vacancy(DwellingFactory(complex=care["complex"])))
    assert Offer.objects.count() == 5
    assert count_queries(browser, url) == one
