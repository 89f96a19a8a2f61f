"""English pages in headless Chromium show the catalogue's English: the
definition (``definition_en``) and the units, not the Chinese (issue 18, item 9)."""

from __future__ import annotations

import pytest

from indicators.catalogue import CHINESE_TEXT
from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser

RD_EN = "R&D expenditure as a share of gross regional product (R&D expenditure intensity)"
RD_ZH = "研究与试验发展经费支出占地区生产总值的比重"
# its source (source_en), the bodies that publish it
RD_SOURCE_EN = (
    "Statistics bureaus and science and technology departments of Sichuan and Chongqing"
    " (statistical bulletin on R&D expenditure)"
)
RD_SOURCE_ZH = "两省市统计局、科技厅（局）R&D经费统计公报"


def test_engb001_the_english_indicator_page_shows_the_english_definition(
    page, live_app: str
) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/indicator?id=rd_intensity&tab=definition&lang=en")
    browser_page.wait_for_selector("#ind-definition")
    browser_page.get_by_text(RD_EN).wait_for()
    main = browser_page.locator("main").inner_text()
    assert RD_EN in main and RD_ZH not in main
    assert RD_SOURCE_EN in main and RD_SOURCE_ZH not in main
    definition = browser_page.get_by_text(RD_EN)
    assert definition.get_attribute("lang") == "en"
    browser_page.screenshot(path=screenshot_path("indicator-definition-en"), full_page=False)
    browser_page.goto(live_app + "/indicator?id=rd_intensity&tab=definition")  # Chinese stays
    browser_page.get_by_text(RD_ZH).wait_for()
    main = browser_page.locator("main").inner_text()
    assert RD_EN not in main and RD_SOURCE_EN not in main and RD_SOURCE_ZH in main
    assert record.errors == [] and record.outside_requests == []


def test_engb002_english_units_and_the_catalogue_definition_in_english(page, live_app: str) -> None:
    """An indicator counted in 场次 reads "sessions"; the 目标库 source card gives
    the indicator's English definition."""
    browser_page, record = page
    browser_page.goto(
        live_app
        + "/indicator?id=industrial_internet_resource_pool_matchmaking_events&tab=definition&lang=en"
    )
    browser_page.wait_for_selector("#ind-definition")
    heading = browser_page.locator("main h3").first.inner_text()
    assert heading.endswith("(sessions)") and not CHINESE_TEXT.search(heading)
    browser_page.goto(live_app + "/targets?lang=en&target=outline-014")
    card = browser_page.locator("#targets-source-card")
    card.wait_for()
    assert "Urban resident population as a share of the resident population" in card.inner_text()
    assert record.errors == [] and record.outside_requests == []


# every headline card: the elements that end right of its body, and the lines its value takes
CARD_CHECK = """() => [...document.querySelectorAll('#home-headline .headline-card')].map(card => {
    const body = card.querySelector('.card-body').getBoundingClientRect();
    const value = card.querySelector('.headline-value');
    return {
        name: card.querySelector('.headline-name').innerText,
        outside: [...card.querySelectorAll('.card-body *')]
            .filter(e => e.getBoundingClientRect().right > body.right + 0.5)
            .map(e => e.className),
        lines: Math.round(value.getBoundingClientRect().height
            / parseFloat(getComputedStyle(value).lineHeight)),
    };
})"""


@pytest.mark.parametrize("width", [1440, 1280])
def test_engb003_english_headline_cards_keep_their_contents(
    page, live_app: str, width: int
) -> None:
    """总览 in English at 1280 px: the travel-time card's trend ran out of the card
    beside "insufficient data", and "1.46 million t" wrapped inside its card (the
    number now large, its unit words smaller, on one line)."""
    browser_page, record = page
    browser_page.set_viewport_size({"width": width, "height": 1000})
    browser_page.goto(live_app + "/?lang=en")
    browser_page.locator("#home-headline .headline-card").first.wait_for()
    cards = browser_page.evaluate(CARD_CHECK)
    assert len(cards) >= 10
    assert [c for c in cards if c["outside"] or c["lines"] != 1] == []
    cargo = browser_page.locator(".headline-card", has_text="Airport cargo and mail throughput")
    assert cargo.locator(".headline-unit").first.inner_text().strip() == "million t"
    browser_page.locator("#home-headline").screenshot(
        path=screenshot_path(f"home-headline-en-{width}")
    )
    assert record.errors == [] and record.outside_requests == []
