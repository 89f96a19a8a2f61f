"""The regions page as a user sees it, in headless Chromium."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser


def test_regb001_regions_page_shows_table_and_map_in_chinese(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/regions")
    browser_page.get_by_role("heading", name="地区与区域组合").wait_for()
    # the map is drawn from the committed GeoJSON: one SVG path per mapped unit
    browser_page.wait_for_selector(".choroplethlayer path")
    shapes = browser_page.locator(".choroplethlayer path").count()
    assert shapes >= 55
    browser_page.wait_for_selector(".ag-row")
    assert browser_page.locator(".ag-cell", has_text="渝中区").first.is_visible()
    assert browser_page.get_by_text("全部纳入规划范围").first.is_visible()
    browser_page.screenshot(path=screenshot_path("regions-zh"), full_page=True)
    assert record.errors == []
    assert record.outside_requests == []


def test_regb002_choosing_a_grouping_shows_its_members_and_sentence(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/regions")
    browser_page.wait_for_selector(".choroplethlayer path")
    browser_page.locator("#regions-grouping").click()
    browser_page.keyboard.type("万达开")
    browser_page.get_by_role("option", name="万达开地区").click()
    detail = browser_page.locator("#regions-grouping-detail")
    detail.get_by_text("原文第").wait_for()
    text = detail.inner_text()
    assert "万达开地区" in text
    assert all(name in text for name in ["万州区", "达州市", "开州区"])
    assert browser_page.locator("#regions-share-link").get_attribute("href") == (
        "/regions?grouping=wandakai"
    )
    browser_page.get_by_text("所选区域组合成员").first.wait_for()
    browser_page.screenshot(path=screenshot_path("regions-wandakai"), full_page=False)
    assert record.errors == []
    assert record.outside_requests == []


def test_regb003_a_shared_link_opens_with_the_grouping_selected(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/regions?grouping=chengdu_metro_area")
    detail = browser_page.locator("#regions-grouping-detail")
    detail.get_by_text("原文第").wait_for()
    assert all(name in detail.inner_text() for name in ["成都市", "德阳市", "眉山市", "资阳市"])
    assert record.errors == []
