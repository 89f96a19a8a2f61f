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
    browser_page.locator("#region-aligned").wait_for()
    headings = browser_page.locator("#region-body h3").all_inner_texts()
    assert headings[0] == "成都市" and headings[1].startswith("重庆")
    header = browser_page.locator("#region-aligned thead th").all_inner_texts()
    assert header == ["指标", "成都市", "重庆中心城区"]  # one table, a column per region
    assert "compare=cq_central_urban" in browser_page.locator("#region-share").get_attribute("href")
    browser_page.screenshot(path=screenshot_path("region-compare-zh"), full_page=True)
    browser_page.goto(live_app + "/region?code=510100&compare=cq_central_urban&lang=en")
    browser_page.locator("#region-aligned").wait_for()
    assert "Chengdu" in browser_page.locator("#region-body").inner_text()
    browser_page.screenshot(path=screenshot_path("region-compare-en"), full_page=True)
    assert record.errors == []


WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.mark.parametrize("width", [1440, 1280, 390])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_regb003_a_city_and_a_comparison_fit_every_width(
    page, live_app: str, lang: str, width: int
) -> None:
    """成都: its targets, the indicators it reports, the wider targets it counts in;
    then 成都 beside 重庆中心城区. Nothing scrolls sideways; on a phone each row of
    the comparison is a card naming the region before its figure."""
    browser_page, record = page
    browser_page.set_viewport_size({"width": width, "height": 900})
    suffix = "&lang=en" if lang == "en" else ""
    browser_page.goto(live_app + "/region?code=510100" + suffix)
    browser_page.locator("#region-reported-table").wait_for()
    browser_page.locator("#region-covering").wait_for()
    browser_page.wait_for_load_state("networkidle")
    assert browser_page.evaluate(WIDTH)[0] <= browser_page.evaluate(WIDTH)[1]
    browser_page.screenshot(path=screenshot_path(f"region-city-{lang}-{width}"), full_page=True)
    browser_page.goto(live_app + "/region?code=510100&compare=cq_central_urban" + suffix)
    table = browser_page.locator("#region-aligned")
    table.wait_for()
    browser_page.wait_for_load_state("networkidle")
    page_width, window = browser_page.evaluate(WIDTH)
    assert page_width <= window, (page_width, window)
    if width == 390:
        assert not table.locator("thead").is_visible()
        cell = table.locator("tbody tr td").nth(1)
        assert cell.get_attribute("data-label") == ("Chengdu" if lang == "en" else "成都市")
    browser_page.screenshot(path=screenshot_path(f"region-compare-{lang}-{width}"), full_page=True)
    assert record.errors == [] and record.outside_requests == []
