"""The whole reporting loop in headless Chromium, as the people do it.

成都's statistician signs in (and sees the overdue reminders), downloads the
template, uploads it with one bad row, reads the Chinese error, fixes the row,
submits; the joint office's reviewer approves; 总览 and 指标 show the new value
and the status it earns; the audit log shows each step.

The indicator is 国际知名品牌入驻率 of 成都 (target 90 % in 2025, quote in
config/catalogue): the sample figure for 2025 (70.5 %) leaves it 未实现; the
reported 91.2 % achieves it. No published figure exists for it, so the
reported layer is what the assessment uses (published > reported > sample).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import PROJECT_ROOT
from tests.browser.conftest import (
    ARTIFACTS,
    BrowserLog,
    app_environment,
    chromium_page,
    running_app,
    screenshot_path,
)

pytestmark = pytest.mark.browser

REPORTER = ("cd_stat", "成都-登录密码-2026", "成都市统计局")
REVIEWER = ("office", "审核-登录密码-2026", "联合办公室")
INDICATOR = "international_brand_presence_rate"
NAME = "国际知名品牌入驻率"


def _manage(data_dir: Path, *args: str, stdin: str = "", **env: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=app_environment(data_dir, **env),
        input=stdin,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def workflow_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app of its own (this test changes data), with a reporter for 成都, a
    reviewer, and the overdue reminders of 1 April 2026."""
    data_dir = tmp_path_factory.mktemp("workflow-data")
    _manage(data_dir, "init")
    username, password, name = REPORTER
    _manage(
        data_dir,
        *("create-user", username, "--role", "reporter", "--name", name),
        *("--region", "成都市", "--password-stdin"),
        stdin=password + "\n",
    )
    username, password, name = REVIEWER
    _manage(
        data_dir,
        *("create-user", username, "--role", "reviewer", "--name", name, "--password-stdin"),
        stdin=password + "\n",
    )
    _manage(data_dir, "mark-overdue", "--today", "2026-04-01")
    with running_app(data_dir) as url:
        yield url


def sign_in(page: object, base: str, who: tuple[str, str, str], next_: str) -> None:
    page.goto(f"{base}/login?next={next_}")
    page.get_by_label("用户名").fill(who[0])
    page.get_by_label("密码").fill(who[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_}")
    page.locator("#account-name", has_text=who[2]).wait_for()


def map_text(page: object, base: str, mode: str) -> str:
    """The 总览 map's traces as JSON (hover texts name each unit's value or status)."""
    page.goto(f"{base}/?map={INDICATOR}&mode={mode}")
    page.locator(
        "#home-map .js-plotly-plot .choroplethlayer, #home-map .js-plotly-plot"
    ).first.wait_for()
    page.wait_for_function(
        "() => { const g = document.querySelector('#home-map .js-plotly-plot');"
        " return g && g.data && g.data.length > 0; }"
    )
    return page.evaluate(
        "() => JSON.stringify(document.querySelector('#home-map .js-plotly-plot').data"
        ".map(t => [t.name, t.text, t.hovertext, t.customdata]))"
    )


def chengdu_hover(traces_json: str) -> list[str]:
    """Every hover text about 成都市, with the name of the trace (status) it sits in."""
    found = []
    for name, *texts in json.loads(traces_json):
        for column in texts:
            for text in column or []:
                if isinstance(text, str) and "<b>成都市</b>" in text:
                    found.append(f"{name}|{text}")
    return found


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
        assert any("未实现" in h for h in before), before

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
        assert (
            text.startswith("地区,指标,期间,数值,单位,备注") and f"成都市,{NAME},2025年,,%," in text
        )

        # ③ one bad row: a share of 912 %
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
        after = chengdu_hover(map_text(page, base, "status"))
        assert any("已实现" in h for h in after) and not any("未实现" in h for h in after), after
        values = chengdu_hover(map_text(page, base, "value"))
        assert any("2025年：91.2" in h for h in values), values
        page.screenshot(path=screenshot_path("loop-5-home-zh"), full_page=True)

        # ⑦ 指标: the reported figure and the status of 成都's target
        page.goto(f"{base}/indicator?id={INDICATOR}&region=510100")
        page.get_by_text("91.2").first.wait_for()
        body = page.locator("#_pages_content").inner_text()
        assert "已实现" in body and "报送" in body
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
