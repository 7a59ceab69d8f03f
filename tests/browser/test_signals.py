"""Early warning in the browser: a neighbourhood team member sees the team screen with a labelled
tenant and a referral, and records a contact. Every page passes axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.tenancies.models import ReferralStatus, SignalKind
from doorstroom.tenancies.signals_services import record_signal
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    submit,
)
from tests.tenancies_signals.conftest import Setting, setting  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_a_team_member_records_a_contact(page: Page, live_server: Any, setting: Setting) -> None:  # noqa: F811
    setting.consent(setting.flipped_client)
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.labelled, kind=SignalKind.NUISANCE
    )
    referral = signal.referrals.get(receiver=setting.team)

    log_in(page, setting.team_member)
    page.goto("/buurtteam/")
    expect(page.locator("main h1")).to_contain_text("Buurtteam Oost")
    expect(page.get_by_role("row", name="Bram Jansen")).to_contain_text("bram@example.nl")
    assert_accessible(page)

    card = page.locator(f"#doorverwijzing-{referral.pk}")
    card.locator("input[value=contact_made]").check()
    card.locator("textarea").fill("Langs geweest, afspraak gemaakt.")
    submit(page, f"#doorverwijzing-{referral.pk} form")
    expect(page.locator(".utrecht-alert, [role=status]").first).to_be_visible()
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONTACT_MADE

    page.set_viewport_size(PHONE)
    page.goto("/buurtteam/gebieden/")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
