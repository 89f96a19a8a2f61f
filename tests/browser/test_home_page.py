"""总览 in headless Chromium: headline cards, status by pillar, the map, changes, language."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser


def test_homb001_headline_cards_with_status_word_target_and_trend(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/")
    browser_page.locator("#home-headline .headline-card").first.wait_for()
    cards = browser_page.locator("#home-headline .headline-card")
    assert cards.count() >= 8
    first = cards.first.inner_text()
    assert "年目标：" in first
    assert any(
        word in first for word in ("已完成", "达到时序进度", "滞后于时序进度", "未完成", "数据不足")
    )
    assert browser_page.locator("#home-headline img.sparkline").count() >= 5
    browser_page.wait_for_selector("#home-pillars .barlayer .trace")
    browser_page.wait_for_selector("#home-map .choroplethlayer path")
    assert "与上期相比" in browser_page.locator("main").inner_text()
    assert "状态改善" in browser_page.locator("#home-changes").inner_text()
    browser_page.screenshot(path=screenshot_path("home-zh"), full_page=True)
    assert record.errors == [] and record.outside_requests == []


def test_homb002_a_card_number_links_to_its_indicator_and_the_target_to_its_sentence(
    page, live_app: str
) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/")
    card = browser_page.locator("#home-headline .headline-card").first
    card.wait_for()
    indicator_href = card.locator("a.headline-value").get_attribute("href")
    assert indicator_href.startswith("/indicator?id=")
    card.get_by_text("年目标：").click()
    browser_page.wait_for_selector("#targets-source-card")
    assert "《" in browser_page.locator("#targets-source-card").inner_text()  # the plan's title
    assert record.errors == []


def test_homb003_map_by_value_and_back_keeps_the_state_in_the_link(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/?map=urbanization_rate")
    browser_page.wait_for_selector("#home-map .choroplethlayer path")
    browser_page.get_by_text("按指标数值").click()
    browser_page.wait_for_function(
        "document.querySelector('#home-share').getAttribute('href').includes('mode=value')"
    )
    browser_page.wait_for_selector("#home-map .colorbar")
    assert "urbanization_rate" in browser_page.locator("#home-share").get_attribute("href")
    browser_page.goto(live_app + browser_page.locator("#home-share").get_attribute("href"))
    browser_page.wait_for_selector("#home-map .colorbar")
    assert record.errors == []


def test_homb004_switching_to_english_and_back(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/?map=gdp")
    browser_page.locator("#lang-switch").click()
    browser_page.get_by_role(
        "heading", name="Chengdu–Chongqing Economic Circle: progress overview"
    ).wait_for()
    assert "lang=en" in browser_page.url and "map=gdp" in browser_page.url
    assert browser_page.evaluate("document.documentElement.lang") == "en"
    text = browser_page.locator("body").inner_text()
    assert "Overview" in text and "Headline targets" in text and "target:" in text
    browser_page.locator("#home-headline .headline-card").first.wait_for()
    browser_page.wait_for_selector("#home-map .choroplethlayer path")
    browser_page.screenshot(path=screenshot_path("home-en"), full_page=True)
    browser_page.get_by_role("link", name="Indicator", exact=True).click()
    browser_page.wait_for_selector("#ind-chart .scatterlayer .trace")
    assert browser_page.get_by_role("tab", name="Definition").is_visible()
    browser_page.locator("#lang-switch").click()
    browser_page.get_by_role("tab", name="定义与目标").wait_for()
    assert "lang=en" not in browser_page.url
    assert record.errors == [] and record.outside_requests == []
