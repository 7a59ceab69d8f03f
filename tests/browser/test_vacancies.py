"""The vacancy screens in the browser: the manager sees the vacancies with their stream and the
reason, chooses the other stream with a reason, and opens a vacancy for a new dwelling; every page
passes axe, also on a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.lettings import vacancies
from doorstroom.lettings.models import Vacancy
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio.mix import Stream
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    path_of,
)
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory

pytestmark = pytest.mark.browser


def test_the_manager_chooses_the_stream_with_a_reason_and_opens_a_vacancy(
    page: Page, member: Any
) -> None:
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Corporatie Domstad")
    manager = member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user
    complex_ = ComplexFactory(corporation=corporation, name="De Galerij")
    dwellings = DwellingFactory.create_batch(4, complex=complex_)
    AgreementFactory(complex=complex_, dwellings_promised=1, start_date=dt.date(2024, 1, 1))
    vacancy = vacancies.open_vacancy(
        acting_user=None, dwelling=dwellings[0], available_from=dt.date.today()
    )
    assert vacancy.stream == Stream.CARE  # the agreement's one dwelling is not leased yet

    log_in(page, manager)
    page.goto("/verhuur/")
    expect(page.locator("main")).to_contain_text(dwellings[0].address)
    assert_accessible(page)

    page.get_by_role("link", name=dwellings[0].address).click()
    expect(page.locator("main")).to_contain_text(vacancy.proposal_reason[:30])
    assert_accessible(page)
    page.locator("summary", has_text="stroom").first.click()
    page.get_by_label("Reguliere stroom").check()
    page.locator("form:has(input[value=stream]) button[type=submit]").click()
    expect(
        page.locator(".utrecht-form-field-error-message, .ds-error-summary").first
    ).to_be_visible()
    vacancy.refresh_from_db()
    assert vacancy.stream == Stream.CARE  # refused without a reason

    page.get_by_label("Reguliere stroom").check()
    page.locator("textarea[name=reason]").fill("De zorgaanbieder heeft nu geen kandidaat.")
    page.locator("form:has(input[value=stream]) button[type=submit]").click()
    vacancy.refresh_from_db()
    assert vacancy.stream == Stream.REGULAR
    assert_accessible(page)

    page.goto(f"/verhuur/complexen/{complex_.pk}/")
    assert_accessible(page)
    page.locator("select[name=dwelling]").select_option(str(dwellings[1].pk))
    page.locator("select[name=cause]").select_option("new_build")
    page.locator("section[aria-labelledby=melden] button[type=submit]").click()
    new = Vacancy.objects.get(dwelling=dwellings[1])
    assert path_of(page) == f"/verhuur/vacatures/{new.pk}/"

    page.set_viewport_size(PHONE)
    for path in (
        "/verhuur/",
        f"/verhuur/vacatures/{new.pk}/",
        f"/verhuur/complexen/{complex_.pk}/",
    ):
        page.goto(path)
        assert_accessible(page, screenshot=False)
        assert_no_horizontal_scroll(page)
