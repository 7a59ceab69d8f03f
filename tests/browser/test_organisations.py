"""Organisation pages: your own opens, another organisation's looks like a page that is not there."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.organisations.roles import Role
from tests.browser.helpers import assert_accessible, log_in, path_of

pytestmark = pytest.mark.browser


def test_own_organisation_opens_and_another_one_is_not_found(
    page: Page, member: Any, care_provider: Any, corporation: Any
) -> None:
    own = member(Role.CASE_WORKER, organisation=care_provider)
    colleague = member(Role.TEAM_LEAD, organisation=care_provider)
    other = member(Role.MIXED_LIVING_MANAGER, organisation=corporation)
    log_in(page, own.user)

    page.locator("header nav a[href='/organisaties/']").click()
    page.wait_for_url("**/organisaties/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(care_provider.name)
    expect(page.locator("main")).not_to_contain_text(corporation.name)
    assert_accessible(page)

    rows.locator("a").click()
    page.wait_for_url(f"**/organisaties/{care_provider.pk}/")
    expect(page.locator("main h1")).to_have_text(care_provider.name)
    members = page.locator("main table tbody tr")
    expect(members).to_have_count(2)
    for person in (own.user, colleague.user):
        expect(members.filter(has_text=person.email)).to_have_count(1)
    assert_accessible(page)

    response = page.goto(f"/organisaties/{corporation.pk}/")
    assert response is not None
    assert response.status == 404
    assert path_of(page) == f"/organisaties/{corporation.pk}/"
    heading = page.locator("main h1").inner_text()
    expect(page.locator("body")).not_to_contain_text(corporation.name)
    expect(page.locator("body")).not_to_contain_text(other.user.email)
    expect(page.locator("main a[href='/']")).to_be_visible()  # back to your home page
    assert_accessible(page)

    # An organisation that does not exist at all gives exactly the same page.
    response = page.goto("/organisaties/999999/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_have_text(heading)
