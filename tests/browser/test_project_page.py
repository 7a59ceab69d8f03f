"""A colleague on a phone finds a published project page and asks for a working visit without an
account; the corporation's manager then sees the request and marks it handled. Every page
passes axe and nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.outcomes import project
from doorstroom.outcomes.models import VisitRequest
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    path_of,
    submit,
)
from tests.factories import ComplexFactory, OrganisationFactory
from tests.outcomes import test_project as shared
from tests.outcomes.test_project import add_placements

pytestmark = pytest.mark.browser

# Mounts the pages at /projecten/ until the lead does, and starts with a fresh rate limit.
_project_urls_and_a_fresh_rate_limit = shared._project_urls_and_a_fresh_rate_limit

CONCEPT = (
    "Een derde van de woningen is voor mensen die uit de maatschappelijke opvang komen. "
    "Nieuwe bewoners kiezen we op hun motivatie om een goede buur te zijn."
)


def check(page: Page) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def test_a_colleague_requests_a_working_visit_on_a_phone(
    new_page: Callable[..., Page], member: Callable[..., Membership], mailoutbox: list[Any]
) -> None:
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Woonstad Test")
    manager = member(Role.MIXED_LIVING_MANAGER, corporation, email="beheer@woonstad.nl").user
    complex_ = ComplexFactory(
        corporation=corporation, name="De Nieuwe Buren van de Merwedekanaalzone", city="Utrecht"
    )
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER)
    add_placements(complex_, provider, flipped=17, open_=3)
    project.save_project_page(
        acting_user=None, complex_=complex_, concept=CONCEPT, since=dt.date(2021, 3, 1)
    )
    page_ = project.publish_project_page(acting_user=None, complex_=complex_)
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)

    # The list of projects.
    page.goto("/projecten/")
    expect(page.locator(".ds-card")).to_have_count(1)
    check(page)

    # The project page.
    page.get_by_role("link", name="De Nieuwe Buren van de Merwedekanaalzone").click()
    assert path_of(page) == f"/projecten/{page_.slug}/"
    expect(page.locator("main")).to_contain_text("maatschappelijke opvang")
    expect(page.locator("main .ds-items li")).to_have_count(3)
    check(page)

    # The form, first with an e-mail address that is not one and too many visitors.
    page.locator("#id_name").fill("Fatima Yilmaz")
    page.locator("#id_organisation").fill("Woonstichting Elders")
    page.locator("#id_email").fill("fatima-at-elders.nl")
    page.locator("#id_proposed_dates").fill("Een dinsdag in september")
    page.locator("#id_group_size").fill("40")
    submit(page, "main form.ds-form")
    expect(page.locator(".ds-error-summary li")).to_have_count(2)
    expect(page.locator("#id_name")).to_have_value("Fatima Yilmaz")
    assert not VisitRequest.objects.exists()
    check(page)

    page.locator("#id_email").fill("f.yilmaz@elders.nl")
    page.locator("#id_group_size").fill("4")
    submit(page, "main form.ds-form")
    # The form posts to the page's #werkbezoek, so errors show at the form; a browser keeps that
    # fragment through the redirect.
    assert path_of(page).split("#")[0] == f"/projecten/{page_.slug}/verzonden/"
    check(page)
    request = VisitRequest.objects.get()
    assert request.email == "f.yilmaz@elders.nl"
    [message] = mailoutbox
    assert message.to == ["beheer@woonstad.nl"]

    # The manager sees the request and marks it handled.
    manager_page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    log_in(manager_page, manager, check=check)
    manager_page.goto("/projecten/beheer/bezoekverzoeken/")
    expect(manager_page.locator(f"#verzoek-{request.pk}")).to_contain_text("Fatima Yilmaz")
    check(manager_page)
    submit(manager_page, f"#verzoek-{request.pk} form")
    expect(manager_page.locator(".utrecht-alert--ok")).to_be_visible()
    check(manager_page)
    request.refresh_from_db()
    assert request.handled_by == manager

    # The page editor and the overview.
    manager_page.goto(f"/projecten/beheer/{complex_.pk}/")
    expect(manager_page.locator("#id_concept")).to_have_value(CONCEPT)
    check(manager_page)
    manager_page.goto("/projecten/beheer/")
    check(manager_page)
