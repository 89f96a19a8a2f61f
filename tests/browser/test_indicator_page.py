"""指标 in headless Chromium: Open SDG's four tabs — the series with its target,
the chosen region's table, the map, the definition with the plans' sentences —
at 1440, 1280 and 390 px in both languages; downloads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, BrowserLog, chromium_page, screenshot_path

pytestmark = pytest.mark.browser

# each tab: its label in Chinese and English, and what shows it has drawn
TABS = [
    ("图表", "Chart", "#ind-chart .scatterlayer .trace"),
    ("表格", "Table", "#ind-table"),
    ("地图", "Map", "#ind-map .choroplethlayer path"),
    ("定义与目标", "Definition", "#ind-definition"),
]
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
WIDTHS = [1440, 1280, 390]


def test_indb001_an_indicator_shows_its_targets_sentences_and_series(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/indicator?id=urbanization_rate&region=ccec")
    browser_page.wait_for_selector("#ind-chart .scatterlayer .trace")
    assert "成渝地区双城经济圈 2025年目标：" in browser_page.locator("main").inner_text()
    assert browser_page.locator("#ind-chart .scatterlayer .trace").count() >= 2  # series, target
    browser_page.get_by_role("tab", name="定义与目标").click()
    browser_page.locator("#ind-sentences").wait_for()
    text = browser_page.locator("main").inner_text()
    assert (
        "常住人口城镇化率达到66%左右" in text
        and "《成渝地区双城经济圈建设规划纲要》 第二章 第四节 发展目标" in text
    )
    assert "tab=definition" in browser_page.locator("#ind-share").get_attribute("href")
    with browser_page.expect_download() as download:
        browser_page.get_by_role("button", name="下载全部地区数据（Excel）").click()
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


# the target label's box, the plot area's and the whole figure's; each status
# badge with the last line of the words before it ("2027年目标：")
GEOMETRY = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const chart = document.querySelector('#ind-chart');
  const pairs = [...document.querySelectorAll('#ind-statuses .text-nowrap')].map(pair => {
    const words = document.createRange();
    words.selectNodeContents(pair.firstChild);
    const lines = [...words.getClientRects()];
    return {words: box({getBoundingClientRect: () => lines[lines.length - 1]}),
            badge: box(pair.querySelector('.badge')), lines: lines.length};
  });
  return {figure: box(chart.querySelector('.main-svg')), plot: box(chart.querySelector('.nsewdrag')),
          labels: [...chart.querySelectorAll('.textpoint text')].map(box), pairs};
}"""


@dataclass
class Visit:
    """重庆主城都市区's GDP in one language at one width: loaded (the chart's tab
    open), then each tab clicked."""

    lang: str
    width: int
    shape: dict[str, Any]  # GEOMETRY as loaded
    widths: dict[str, list[int]] = field(default_factory=dict)  # each tab's [page, window]
    phone_table: tuple[bool, str | None] | None = None  # header shown, a cell's label
    record: BrowserLog = field(default_factory=BrowserLog)


@pytest.fixture(
    scope="module",
    params=[(lang, w) for lang in ("zh", "en") for w in WIDTHS],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def visit(request: pytest.FixtureRequest, live_app: str) -> Iterator[Visit]:
    """One load of the page per language and width for test_indb003 and test_indb004,
    which read the same page (a load costs Chromium 1.5–2.5 s of CPU): the chart's
    geometry as loaded, then the four tabs."""
    lang, width = request.param
    with chromium_page() as (browser_page, record):
        browser_page.set_viewport_size({"width": width, "height": 900})
        suffix = "&lang=en" if lang == "en" else ""
        browser_page.goto(live_app + "/indicator?id=gdp&region=cq_main_urban_metro" + suffix)
        browser_page.wait_for_selector("#ind-chart .scatterlayer .trace")
        browser_page.wait_for_selector("#ind-chart .textpoint text")
        browser_page.wait_for_load_state("networkidle")
        seen = Visit(lang, width, browser_page.evaluate(GEOMETRY), record=record)
        browser_page.locator("#ind-tab-chart").screenshot(
            path=screenshot_path(f"indicator-chart-head-{lang}-{width}")
        )
        for zh, en, drawn in TABS:
            browser_page.get_by_role("tab", name=en if lang == "en" else zh).click()
            browser_page.wait_for_selector(drawn)
            browser_page.wait_for_load_state("networkidle")
            seen.widths[en] = browser_page.evaluate(WIDTH)
            shot = f"indicator-{en.lower()}-{lang}-{width}"
            browser_page.screenshot(path=screenshot_path(shot), full_page=True)
        if width == 390:  # a phone: the table's rows are cards, not a grid cut off at the edge
            browser_page.get_by_role("tab", name="Table" if lang == "en" else "表格").click()
            browser_page.wait_for_selector("#ind-table")
            header = browser_page.locator("#ind-table thead").is_visible()
            label = browser_page.locator("#ind-table td").nth(1).get_attribute("data-label")
            seen.phone_table = (header, label)
        yield seen


def test_indb003_every_tab_fits_and_draws(visit: Visit) -> None:
    """重庆主城都市区's GDP: each tab clicked draws its part, nothing scrolls sideways,
    the console stays clean; a screenshot of each tab."""
    assert list(visit.widths) == [en for _, en, _ in TABS]
    for tab, (page_width, window) in visit.widths.items():
        assert page_width <= window, (tab, page_width, window)
    if visit.width == 390:
        assert visit.phone_table == (False, "Value" if visit.lang == "en" else "数值")
    assert visit.record.errors == [] and visit.record.outside_requests == []


def test_indb004_the_target_label_and_the_status_badges_read_whole(visit: Visit) -> None:
    """重庆主城都市区's GDP: the target's label (≥30,000亿元) lies inside the plot,
    clear of its top edge, and each status badge stands on the line of its
    "2027年目标：", never alone on the next — at 390 px (a phone) as at 1280 and 1440."""
    shape = visit.shape
    (left, top, right, bottom), labels = shape["plot"], shape["labels"]
    assert labels and shape["figure"][1] < top
    for label in labels:  # inside the plot area (so inside the figure), not over its edge
        assert left <= label[0] and label[2] <= right, (label, shape["plot"])
        assert top + 2 <= label[1] and label[3] <= bottom, (label, shape["plot"])
    assert shape["pairs"]
    for pair in shape["pairs"]:
        words, badge = pair["words"], pair["badge"]
        assert pair["lines"] == 1, pair  # "2027年目标：" is never broken
        assert words[1] < (badge[1] + badge[3]) / 2 < words[3], pair  # the same line
        assert words[2] <= badge[0], pair  # after the colon
    assert visit.record.errors == [] and visit.record.outside_requests == []
