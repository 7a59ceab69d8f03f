"""The outcome dashboards in the browser: the manager narrows the figures to a complex with the
plain GET form and follows a figure to its definition; the policy officer's page fits a phone.
Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    path_of,
    submit,
)
from tests.outcomes.test_dashboard import world  # noqa: F401  (the fixture)

# The URL configuration of tests/outcomes/test_dashboard.py mounts /uitkomsten/ if needed.
pytestmark = pytest.mark.browser


def test_the_manager_filters_the_dashboard_and_reads_a_definition(
    new_page: Callable[..., Page],
    world: dict[str, Any],  # noqa: F811
) -> None:
    page = new_page()
    log_in(page, world["manager"])
    page.goto("/uitkomsten/?peildatum=2026-01-01")
    expect(page.locator("#figuur-placements strong")).to_have_text("4")
    expect(page.locator("main svg[role=img]")).to_have_count(4)
    assert_accessible(page)

    page.locator("select[name=bereik]").select_option(f"complex-{world['complex_b'].pk}")
    submit(page, "main form.ds-inline-filter")
    assert path_of(page).startswith("/uitkomsten/?")
    expect(page.locator("#figuur-placements strong")).to_have_text("1")
    assert_accessible(page)

    page.locator("#figuur-flip_share a").click()
    assert path_of(page) == "/uitkomsten/definities/#flip_share"
    expect(page.locator("dt#flip_share")).to_be_visible()
    assert_accessible(page)


def test_the_policy_officer_dashboard_fits_a_phone(
    new_page: Callable[..., Page],
    world: dict[str, Any],  # noqa: F811
) -> None:
    page = new_page(viewport=PHONE, has_touch=True)
    log_in(page, world["policy"], check=lambda p: None)
    page.goto("/uitkomsten/?peildatum=2026-01-01")
    expect(page.locator("#figuur-exited_without_flip strong")).to_have_text("<5")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
