"""On a phone-size screen the pages fit: nothing scrolls sideways.

The phone asks for dark mode (as many do): the pages must stay readable with that preference.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.organisations.roles import Role
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    path_of,
)
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.browser


def check(page: Page) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def test_pages_fit_a_phone_screen(new_page: Any, member: Any, corporation: Any) -> None:
    # A privacy officer of two organisations: a long header (menu and role switch) and names.
    officer = member(
        Role.PRIVACY_OFFICER,
        organisation=corporation,
        first_name="Maximiliaan",
        last_name="van Oldenbarnevelt-Wijnbergen",
        email="maximiliaan.van.oldenbarnevelt-wijnbergen@woningcorporatie-voorbeeld.nl",
    )
    second = OrganisationFactory(name="Stichting Beschermd en Begeleid Wonen Midden-Nederland")
    MembershipFactory(user=officer.user, organisation=second, role=Role.PRIVACY_OFFICER)
    page = new_page(viewport=PHONE, has_touch=True, color_scheme="dark")

    log_in(page, officer.user, check=check)

    assert path_of(page) == "/"
    expect(page.locator("header select[name='membership']")).to_be_visible()
    check(page)
    for path in ["/organisaties/", f"/organisaties/{corporation.pk}/", f"/audit/{corporation.pk}/"]:
        page.goto(path)
        assert path_of(page) == path
        check(page)
