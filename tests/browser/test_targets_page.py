"""目标库 in headless Chromium: filter, search, and click through to the sentence."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser


def test_tgtb001_filter_search_and_open_the_source_sentence(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/targets?plan=outline&q=城镇化")
    browser_page.get_by_role("heading", name="目标库").wait_for()
    browser_page.wait_for_selector(".ag-row")
    assert browser_page.locator(".ag-row").count() == 2  # 2019 baseline and 2025 goal
    browser_page.locator(".ag-row", has_text="66%").first.click()
    card = browser_page.locator("#targets-source-card")
    card.wait_for()
    assert "常住人口城镇化率达到66%左右" in card.inner_text()
    # the plan's title and section, never a line of the project's compilation
    assert "《成渝地区双城经济圈建设规划纲要》 · 第二章 第四节 发展目标" in card.inner_text()
    assert "原文第" not in card.inner_text() and "235" not in card.inner_text()
    header = browser_page.locator(".ag-header").inner_text()
    assert header.split()[:2] == ["规划", "章节"] and "编号" not in header and "行号" not in header
    browser_page.screenshot(path=screenshot_path("targets-zh"), full_page=True)
    assert record.errors == [] and record.outside_requests == []


def test_tgtb002_headline_filter_updates_the_share_link(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/targets")
    browser_page.wait_for_selector(".ag-row")
    browser_page.get_by_label("仅看核心指标").check()
    browser_page.wait_for_function(
        "document.querySelector('#targets-share').getAttribute('href').includes('headline=1')"
    )
    assert "筛选出" in browser_page.locator("#targets-count").inner_text()
    assert record.errors == []
