"""Every page in Chinese and in English: it renders without a console error, the
navigation speaks the page's language, and a screenshot of each is kept."""

from __future__ import annotations

import pytest

from dashboard.components.header import MORE, NAV
from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser

SLUGS = {path: (path.strip("/") or "home") for path, _, _ in (*NAV, *MORE)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lanb001_every_page_in_both_languages(page, live_app: str, lang: str) -> None:
    browser_page, record = page
    for path, zh, en in (*NAV, *MORE):
        browser_page.goto(live_app + path + ("?lang=en" if lang == "en" else ""))
        browser_page.locator("#data-status").wait_for()
        browser_page.locator("main h2:visible, main h1:visible").first.wait_for()
        browser_page.wait_for_load_state("networkidle")
        nav = browser_page.locator("nav").inner_text()
        assert (en if lang == "en" else zh) in nav or (path, zh, en) in MORE, path
        if (path, zh, en) in MORE:  # behind 更多, which reads as active on its pages
            toggle = browser_page.locator("#nav-more")
            assert ("More" if lang == "en" else "更多") in nav
            assert toggle.locator(".dropdown-toggle.active").count() == 1, path
        width = browser_page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], (path, width)  # no sideways scroll at 1440
        assert browser_page.evaluate("document.documentElement.lang") == (
            "en" if lang == "en" else "zh-CN"
        )
        if path not in ("/", "/region", "/outlook", "/report"):  # those keep their own names
            browser_page.screenshot(path=screenshot_path(f"page-{SLUGS[path]}-{lang}"))
    assert record.errors == [] and record.outside_requests == []
