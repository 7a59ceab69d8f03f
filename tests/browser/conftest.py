"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against the live server.

One Chromium runs per test process (per xdist worker) for all browser tests; every test gets
fresh browser contexts, so no cookie or session leaks from one test into the next. The live
server is pytest-django's ``live_server`` (transactional database: the server thread sees what
the test creates).

Every page a test visits is checked with axe-core (``helpers.assert_accessible``). When a test
fails, a screenshot of each of its pages is saved in ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser.helpers import DESKTOP, current_test, save_screenshot

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


# --- browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright, from the first browser test of this process until its last one.

    Playwright's sync API keeps an asyncio event loop marked as running in this thread, and
    Django refuses database access from a thread with a running loop; nothing here is async, so
    DJANGO_ALLOW_ASYNC_UNSAFE is set while Playwright runs. It is not set for the whole session
    (or at import time): the other tests would inherit it, and so would the subprocesses they
    start (``check --deploy`` then fails with async.E001). Package scope stops Playwright (and
    its loop) before the tests outside tests/browser/ run; pytest and xdist run a package's tests
    one after another, so this still starts one browser per process.
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as instance:
            yield instance
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium per test process (Playwright's own browser download is not used)."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report on the test, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _name_artifacts(request: pytest.FixtureRequest) -> None:
    current_test["name"] = re.sub(r"[^\w.-]+", "_", request.node.name)


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (Dutch locale); keyword arguments go to ``new_context``."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        settings: dict[str, Any] = {
            "base_url": live_server.url,
            "locale": "nl-NL",
            "timezone_id": "Europe/Amsterdam",
            "viewport": DESKTOP,
            **options,
        }
        context = browser.new_context(**settings)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make

    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    for number, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                save_screenshot(page, f"failed-{number}")
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A desktop-size page in a fresh context with the Dutch locale."""
    return new_page()
