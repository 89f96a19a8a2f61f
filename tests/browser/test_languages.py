"""Every page in Chinese and in English: it renders without a console error, the
navigation speaks the page's language, and a screenshot of each is kept."""

from __future__ import annotations

import pytest

from dashboard.components.header import NAV
from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser

SLUGS = {path: (path.strip("/") or "home") for path, _, _ in NAV}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lanb001_every_page_in_both_languages(page, live_app: str, lang: str) -> None:
    browser_page, record = page
    for path, zh, en in NAV:
        browser_page.goto(live_app + path + ("?lang=en" if lang == "en" else ""))
        browser_page.locator("#data-status").wait_for()
        browser_page.locator("main h2:visible, main h1:visible").first.wait_for()
        browser_page.wait_for_load_state("networkidle")
        nav = browser_page.locator("nav").inner_text()
        assert (en if lang == "en" else zh) in nav, path
        assert browser_page.evaluate("document.documentElement.lang") == (
            "en" if lang == "en" else "zh-CN"
        )
        if path not in ("/", "/region", "/outlook", "/report"):  # those keep their own names
            browser_page.screenshot(path=screenshot_path(f"page-{SLUGS[path]}-{lang}"))
    assert record.errors == [] and record.outside_requests == []
