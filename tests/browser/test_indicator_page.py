"""指标 in headless Chromium: series with its target, the sentences, ranking, downloads."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot_path

pytestmark = pytest.mark.browser


def test_indb001_an_indicator_shows_its_targets_sentences_and_series(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/indicator?id=urbanization_rate&region=ccec")
    browser_page.wait_for_selector("#ind-chart .scatterlayer .trace")
    text = browser_page.locator("main").inner_text()
    assert (
        "常住人口城镇化率达到66%左右" in text
        and "《成渝地区双城经济圈建设规划纲要》 第二章 第四节 发展目标" in text
    )
    assert "成渝地区双城经济圈 2025年目标：" in text
    assert browser_page.locator("#ind-chart .scatterlayer .trace").count() >= 2  # series, target
    with browser_page.expect_download() as download:
        browser_page.get_by_role("button", name="下载数据（Excel）").click()
    saved = ARTIFACTS / "urbanization_rate.xlsx"
    download.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    browser_page.screenshot(path=screenshot_path("indicator-zh"), full_page=True)
    assert record.errors == [] and record.outside_requests == []


def test_indb002_choosing_another_indicator_updates_the_link(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/indicator?id=gdp")
    browser_page.wait_for_selector("#ind-chart")
    browser_page.locator("#ind-indicator").click()
    browser_page.locator(".dash-dropdown-search").fill("研发投入强度")
    browser_page.get_by_role("option", name="研发投入强度（%）").click()
    browser_page.wait_for_function(
        "document.querySelector('#ind-share').getAttribute('href').includes('rd_intensity')"
    )
    assert record.errors == []
