"""Portfolio screens in the browser: every page passes axe, and a manager leases and hands back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio import services
from doorstroom.portfolio.models import CareLease, CommunalSpace, Quota
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, log_in, submit
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def portfolio(member: Any) -> dict[str, Any]:
    manager = member(Role.MIXED_LIVING_MANAGER)
    corporation = manager.organisation
    complex_ = ComplexFactory(corporation=corporation, name="De Galerij")
    CommunalSpace.objects.create(complex=complex_, kind="living_room", size_m2=60)
    dwellings = DwellingFactory.create_batch(6, complex=complex_)
    stacked = ComplexFactory(
        corporation=corporation, name="Het Blok", typology="POF", staff_present_daily=False
    )
    DwellingFactory.create_batch(3, complex=stacked)
    agreement = AgreementFactory(
        complex=complex_, dwellings_promised=2, start_date=dt.date(2025, 1, 1)
    )
    services.lease_dwelling(
        acting_user=None, agreement=agreement, dwelling=dwellings[0], start_date=dt.date(2025, 2, 1)
    )
    municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, municipality_name="Utrecht"
    )
    Quota.objects.create(
        municipality=municipality,
        corporation=corporation,
        year=dt.date.today().year,
        target_group="mo",
        dwellings=6,
    )
    return {
        "manager": manager,
        "complex": complex_,
        "stacked": stacked,
        "agreement": agreement,
        "dwellings": dwellings,
    }


def test_manager_works_through_the_portfolio(page: Page, portfolio: dict[str, Any]) -> None:
    log_in(page, portfolio["manager"].user)
    page.goto("/portefeuille/")
    expect(page.locator("main table tbody tr")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Niet geschikt")
    assert_accessible(page)

    page.locator("main table a", has_text="De Galerij").click()
    expect(page.locator("main h1")).to_contain_text("De Galerij")
    expect(page.locator("#geschiktheid")).to_contain_text("Geschikt")
    assert_accessible(page)

    page.locator("main a", has_text=portfolio["agreement"].care_provider.name).first.click()
    expect(page.locator(".ds-kpi").nth(2)).to_contain_text("1")  # the gap
    assert_accessible(page)

    # Lease a second dwelling through the form: the gap closes.
    page.locator("select[name=dwelling]").select_option(index=1)
    submit(page, "form[action$='/huren/']")
    expect(page.locator(".ds-kpi").nth(2)).to_contain_text("0")
    assert (
        CareLease.objects.filter(agreement=portfolio["agreement"], end_date__isnull=True).count()
        == 2
    )

    # Hand one back: it stays in the history as an earlier lease.
    submit(page, "form[action*='/teruggeven/']")
    expect(page.locator("main")).to_contain_text("Eerdere")
    assert (
        CareLease.objects.filter(agreement=portfolio["agreement"], end_date__isnull=False).count()
        == 1
    )
    assert_accessible(page)

    page.goto(f"/portefeuille/woningen/{portfolio['dwellings'][0].pk}/")
    expect(page.locator("main h1")).to_contain_text(portfolio["dwellings"][0].street)
    assert_accessible(page)

    page.goto(f"/portefeuille/complexen/{portfolio['complex'].pk}/wijzigen/")
    assert_accessible(page)
    page.goto("/taakstelling/")
    expect(page.locator("main table")).to_contain_text("6")
    assert_accessible(page)


def test_portfolio_pages_fit_a_phone(new_page: Any, portfolio: dict[str, Any]) -> None:
    page = new_page(viewport={"width": 375, "height": 812})
    log_in(page, portfolio["manager"].user)
    for url in (
        "/portefeuille/",
        f"/portefeuille/complexen/{portfolio['complex'].pk}/",
        "/taakstelling/",
    ):
        page.goto(url)
        assert_no_horizontal_scroll(page)
