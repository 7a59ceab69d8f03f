"""Selection in the browser: a letting officer scores an application on the rubric, then sees
both reviews and the shortlist. Every page passes axe, also on a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.lettings import selection
from doorstroom.lettings.models import MotivationReview
from doorstroom.lettings.vacancies import policy_for
from doorstroom.organisations.roles import OrganisationKind, Role
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    submit,
)
from tests.factories import (
    ApplicationFactory,
    ComplexFactory,
    DwellingFactory,
    OrganisationFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(member: Any) -> dict[str, Any]:
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Corporatie Domstad")
    officer = member(Role.LETTING_OFFICER, organisation=corporation).user
    colleague = member(Role.LETTING_OFFICER, organisation=corporation).user
    complex_ = ComplexFactory(corporation=corporation, name="Mixit")
    vacancy = VacancyFactory(dwelling=DwellingFactory(complex=complex_))
    criteria = list(policy_for(complex_).criteria.all())
    application = ApplicationFactory(vacancy=vacancy, full_name="Sanne de Vries")
    selection.score_motivation(
        acting_user=colleague,
        application=application,
        scores={c.pk: 2 for c in criteria},
        note="Weinig concreet over de bijdrage.",
    )
    other = ApplicationFactory(vacancy=vacancy, full_name="Youssef El Amrani")
    for user in (officer, colleague):
        selection.score_motivation(
            acting_user=user, application=other, scores={c.pk: 4 for c in criteria}
        )
    ApplicationFactory(vacancy=vacancy, full_name="Fleur Jansen")
    return {
        "officer": officer,
        "vacancy": vacancy,
        "criteria": criteria,
        "application": application,
    }


def test_a_letting_officer_scores_an_application_and_reads_the_shortlist(
    new_page: Callable[..., Page], setting: dict[str, Any]
) -> None:
    application = setting["application"]
    page = new_page()
    log_in(page, setting["officer"])

    page.goto(f"/verhuur/selectie/reacties/{application.pk}/")
    expect(page.locator("main h1")).to_have_text("Sanne de Vries")
    expect(page.locator("main")).not_to_contain_text("Weinig concreet")  # score independently
    assert_accessible(page)

    for criterion in setting["criteria"]:
        page.locator(f"input[name=criterion_{criterion.pk}][value='4']").check()
    page.locator("textarea[name=note]").fill("Concreet plan voor een buurtmaaltijd.")
    submit(page, "form.ds-zrm-form")

    assert MotivationReview.objects.filter(reviewer=setting["officer"]).count() == 2
    expect(page.locator(".ds-score-table")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Weinig concreet")
    expect(page.locator(".ds-score-table .ds-tag").first).to_be_visible()  # 4 against 2
    assert_accessible(page)

    page.goto(f"/verhuur/selectie/vacatures/{setting['vacancy'].pk}/")
    rows = page.locator("#running-caption").locator("xpath=..").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Youssef El Amrani")
    expect(page.locator("main")).to_contain_text("Sanne de Vries")
    assert_accessible(page)

    # The same session on a phone (a TOTP code is accepted only once per time step).
    phone = new_page(
        viewport=PHONE, is_mobile=True, has_touch=True, storage_state=page.context.storage_state()
    )
    for path in (
        f"/verhuur/selectie/vacatures/{setting['vacancy'].pk}/",
        f"/verhuur/selectie/reacties/{application.pk}/",
    ):
        phone.goto(path)
        assert_accessible(phone)
        assert_no_horizontal_scroll(phone)
