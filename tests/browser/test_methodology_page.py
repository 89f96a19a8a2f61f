from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser


def test_metb001_methodology_page_names_its_sources(page, live_app: str) -> None:
    browser_page, record = page
    browser_page.goto(live_app + "/methodology")
    browser_page.get_by_role("heading", name="进展评估方法 / How progress is judged").wait_for()
    text = browser_page.locator("main").inner_text()
    for source in ("Statistics Canada", "ESCAP", "Eurostat", "左右", "符合进度"):
        assert source in text
    browser_page.screenshot(path=screenshot_path("methodology-zh"), full_page=False)
    browser_page.get_by_role("tab", name="English").click()
    browser_page.get_by_role("heading", name="How progress is judged").wait_for()
    browser_page.screenshot(path=screenshot_path("methodology-en"), full_page=False)
    assert record.errors == [] and record.outside_requests == []


def test_metb003_every_page_says_when_sample_data_are_shown(page, live_app: str) -> None:
    browser_page, record = page
    for path in (
        "/",
        "/region",
        "/outlook",
        "/report",
        "/regions",
        "/targets",
        "/methodology",
        "/upload",
    ):
        browser_page.goto(live_app + path)
        status = browser_page.locator("#data-status")
        status.wait_for()
        assert "示例数据" in status.inner_text() and "数据截至 2025 年" in status.inner_text()
    assert record.errors == []
