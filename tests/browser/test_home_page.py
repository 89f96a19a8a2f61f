from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser


def test_homb001_landing_page_counts_the_catalogue(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/")
    browser_page.get_by_text("量化目标", exact=True).wait_for()
    text = browser_page.locator("main").inner_text()
    assert "含量化目标或基期值的规划" in text and "地区与区域组合" in text
    browser_page.screenshot(path=screenshot_path("home-zh"))
    assert record.errors == [] and record.outside_requests == []
