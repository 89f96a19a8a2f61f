"""地区 in headless Chromium: one region's scorecard, two side by side."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser


def test_regb001_scorecard_by_pillar_with_status_value_target_and_gap(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/region?code=ccec")
    table = browser_page.locator("#scorecard-main")
    table.wait_for()
    text = table.inner_text()
    for heading in ("指标", "目标", "最新值", "状态", "预计差距", "综合", "生态"):
        assert heading in text
    assert "常住人口城镇化率" in text
    assert table.locator("img.weather-icon-sm").count() == 0  # weather only on 预期差距
    browser_page.screenshot(path=screenshot_path("region-zh"), full_page=True)
    assert record.errors == [] and record.outside_requests == []


def test_regb002_compare_chengdu_with_central_chongqing(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/region?code=510100")
    browser_page.locator("#scorecard-main").wait_for()
    browser_page.locator("#region-compare").click()
    browser_page.locator(".dash-dropdown-search").fill("重庆中心城区")
    browser_page.get_by_role("option").first.click()
    browser_page.locator("#scorecard-compare").wait_for()
    headings = browser_page.locator("#region-body h3").all_inner_texts()
    assert headings[0] == "成都市" and headings[1].startswith("重庆")
    assert "compare=cq_central_urban" in browser_page.locator("#region-share").get_attribute("href")
    browser_page.screenshot(path=screenshot_path("region-compare-zh"), full_page=True)
    browser_page.goto(live_app + "/region?code=510100&compare=cq_central_urban&lang=en")
    browser_page.locator("#scorecard-compare").wait_for()
    assert "Chengdu" in browser_page.locator("#region-body").inner_text()
    browser_page.screenshot(path=screenshot_path("region-compare-en"), full_page=True)
    assert record.errors == []
