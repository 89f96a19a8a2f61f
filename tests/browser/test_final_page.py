"""终期评估 in headless Chromium: published figures only, the A4 print and the workbook."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import ARTIFACTS, pdf_pages, screenshot_path

pytestmark = pytest.mark.browser


def test_finb001_final_evaluation_prints_on_a4_and_downloads(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/final")
    browser_page.locator("#final-title").wait_for()
    status = browser_page.locator("#data-status").inner_text()
    assert "只用公开数据" in status and "合成的示例数据" not in status
    text = browser_page.locator("main").inner_text()
    for part in (
        "一、总体情况",
        "二、分领域",
        "三、分地区",
        "四、主要未完成目标",
        "六、无公开数据的目标",
    ):
        assert part in text
    judged = browser_page.locator("#final-judged tbody tr:not(:has(th))")
    assert judged.count() >= 1
    assert judged.first.locator("a[href^='http']").count() >= 1  # the publisher's page
    browser_page.screenshot(path=screenshot_path("final-zh"), full_page=False)
    with browser_page.expect_download() as download:
        browser_page.get_by_role("button", name="下载 Excel").click()
    saved = ARTIFACTS / "final-zh.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved)["终期评估"]
    total = int(re.search(r"纳入评估的量化目标 (\d+) 个", text).group(1))
    assert sheet.max_row - 1 == total
    browser_page.emulate_media(media="print")
    assert not browser_page.locator("nav").first.is_visible()
    pdf = ARTIFACTS / "final-zh.pdf"
    browser_page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes()[:4] == b"%PDF" and pdf_pages(pdf.read_bytes()) >= 2
    assert record.errors == [] and record.outside_requests == []


def test_finb002_final_evaluation_in_english_by_scope(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/final?lang=en&scope=500000")
    browser_page.locator("#final-title").wait_for()
    title = browser_page.locator("#final-title").inner_text()
    assert "Chongqing" in title and "final evaluation" in title
    assert "published figures only" in browser_page.locator("#data-status").inner_text()
    browser_page.screenshot(path=screenshot_path("final-en"), full_page=False)
    assert record.errors == []
