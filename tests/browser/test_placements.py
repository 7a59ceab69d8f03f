"""Placements in the browser: the corporation's manager opens a placement that is ready to flip
(the team lead has signed already), signs off, and gets the flip form. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.tenancies import services
from doorstroom.tenancies.models import FlipSignOff
from tests.browser.helpers import assert_accessible, log_in, path_of, submit
from tests.tenancies.conftest import make_ready, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_manager_signs_off_a_placement_ready_to_flip(
    new_page: Callable[..., Page],
    world: dict[str, Any],  # noqa: F811
) -> None:
    placement = make_ready(world)
    services.sign_off(acting_user=world["lead"], placement=placement)

    page = new_page()
    log_in(page, world["manager"])
    page.goto("/plaatsingen/")
    expect(page.locator("main table")).to_contain_text(placement.client_ref)
    assert_accessible(page)

    page.locator(f"main a[href='/plaatsingen/{placement.pk}/']").click()
    expect(page.locator("main h1")).to_contain_text(placement.client_ref)
    expect(page.locator("main input[name=flip-tenant_name]")).to_have_count(0)
    assert_accessible(page)

    submit(page, "main form:has(input[name=action][value=sign_off])")
    assert path_of(page) == f"/plaatsingen/{placement.pk}/"
    expect(page.locator("main input[name=flip-tenant_name]")).to_be_visible()
    assert_accessible(page)
    assert FlipSignOff.objects.filter(placement=placement).count() == 2
