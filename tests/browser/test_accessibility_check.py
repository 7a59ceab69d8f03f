"""The accessibility check itself: it must catch a real violation and say where it is."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.browser

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><title>Kapot</title></head>
<body><main><h1>Kapot</h1><form><input type="text" name="naam" id="naam"></form></main></body>
</html>"""


def test_axe_check_reports_violations_with_their_place(browser: Browser) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(BROKEN_PAGE)
        with pytest.raises(pytest.fail.Exception) as failure:
            assert_accessible(page, screenshot=False)
    finally:
        context.close()
    message = str(failure.value)
    assert "label" in message  # the rule id
    assert "Form elements must have labels" in message  # axe's help text
    assert "#naam" in message  # the offending node
