"""Logging in through the real pages: password and code, first-time set-up, mistakes, logging out."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.organisations.roles import Role
from tests.browser.helpers import (
    ENROL_PATH,
    LOGIN_PATH,
    assert_accessible,
    log_in,
    password_step,
    path_of,
    submit,
)
from tests.factories import TOTPDeviceFactory

pytestmark = pytest.mark.browser

LOGOUT_FORM = "header form[action$='/account/uitloggen/']"


def section_ids(page: Page) -> list[str]:
    return page.locator("main section.ds-card h2").evaluate_all("hs => hs.map(h => h.id)")


def section(page: Page, key: str) -> Any:
    return page.locator(f"main section[aria-labelledby='section-{key}']")


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        (
            Role.MIXED_LIVING_MANAGER,
            [
                "vacancies",
                "attention",
                "nominations",
                "signals",
                "flips",
                "visit_requests",
                "board",
            ],
        ),
        (
            Role.CASE_WORKER,
            ["clients", "offered", "attention", "check_ins", "referrals", "plan", "consent", "zrm"],
        ),
    ],
)
def test_password_and_code_lead_to_the_roles_home_page(
    page: Page, member: Any, role: str, sections: list[str]
) -> None:
    membership = member(role)
    user = membership.user

    log_in(page, user)

    assert path_of(page) == "/"
    assert page.locator("html").get_attribute("lang") == "nl"
    expect(page.locator("main h1")).to_contain_text(user.first_name)
    assert section_ids(page) == [f"section-{key}" for key in sections]
    for key in sections:
        expect(page.locator(f"#section-{key}")).to_be_visible()
        # Nothing is registered yet, so each section shows what will appear there.
        expect(section(page, key).locator(".ds-empty")).to_be_visible()
    expect(page.locator("header .ds-acting")).to_contain_text(membership.organisation.name)
    assert_accessible(page)
    # Keyboard users skip the header: the first Tab shows the skip link, Enter moves to the content.
    page.keyboard.press("Tab")
    skip_link = page.locator("a.ds-skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#inhoud")).to_be_focused()
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.LOGIN).count() == 1
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.SECOND_FACTOR_VERIFIED).exists()


def test_privacy_officer_home_shows_real_audit_events(
    page: Page, member: Any, corporation: Any
) -> None:
    officer = member(Role.PRIVACY_OFFICER, organisation=corporation)
    colleague = member(Role.LETTING_OFFICER, organisation=corporation)
    stranger = member(Role.LETTING_OFFICER)
    # A colleague and someone from another organisation mistype their password first.
    password_step(page, colleague.user.username, "not-my-password-1")
    password_step(page, stranger.user.username, "not-my-password-2")

    log_in(page, officer.user)

    assert path_of(page) == "/"
    assert section_ids(page) == ["section-failed_logins", "section-trail"]
    failed = section(page, "failed_logins")
    expect(failed.locator("li")).to_have_count(1)
    expect(failed.locator("li")).to_contain_text(colleague.user.username)
    expect(failed).not_to_contain_text(stranger.user.username)
    trail = section(page, "trail")
    # Their own login, second factor, and the colleague's failed login, newest first.
    expect(trail.locator("li")).to_have_count(3)
    expect(trail.locator("li").first).to_contain_text(officer.user.username)
    expect(trail).to_contain_text(colleague.user.username)
    expect(trail).not_to_contain_text(stranger.user.username)
    expect(trail.locator("h2 .ds-count")).to_have_text("3")
    # The officer's menu leads to their organisation's audit trail.
    expect(page.locator(f"header nav a[href='/audit/{officer.organisation_id}/']")).to_be_visible()
    assert_accessible(page)


def test_first_login_sets_up_the_authenticator_app(page: Page, member: Any) -> None:
    user = member(Role.LETTING_OFFICER).user

    password_step(page, user.username)

    assert path_of(page).startswith(ENROL_PATH)
    assert_accessible(page)
    expect(page.locator("main .ds-qr svg")).to_be_visible()
    key = page.locator("main .ds-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})*", key), key
    # What an authenticator app does with the typed key: base32-decode it, compute the code.
    raw = key.replace(" ", "")
    raw_key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    page.locator('input[name="token"]').fill(f"{TOTP(raw_key).token():06d}")
    submit(page)

    codes = page.locator("main .ds-codes li")
    expect(codes).to_have_count(10)
    expect(page.locator("main .utrecht-alert--ok")).to_be_visible()
    assert_accessible(page)
    assert TOTPDevice.objects.get(user=user).confirmed

    with page.expect_navigation():
        page.locator("main a.utrecht-button-link").click()
    assert path_of(page) == "/"
    expect(page.locator("#section-applications")).to_be_visible()
    assert_accessible(page)


def test_wrong_password_shows_an_error_and_nothing_else(page: Page, member: Any) -> None:
    user = member(Role.CASE_WORKER).user
    TOTPDeviceFactory(user=user)

    password_step(page, user.username, "this-is-not-the-password")

    assert path_of(page) == LOGIN_PATH
    expect(page.locator("main .utrecht-alert--error[role='alert']")).to_be_visible()
    expect(page.locator('input[name="username"]')).to_have_value(user.username)
    expect(page.locator('input[name="password"]')).to_have_value("")
    expect(page.locator(LOGOUT_FORM)).to_have_count(0)
    expect(page.locator("header nav")).to_have_count(0)
    assert_accessible(page)
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}
    page.goto("/")
    assert path_of(page).startswith(f"{LOGIN_PATH}?next=/")
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert actions == {AuditAction.LOGIN_FAILED}


def test_logging_out_returns_to_the_login_page(page: Page, member: Any) -> None:
    user = member(Role.TEAM_LEAD).user
    log_in(page, user)

    submit(page, LOGOUT_FORM)

    assert path_of(page) == LOGIN_PATH
    expect(page.locator("main [role='status']")).to_have_count(1)  # "you have been logged out"
    expect(page.locator(LOGOUT_FORM)).to_have_count(0)
    assert_accessible(page)
    page.goto("/organisaties/")
    assert path_of(page).startswith(f"{LOGIN_PATH}?next=")
    # Logging out is not an expired session: no warning about one.
    expect(page.locator("main .utrecht-alert--warning")).to_have_count(0)
    assert_accessible(page)
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.LOGOUT).count() == 1


def test_language_switch_in_the_header(page: Page, member: Any) -> None:
    membership = member(Role.MIXED_LIVING_MANAGER)
    log_in(page, membership.user)
    page.goto("/organisaties/")
    assert page.locator("html").get_attribute("lang") == "nl"
    language = page.locator("header form[action$='/taal/'] button[name='language']")
    expect(language).to_have_attribute("value", "en")

    submit(page, "header form[action$='/taal/']")

    assert path_of(page) == "/organisaties/"  # stays on the same page
    assert page.locator("html").get_attribute("lang") == "en"
    # English is the source language, so its texts are stable.
    expect(page.locator("main h1")).to_have_text("Organisations")
    expect(language).to_have_attribute("value", "nl")
    assert_accessible(page)
    page.goto("/")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("main h1")).to_have_text(f"Good to see you, {membership.user.first_name}")

    submit(page, "header form[action$='/taal/']")

    assert path_of(page) == "/"
    assert page.locator("html").get_attribute("lang") == "nl"
    expect(language).to_have_attribute("value", "en")
    assert_accessible(page)
