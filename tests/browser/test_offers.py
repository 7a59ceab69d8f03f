"""Offers in the browser: the letting officer offers a regular dwelling after seeing the
affordability check, records a refusal by phone, offers it to the next candidate and records the
acceptance; the care provider accepts a care-stream offer. Every page passes axe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.lettings import offers
from doorstroom.lettings.models import Allocation, InterviewOutcome, Offer, OfferStatus
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio.models import CareLease, RegularTenancy
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    path_of,
    submit,
)
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory
from tests.lettings.helpers import SECRETS
from tests.lettings.offer_helpers import (
    accepted_nomination,
    candidate,
    care_vacancy,
    ensure_reference_data,
    limits_for_this_year,
    regular_vacancy,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(member: Any) -> dict[str, Any]:
    ensure_reference_data()
    limits_for_this_year()
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Corporatie Domstad")
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg Utrecht")
    manager = member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user
    officer = member(Role.LETTING_OFFICER, organisation=corporation).user
    worker = member(Role.CASE_WORKER, organisation=provider).user
    complex_ = ComplexFactory(corporation=corporation, name="De Galerij")
    dwellings = DwellingFactory.create_batch(3, complex=complex_)
    agreement = AgreementFactory(
        complex=complex_, care_provider=provider, start_date=dt.date(2024, 1, 1)
    )
    return {
        "corporation": corporation,
        "provider": provider,
        "manager": manager,
        "officer": officer,
        "worker": worker,
        "complex": complex_,
        "dwellings": dwellings,
        "agreement": agreement,
    }


def test_a_regular_dwelling_is_offered_refused_offered_again_and_allocated(
    page: Page, setting: dict[str, Any]
) -> None:
    officer = setting["officer"]
    vacancy = regular_vacancy(setting["dwellings"][0])
    first = candidate(vacancy, officer, full_name="Anna de Vries")
    second = candidate(vacancy, officer, InterviewOutcome.DOUBT, full_name="Bram Jansen")
    candidate(vacancy, officer, InterviewOutcome.NEGATIVE, full_name="Cor Smit")
    url = f"/verhuur/aanbiedingen/vacatures/{vacancy.pk}/"

    log_in(page, officer)
    page.goto(url)
    expect(page.locator("main h1")).to_contain_text(vacancy.dwelling.street)
    expect(page.get_by_role("link", name="Anna de Vries")).to_have_count(1)
    assert_accessible(page)

    # The first candidate: the affordability check, then the offer.
    page.get_by_role("link", name="Anna de Vries").click()
    expect(page.locator("main")).to_contain_text("· PAS")
    assert_accessible(page)
    submit(page, "main form.ds-form")
    assert path_of(page) == url
    expect(page.locator("section[aria-labelledby=open-aanbieding]")).to_contain_text(
        "Anna de Vries"
    )
    assert_accessible(page)

    # A refusal by phone without a reason is answered on the form; with a reason it is recorded.
    page.locator("input[name='reactie-decision'][value='refuse']").check()
    submit(page, "form[action$='/reactie/']")
    expect(page.locator(".utrecht-form-field--invalid")).not_to_have_count(0)
    assert_accessible(page)
    page.locator("input[name='reactie-decision'][value='refuse']").check()
    page.locator("select[name='reactie-reason']").select_option("WBN")
    submit(page, "form[action$='/reactie/']")
    assert path_of(page) == url
    assert Offer.objects.get(application=first).status == OfferStatus.REFUSED

    # The next candidate, and the acceptance recorded by phone.
    page.get_by_role("link", name="Bram Jansen").click()
    submit(page, "main form.ds-form")
    page.locator("input[name='reactie-decision'][value='accept']").check()
    submit(page, "form[action$='/reactie/']")
    allocation = Allocation.objects.get()
    assert path_of(page) == f"/verhuur/aanbiedingen/toewijzingen/{allocation.pk}/"
    expect(page.locator("main")).to_contain_text("Bram Jansen")
    assert_accessible(page)
    assert RegularTenancy.objects.get().tenant_name == "Bram Jansen"
    assert offers.open_offer_of(second) is None

    # The allocation letter opens as a PDF.
    response = page.request.get(f"/verhuur/aanbiedingen/toewijzingen/{allocation.pk}/brief.pdf")
    assert response.ok and response.body().startswith(b"%PDF")

    # The history on a phone: no sideways scrolling.
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def test_the_care_provider_accepts_a_care_stream_offer(
    new_page: Callable[..., Page], setting: dict[str, Any]
) -> None:
    world = {**setting, "lead": setting["worker"]}
    vacancy = care_vacancy(setting["dwellings"][1])
    nomination = accepted_nomination(world)

    manager = new_page()
    log_in(manager, setting["manager"])
    manager.goto(f"/verhuur/aanbiedingen/vacatures/{vacancy.pk}/")
    for secret in SECRETS:
        expect(manager.locator("main")).not_to_contain_text(secret)
    assert_accessible(manager)
    manager.get_by_role("link", name=nomination.client.reference).click()
    assert_accessible(manager)
    submit(manager, "main form.ds-form")
    offer = Offer.objects.get()
    assert offer.nomination == nomination

    worker = new_page(viewport=PHONE)
    log_in(worker, setting["worker"])
    worker.goto("/verhuur/aanbiedingen/zorg/")
    expect(worker.locator(f"#aanbieding-{offer.pk}")).to_contain_text(vacancy.dwelling.street)
    assert_accessible(worker)
    assert_no_horizontal_scroll(worker)
    worker.locator(f"input[name='o{offer.pk}-decision'][value='accept']").check()
    submit(worker, f"#aanbieding-{offer.pk} form")
    assert path_of(worker).split("#")[0] == "/verhuur/aanbiedingen/zorg/"
    assert_accessible(worker)
    assert CareLease.objects.get().dwelling == vacancy.dwelling
    allocation = Allocation.objects.get()
    worker.goto(f"/verhuur/aanbiedingen/toewijzingen/{allocation.pk}/")
    expect(worker.locator("main")).to_contain_text(nomination.client.reference)
    assert_accessible(worker)
