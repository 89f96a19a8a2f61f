"""The whole reporting loop in headless Chromium, as the people do it.

成都's statistician signs in (and sees the overdue reminders), downloads the
template, uploads it with one bad row, reads the Chinese error, fixes the row,
submits; the joint office's reviewer approves; 总览 and 指标 show the new value
and the status it earns; the audit log shows each step.

The indicator is 国际知名品牌入驻率 of 成都 (target 90 % in 2025, quote in
config/catalogue): the sample figure for 2025 (70.5 %) leaves it 未完成 (missed); the
reported 91.2 % achieves it. No published figure exists for it, so the
reported layer is what the assessment uses (published > reported > sample).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import (
    ARTIFACTS,
    INDICATOR,
    NAME,
    REPORTER,
    REVIEWER,
    BrowserLog,
    chengdu_hover,
    chengdu_hover_when,
    chromium_page,
    map_text,
    screenshot_path,
    sign_in,
)

pytestmark = pytest.mark.browser


def upload(page: object, path: Path) -> str:
    page.locator("#submit-upload input[type=file]").set_input_files(str(path))
    result = page.locator("#upload-result")
    result.wait_for()
    page.wait_for_function(
        "(name) => (document.querySelector('#upload-result') || {}).innerText?.includes(name)",
        arg=path.name,
    )
    return result.inner_text()


def test_loop001_report_fix_submit_approve_and_see_it(workflow_app: str) -> None:
    base = workflow_app
    record: BrowserLog
    with chromium_page() as (page, record):
        before = chengdu_hover(map_text(page, base, "status"))
        assert any("未完成" in h for h in before), before

        # ① the reporter signs in and is reminded of what is overdue
        sign_in(page, base, REPORTER, "/submit")
        reminders = page.locator("#reminders")
        reminders.wait_for()
        assert "条数据报送逾期提醒" in reminders.inner_text()
        assert "成都市" in reminders.inner_text()
        page.screenshot(path=screenshot_path("loop-1-reminders-zh"), full_page=True)
        page.get_by_role("button", name="知道了").click()
        reminders.wait_for(state="hidden")

        # ② the pre-filled template of 成都 for 2025
        link = page.get_by_role("link", name="CSV 模板")
        link.wait_for()
        with page.expect_download() as download:
            link.click()
        template = ARTIFACTS / "loop-template.csv"
        download.value.save_as(template)
        text = template.read_text(encoding="utf-8-sig")
        assert text.startswith("领域,地区,指标,期间,数值,单位,上期数值,允许范围,备注")
        assert f"消费,成都市,{NAME},2025年,,%,,0–100," in text

        # ③ one bad row: a share of 912 % (files under 上传文件; 在线填报 is the first tab)
        page.locator("#submit-tabs .nav-link", has_text="上传文件").click()
        filled = text.replace(
            "成都市,新落户品牌首店数,2025年,,", "成都市,新落户品牌首店数,2025年,215,"
        )
        bad = ARTIFACTS / "loop-成都-2025-bad.csv"
        bad.write_text(
            filled.replace(f"成都市,{NAME},2025年,,", f"成都市,{NAME},2025年,912,"), "utf-8"
        )
        assert "未通过校验" in upload(page, bad)
        error = page.locator("#submit-problems .ag-row", has_text="是比例，应在 0—100% 之间")
        error.wait_for()
        assert "912" in error.inner_text()
        assert page.get_by_role("button", name="提交审核").is_disabled()
        page.screenshot(path=screenshot_path("loop-2-bad-row-zh"), full_page=True)

        # ④ fixed, checked again, submitted
        good = ARTIFACTS / "loop-成都-2025.csv"
        good.write_text(
            filled.replace(f"成都市,{NAME},2025年,,", f"成都市,{NAME},2025年,91.2,"), "utf-8"
        )
        assert "校验通过" in upload(page, good)
        page.get_by_role("button", name="提交审核").click()
        outcome = page.locator("#submit-outcome")
        outcome.wait_for()
        assert "已提交审核" in outcome.inner_text()
        page.locator("#submit-history .ag-row", has_text="待审核").wait_for()
        page.screenshot(path=screenshot_path("loop-3-submitted-zh"), full_page=True)
        page.get_by_role("button", name="退出").click()
        page.locator("#sign-in").wait_for()

        # ⑤ the reviewer approves the whole file
        sign_in(page, base, REVIEWER, "/review")
        page.locator("#review-queue .ag-row", has_text=good.name).click()
        page.locator("#review-rows .ag-row", has_text=NAME).first.wait_for()
        assert "91.2" in page.locator("#review-rows .ag-row", has_text=NAME).first.inner_text()
        page.get_by_role("button", name="全部通过").click()
        page.locator("#review-result", has_text="通过").wait_for()
        page.screenshot(path=screenshot_path("loop-4-approved-zh"), full_page=True)

        # ⑥ 总览: the map now says achieved, and shows the value
        def achieved(hover: list[str]) -> bool:
            return any("已完成" in h for h in hover) and not any("未完成" in h for h in hover)

        after = chengdu_hover_when(page, base, "status", achieved)
        assert achieved(after), after
        values = chengdu_hover_when(
            page, base, "value", lambda h: any("2025年：91.2" in t for t in h)
        )
        assert any("2025年：91.2" in h for h in values), values
        page.screenshot(path=screenshot_path("loop-5-home-zh"), full_page=True)

        # ⑦ 指标: the reported figure in 成都's table, the status of its target on the chart
        page.goto(f"{base}/indicator?id={INDICATOR}&region=510100&tab=table")
        page.locator("#ind-table", has_text="91.2").wait_for()
        assert "报送" in page.locator("#ind-table").inner_text()
        page.get_by_role("tab", name="图表").click()
        page.locator("#ind-statuses", has_text="已完成").wait_for()
        page.screenshot(path=screenshot_path("loop-6-indicator-zh"), full_page=True)

        # ⑧ the audit log: each step, by whom
        page.goto(f"{base}/audit")
        grid = page.locator("#audit-grid")
        grid.locator(".ag-row", has_text="审核通过").first.wait_for()
        # read all rows in one go: the grid may redraw between one row's read and the next
        rows = grid.locator(".ag-row").all_inner_texts()
        for actor, action in [
            (REPORTER[0], "登录"),
            (REPORTER[0], "上传报送文件"),
            (REPORTER[0], "退出"),
            (REVIEWER[0], "登录"),
            (REVIEWER[0], "审核通过"),
        ]:
            assert any(actor in r and action in r for r in rows), (actor, action, rows)
        # changes read "字段：旧值 → 新值", the row by its submission and line, no raw JSON
        assert any("审核结果：通过" in r and "报送" in r and " 第 " in r for r in rows), rows
        assert any("状态：" in r and " → " in r for r in rows), rows
        assert not any('{"' in r or "submission_row" in r for r in rows), rows
        page.screenshot(path=screenshot_path("loop-7-audit-zh"), full_page=True)
    assert record.errors == [] and record.outside_requests == []
