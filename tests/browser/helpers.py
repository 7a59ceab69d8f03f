"""Helpers for the browser tests: axe-core checks, screenshots and logging in through the UI."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from tests.factories import PASSWORD, TOTPDeviceFactory

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

LOGIN_PATH = "/account/inloggen/"
VERIFY_PATH = "/account/verifieren/"
ENROL_PATH = "/account/tweestapsverificatie/"

#: Name of the running test, set by an autouse fixture in conftest.py; prefixes screenshot files.
current_test = {"name": "browser-test"}


def save_screenshot(page: Page, label: str) -> Path | None:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    path = ARTIFACTS_DIR / f"{current_test['name']}-{label}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception:  # a crashed or closed page must not hide the real failure
        return None
    return path


# --- accessibility -------------------------------------------------------------------------------

_AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}
"""


def assert_accessible(page: Page, *, screenshot: bool = True) -> None:
    """Fail with a readable list when axe-core finds WCAG 2.1 A/AA violations on the page.

    Violations that axe cannot decide ("incomplete", e.g. text on a gradient) do not fail.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(_AXE_RUN, WCAG_TAGS)
    if not violations:
        return
    path = page.url.removeprefix("http://").split("/", 1)[-1]
    label = "axe-" + (re.sub(r"[^\w]+", "_", path).strip("_") or "root")
    shot = save_screenshot(page, label) if screenshot else None
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {page.url}"]
    if shot:
        lines[0] += f" (screenshot: {shot})"
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


def assert_no_horizontal_scroll(page: Page) -> None:
    """Nothing sticks out sideways: the page is no wider than the window (and the viewport)."""
    page.wait_for_load_state("load")  # not while a navigation is still replacing the document
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    # With mobile emulation Chromium zooms out to fit wide content, which widens innerWidth;
    # compare with the configured viewport too so that cannot hide an overflow.
    limit = min(widths["inner"], (page.viewport_size or {}).get("width", widths["inner"]))
    assert widths["scroll"] <= limit, (
        f"{page.url} scrolls sideways: the content is {widths['scroll']}px wide "
        f"in a {limit}px window"
    )


# --- logging in ----------------------------------------------------------------------------------


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def submit(page: Page, form: str = "main form") -> None:
    """Click the submit button of ``form`` and wait for the page that answers."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def password_step(
    page: Page,
    username: str,
    password: str = PASSWORD,
    *,
    check: Callable[[Page], None] | None = None,
) -> None:
    """Fill in and send the login form (the first step)."""
    page.goto(LOGIN_PATH)
    (check or assert_accessible)(page)
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    submit(page)


def log_in(
    page: Page,
    user: Any,
    device: TOTPDevice | None = None,
    *,
    check: Callable[[Page], None] | None = None,
) -> TOTPDevice:
    """Log in through the real login pages: password, then the current code of a confirmed device.

    A TOTP code is accepted once per device and time step, and every wrong code slows down the
    next attempt (OTP_TOTP_THROTTLE_FACTOR), so log each user in at most once per test.
    ``check`` runs on the login and code pages (default: ``assert_accessible``).
    """
    check = check or assert_accessible
    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDeviceFactory(
            user=user
        )
    password_step(page, user.username, check=check)
    assert path_of(page).startswith(VERIFY_PATH), f"expected the code step, got {page.url}"
    check(page)
    page.locator('input[name="token"]').fill(current_code(device))
    submit(page)
    assert not path_of(page).startswith(VERIFY_PATH), "the second factor was refused"
    return device
