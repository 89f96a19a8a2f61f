"""English pages in headless Chromium show the catalogue's English: the
definition (``definition_en``) and the units, not the Chinese (issue 18, item 9)."""

from __future__ import annotations

import pytest

from indicators.catalogue import CHINESE_TEXT
from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser

RD_EN = "R&D expenditure as a share of gross regional product (R&D expenditure intensity)"
RD_ZH = "研究与试验发展经费支出占地区生产总值的比重"


def test_engb001_the_english_indicator_page_shows_the_english_definition(
    page, live_app: str
) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/indicator?id=rd_intensity&lang=en")
    browser_page.wait_for_selector("#ind-chart")
    browser_page.get_by_text(RD_EN).wait_for()
    main = browser_page.locator("main").inner_text()
    assert RD_EN in main and RD_ZH not in main
    definition = browser_page.get_by_text(RD_EN)
    assert definition.get_attribute("lang") == "en"
    browser_page.screenshot(path=screenshot_path("indicator-definition-en"), full_page=False)
    browser_page.goto(live_app + "/indicator?id=rd_intensity")  # Chinese keeps the Chinese
    browser_page.get_by_text(RD_ZH).wait_for()
    assert RD_EN not in browser_page.locator("main").inner_text()
    assert record.errors == [] and record.outside_requests == []


def test_engb002_english_units_and_the_catalogue_definition_in_english(page, live_app: str) -> None:
    """An indicator counted in 场次 reads "sessions"; the 目标库 source card gives
    the indicator's English definition."""
    browser_page, record = page
    browser_page.goto(
        live_app + "/indicator?id=industrial_internet_resource_pool_matchmaking_events&lang=en"
    )
    browser_page.wait_for_selector("#ind-chart")
    heading = browser_page.locator("main h3").first.inner_text()
    assert heading.endswith("(sessions)") and not CHINESE_TEXT.search(heading)
    browser_page.goto(live_app + "/targets?lang=en&target=outline-014")
    card = browser_page.locator("#targets-source-card")
    card.wait_for()
    assert "Urban resident population as a share of the resident population" in card.inner_text()
    assert record.errors == [] and record.outside_requests == []
