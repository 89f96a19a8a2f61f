"""预期差距 and 进展报告 in headless Chromium: weather symbols, the printable report,
its Excel workbook and its PDF."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import ARTIFACTS, pdf_pages, screenshot_path

pytestmark = pytest.mark.browser


def test_outb001_every_target_has_a_weather_symbol_with_its_word(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/outlook")
    browser_page.locator("#outlook-table").wait_for()
    icons = browser_page.locator("#outlook-table img.weather-icon-sm")
    rows = browser_page.locator("#outlook-table tbody tr:not(:has(th))")
    assert icons.count() == rows.count() > 10
    summary = browser_page.locator("#outlook-summary").inner_text()
    for word in ("晴", "少云", "多云", "雷雨"):
        assert word in summary
    years = browser_page.locator("#outlook-table tbody td:nth-child(4)").all_inner_texts()
    assert all(int(y[:4]) > 2025 for y in years)  # targets still ahead, by default
    browser_page.screenshot(path=screenshot_path("outlook-zh"), full_page=False)
    browser_page.locator("#outlook-symbol").click()
    browser_page.get_by_role("option", name="雷雨").click()
    browser_page.wait_for_function(
        "document.querySelector('#outlook-share').getAttribute('href').includes('symbol=thunderstorm')"
    )
    kept = browser_page.locator("#outlook-table img.weather-icon-sm")
    assert all(alt == "雷雨" for alt in kept.evaluate_all("els => els.map(e => e.alt)"))
    browser_page.goto(live_app + "/outlook?lang=en")
    browser_page.locator("#outlook-table").wait_for()
    assert "Expected shortfall" in browser_page.locator("main").inner_text()
    browser_page.screenshot(path=screenshot_path("outlook-en"), full_page=False)
    assert record.errors == [] and record.outside_requests == []


def test_repb001_report_prints_and_downloads_as_excel(page, live_app: str) -> None:
    """The circle's report: page 1 the summary (status counts, the five largest gaps,
    the table by region), the off-track list ranked, the rest as an appendix; at most
    8 A4 pages from Chromium; the workbook in the same order."""
    browser_page, record = page
    browser_page.goto(live_app + "/report")
    browser_page.locator("#report-title").wait_for()
    text = browser_page.locator("main").inner_text()
    assert "进展报告（截至 2025 年）" in text and "示例数据" in text
    for part in (
        "一、摘要",
        "差距最大的五个目标",
        "分地区进展",
        "三、未达预期的目标",
        "附录：其余目标",
    ):
        assert part in text
    assert browser_page.locator("#report-largest-gaps tbody tr").count() == 5
    assert browser_page.locator("#report-by-region tbody tr").count() >= 5
    off = browser_page.locator("#report-off-track tbody tr")
    assert off.count() > 5 and off.first.locator("td").first.inner_text() == "1"
    assert browser_page.locator("#report-body img.weather-icon-sm").count() == 0
    browser_page.screenshot(path=screenshot_path("report-zh"), full_page=False)
    with browser_page.expect_download() as download:
        browser_page.get_by_role("button", name="下载 Excel").click()
    saved = ARTIFACTS / "report-zh.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)
    assert book.sheetnames == [
        *("说明", "分地区", "差距最大", "分领域状态", "核心指标", "未达预期", "附录·其余目标"),
        "全部目标",
    ]
    assert "示例数据" in str(book["说明"]["A2"].value)
    total = int(text.split("共评估 ")[1].split(" 个")[0])
    assert book["全部目标"].max_row - 1 == total
    assert book["未达预期"].max_row - 1 == off.count()
    browser_page.emulate_media(media="print")
    assert not browser_page.locator("nav").first.is_visible()
    assert_prints_on_8_a4_pages(browser_page, "report-zh.pdf")
    assert record.errors == [] and record.outside_requests == []


def assert_prints_on_8_a4_pages(browser_page, name: str) -> None:
    """The report as Chromium prints it on A4 (the margins its @page sets): 2 to
    8 pages, and page 1 the summary (the title, notes and summary alone print on one)."""
    browser_page.emulate_media(media="print")
    pdf = browser_page.pdf(path=str(ARTIFACTS / name), format="A4", print_background=True)
    assert pdf[:4] == b"%PDF" and 2 <= pdf_pages(pdf) <= 8
    browser_page.add_style_tag(content=".report > section:not(.report-summary) {display: none}")
    assert pdf_pages(browser_page.pdf(format="A4", print_background=True)) == 1


def test_repb002_report_in_english(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/report?lang=en&scope=ccec")
    browser_page.locator("#report-title").wait_for()
    assert (
        "progress on the plan targets" in browser_page.locator("#report-title").inner_text().lower()
    )
    browser_page.screenshot(path=screenshot_path("report-en"), full_page=True)
    assert record.errors == []


def test_repb003_the_english_report_prints_on_at_most_8_a4_pages(page, live_app: str) -> None:
    """The circle's report in English: 11 A4 pages from Chromium before its print
    layout was tightened (issue 18, item 8), at most 8 now, page 1 the summary;
    "percentage points" read "pp" in its tables and its notes say so."""
    browser_page, record = page
    browser_page.goto(live_app + "/report?lang=en")
    browser_page.locator("#report-title").wait_for()
    notes = browser_page.locator("#report-body ul.small").inner_text()
    assert "pp: percentage points" in notes and "unless a year is given" in notes
    shortfalls = browser_page.locator("#report-off-track tbody td:nth-child(7)").all_inner_texts()
    assert any(s.endswith(" pp") for s in shortfalls)
    assert not any("percentage point" in s for s in shortfalls)
    assert_prints_on_8_a4_pages(browser_page, "report-en.pdf")
    assert record.errors == [] and record.outside_requests == []
