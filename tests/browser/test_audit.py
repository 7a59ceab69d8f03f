"""The privacy officer searches the audit trail: with htmx, and as a plain form without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from doorstroom.audit import services as audit
from doorstroom.audit.models import AuditAction
from doorstroom.organisations.roles import Role
from tests.browser.helpers import assert_accessible, log_in, path_of, submit

pytestmark = pytest.mark.browser


def test_privacy_officer_filters_the_audit_trail(
    new_page: Any, member: Any, corporation: Any
) -> None:
    officer = member(Role.PRIVACY_OFFICER, organisation=corporation)
    colleague = member(Role.LETTING_OFFICER, organisation=corporation)
    stranger = member(Role.LETTING_OFFICER)
    audit.record(actor=colleague.user, action=AuditAction.LOGIN_FAILED)
    audit.record(actor=stranger.user, action=AuditAction.LOGIN_FAILED)
    page = new_page()
    log_in(page, officer.user)
    trail_path = f"/audit/{corporation.pk}/"

    page.locator(f"header nav a[href='{trail_path}']").click()
    page.wait_for_url(f"**{trail_path}")
    rows = page.locator("#resultaten tbody tr")
    # The colleague's failed login, the officer's login and second factor; not the stranger.
    expect(rows).to_have_count(3)
    expect(page.locator("#resultaten")).not_to_contain_text(stranger.user.username)
    assert_accessible(page)

    # htmx: choosing an action reloads only the results, and puts the filter in the address.
    page.evaluate("window.__sameDocument = true")
    page.locator("select[name='action']").select_option(AuditAction.LOGIN_FAILED.value)
    page.wait_for_url(re.compile(r"[?&]action=login_failed"))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(colleague.user.username)
    # Then a name, sent with the search button.
    page.locator("input[name='actor']").fill(officer.user.username)
    page.locator("select[name='action']").select_option("")
    page.locator("main form button[type='submit']").click()
    page.wait_for_url(re.compile(rf"[?&]actor={officer.user.username}(&|$)"))
    expect(rows).to_have_count(2)
    expect(page.locator("#resultaten")).not_to_contain_text(colleague.user.username)
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded instead of htmx"
    assert_accessible(page)

    # Without JavaScript the same form is a plain GET that renders the whole page.
    plain = new_page(storage_state=page.context.storage_state(), java_script_enabled=False)
    plain.goto(trail_path)
    expect(plain.locator("#resultaten tbody tr")).to_have_count(3)
    plain.locator("select[name='action']").select_option(AuditAction.LOGIN.value)
    submit(plain)
    assert path_of(plain).startswith(f"{trail_path}?")
    assert "action=login&" in plain.url or plain.url.endswith("action=login")
    expect(plain.locator("main h1")).to_contain_text(corporation.name)
    expect(plain.locator("select[name='action']")).to_have_value(AuditAction.LOGIN.value)
    expect(plain.locator("#resultaten tbody tr")).to_have_count(1)
    expect(plain.locator("#resultaten tbody tr")).to_contain_text(officer.user.username)

    # The filtered page, opened directly, passes the accessibility check too.
    page.goto(path_of(plain))
    expect(rows).to_have_count(1)
    assert_accessible(page)
