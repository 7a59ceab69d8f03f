"""A home seeker on a phone finds an advert, applies without an account and confirms through the
link in the e-mail. Every public page passes axe and nothing scrolls sideways."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from doorstroom.lettings.models import Application, ApplicationStatus
from doorstroom.lettings.vacancies import policy_for
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    path_of,
    submit,
)
from tests.factories import ComplexFactory, DwellingFactory, VacancyFactory

pytestmark = pytest.mark.browser

WHY = "Ik wil wonen op een plek waar buren elkaar kennen en helpen, ook als het even tegenzit."
BRING = "Ik kook graag voor anderen en wil een maandelijkse maaltijd in de huiskamer opzetten."
EXPERIENCE = "Ik ben al vijf jaar vrijwilliger bij het buurthuis en bij de voedselbank in de wijk."


def check(page: Page) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def test_a_home_seeker_applies_on_a_phone(
    new_page: Callable[..., Page], mailoutbox: list[Any]
) -> None:
    complex_ = ComplexFactory(name="De Nieuwe Buren van de Merwedekanaalzone", city="Utrecht")
    policy = policy_for(complex_)
    policy.motivation_min_chars = 60
    policy.save()
    vacancy = VacancyFactory(
        dwelling=DwellingFactory(
            complex=complex_,
            street="Koningin Wilhelminalaan",
            house_number=118,
            house_number_addition="BIS",
            rooms=4,
            net_rent=Decimal("687.25"),
        ),
        advert_text="Lichte hoekwoning met een ruim balkon op het zuiden en een eigen berging.",
    )
    VacancyFactory(dwelling=DwellingFactory(street="Tweede Advertentiestraat", rooms=1))
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)

    # The list of adverts.
    page.goto("/woningaanbod/")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator(".ds-card")).to_have_count(2)
    expect(page.locator(".ds-card figure figcaption").first).to_be_visible()
    check(page)

    # The advert.
    page.get_by_role("link", name="Koningin Wilhelminalaan 118-BIS").click()
    assert path_of(page) == f"/woningaanbod/{vacancy.pk}/"
    expect(page.locator("main")).to_contain_text("€ 687,25")
    expect(page.locator("main")).to_contain_text("ruim balkon op het zuiden")
    check(page)

    # The form, first sent with too short a motivation and an income that is not a number.
    page.locator(f"a[href='/woningaanbod/{vacancy.pk}/reageren/']").click()
    assert path_of(page) == f"/woningaanbod/{vacancy.pk}/reageren/"
    check(page)
    page.locator("#id_email").fill("Sanne.de.Vries@example.nl")
    page.locator("#id_full_name").fill("Sanne de Vries")
    page.locator("#id_adults").fill("1")
    page.locator("#id_children").fill("0")
    page.locator("#id_senior_household_1").check()
    page.locator("#id_gross_income").fill("ongeveer 30 duizend")
    page.locator("#id_registration_date").fill("2019-05-01")
    page.locator("#id_motivation_why").fill(WHY)
    page.locator("#id_motivation_bring").fill("Gezelligheid.")
    page.locator("#id_motivation_experience").fill(EXPERIENCE)
    page.locator("input[name=pledge_kinds][value=garden]").check()
    page.locator("#id_pledge_hours").fill("4")
    submit(page)

    expect(page.locator(".ds-error-summary li")).to_have_count(2)
    expect(page.locator("#id_motivation_why")).to_have_value(WHY)
    assert not Application.objects.exists()
    check(page)

    page.locator("#id_gross_income").fill("30.250,50")
    page.locator("#id_motivation_bring").fill(BRING)
    submit(page)

    assert path_of(page) == f"/woningaanbod/{vacancy.pk}/reageren/verzonden/"
    check(page)
    application = Application.objects.get()
    assert application.gross_income == Decimal("30250.50")
    assert application.status == ApplicationStatus.UNVERIFIED

    # The link in the e-mail confirms the address and opens the personal page.
    [message] = mailoutbox
    match = re.search(re.escape(settings.SITE_URL) + r"(/woningaanbod/reactie/\S+/)", message.body)
    assert match, message.body
    page.goto(match.group(1))
    expect(page.locator("main .utrecht-alert--ok")).to_be_visible()
    check(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    # Withdrawing asks first.
    page.locator("a[href$='/intrekken/']").click()
    check(page)
    submit(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    check(page)
