"""总览's context cards in headless Chromium: three cards (GDP, population, GDP per head)
with year, share of the nation and layer; side by side at 1440 and 1280 px, stacked at 390 px
with no sideways scroll; Chinese and English. Screenshots: home-context-{lang}-{width}."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser

WORDS = {
    "zh": ("经济圈概况", "地区生产总值", "占全国", "为全国平均的", "公开数据"),
    "en": (
        "The circle at a glance",
        "Gross regional product",
        "of China",
        "national average",
        "published",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [1440, 1280, 390])
def test_hctxb001_cards_read_and_fit(page, live_app: str, lang: str, width: int) -> None:
    browser_page, record = page
    browser_page.set_viewport_size({"width": width, "height": 900})
    browser_page.goto(live_app + ("/?lang=en" if lang == "en" else "/"))
    cards = browser_page.locator("#home-context .context-card")
    cards.first.wait_for()
    assert cards.count() == 3
    text = browser_page.locator("#home-context").inner_text()
    for word in WORDS[lang]:
        assert word in text, (word, text)
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    if width >= 768:  # one row of three
        assert len({round(b["y"]) for b in boxes}) == 1, boxes
    else:  # stacked, each the row's width
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], boxes
        assert all(b["x"] + b["width"] <= width for b in boxes), boxes
    assert browser_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # the context comes before the headline targets
    headline = browser_page.locator("#home-headline").bounding_box()
    assert headline is not None and boxes[2]["y"] < headline["y"]
    # the pillar chart's toolbar only on asking (hover), not always shown
    browser_page.wait_for_selector("#home-pillars .modebar", state="attached")
    opacity = browser_page.eval_on_selector(
        "#home-pillars .modebar-group", "e => getComputedStyle(e).opacity"
    )
    assert float(opacity) == 0.0
    browser_page.locator("#home-context").screenshot(
        path=screenshot_path(f"home-context-{lang}-{width}")
    )
    browser_page.screenshot(path=screenshot_path(f"home-top-{lang}-{width}"))
    assert record.errors == [] and record.outside_requests == []
