"""数据校验 in headless Chromium: a bad file shows row-level Chinese problems."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot_path

pytestmark = pytest.mark.browser

BAD = "地区,指标,期间,数值,单位,备注\n重庆市,地区生产总值,2023年,30145.79,亿元,\n成度,地区生产总值,2023年,1,亿元,\n重庆市,常住人口城镇化率,2023年,１７０％,,\n"


def test_uplb001_a_bad_file_gets_every_problem_and_a_report(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/upload")
    browser_page.get_by_role("heading", name="数据校验").wait_for()
    bad = ARTIFACTS / "bad-upload.csv"
    bad.write_text(BAD, encoding="utf-8")
    browser_page.locator("#upload-file input[type=file]").set_input_files(str(bad))
    result = browser_page.locator("#upload-result")
    result.wait_for()
    assert "未通过校验" in result.inner_text() and "错误 2 条" in result.inner_text()
    browser_page.locator(".ag-row", has_text="未知地区“成度”").wait_for()
    assert browser_page.locator(".ag-row", has_text="是比例，应在 0—100% 之间").count() == 1
    with browser_page.expect_download() as download:
        browser_page.get_by_role("button", name="下载校验报告（CSV）").click()
    saved = ARTIFACTS / "upload-report.csv"
    download.value.save_as(saved)
    assert "未知地区“成度”" in saved.read_text(encoding="utf-8-sig")
    browser_page.screenshot(path=screenshot_path("upload-zh"), full_page=True)
    assert record.errors == [] and record.outside_requests == []


def test_uplb002_template_links_follow_the_chosen_region(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/upload")
    browser_page.locator("#upload-template-region").click()
    browser_page.keyboard.type("成都市")
    browser_page.get_by_role("option", name="成都市").click()
    link = browser_page.get_by_role("link", name="Excel 模板")
    link.wait_for()
    assert (
        link.get_attribute("href")
        == "/api/v1/template?region=510100&period=2025%E5%B9%B4&format=xlsx"
    )
    assert record.errors == []


def test_uplb003_a_cut_export_gets_its_indicator_proposed_and_checked_once_chosen(
    page, live_app: str
) -> None:
    """A real portal export whose 指标 line was cut (issue 15 item 3): the check names the
    indicator its values fit; choosing it in the picker checks the file again, and it passes."""
    from pathlib import Path

    browser_page, record = page
    real = Path(__file__).parents[1] / "loaders/fixtures/real/nbs_provinces_gdp_census_20y.csv"
    lines = real.read_bytes().split(b"\r\n")
    cut = ARTIFACTS / "portal-export-without-indicator-line.csv"
    cut.write_bytes(b"\r\n".join(x for x in lines if not x.startswith("指标".encode("gbk"))))
    browser_page.goto(live_app + "/upload")
    browser_page.locator("#upload-file input[type=file]").set_input_files(str(cut))
    proposal = browser_page.locator(".ag-row", has_text="它很可能是“地区生产总值”")
    proposal.wait_for()
    assert "未通过校验" in browser_page.locator("#upload-result").inner_text()
    browser_page.screenshot(path=screenshot_path("upload-proposed-indicator-zh"), full_page=True)
    browser_page.locator("#upload-default-indicator").click()
    browser_page.keyboard.type("地区生产总值")
    browser_page.get_by_role("option", name="地区生产总值", exact=True).click()
    browser_page.locator("#upload-result", has_text="校验通过").wait_for()
    assert "38" in browser_page.locator("#upload-result").inner_text()
    browser_page.screenshot(path=screenshot_path("upload-indicator-chosen-zh"), full_page=True)
    assert record.errors == [] and record.outside_requests == []
