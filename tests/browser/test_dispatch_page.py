"""项目调度 in headless Chromium with the clock fixed at 27 November 2026.

On that day November's dispatch (due the 25th) is late where missing: the
sample dispatches (fixed seed) leave every sixth project a month behind, among
them HY27 (涪江安居电厂船闸扩能升级改造工程, 重庆). 重庆's reporter files HY27's
November: it leaves the late list and its November cell turns from 逾期未报 to
已报送. Then they correct HY36's November down to October's figure (75 % of its
plan against an expected 11/12): it enters the behind-plan list. The category
roll-up counts one late project fewer, one behind more, and the net change of
investment completed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import chromium_page, screenshot_path, seeded_app, sign_in

if TYPE_CHECKING:
    from tests.conftest import Seeds

pytestmark = pytest.mark.browser

TODAY = "2026-11-27"
REPORTER = ("cq_stat", "重庆-登录密码-2026", "重庆市统计局")
PROJECT = "HY27"
NAME = "涪江安居电厂船闸扩能升级改造工程"
OTHER = "HY36"
OTHER_NAME = "中心城区港区黄磏作业区一期工程"


@pytest.fixture(scope="module")
def dispatch_app(seeds: Seeds, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app of its own (the test files dispatches) on what the default first start
    leaves on that day (the sample dispatches are reckoned from it), with 重庆's reporter."""
    data_dir = tmp_path_factory.mktemp("dispatch-data")
    accounts = ((REPORTER, "reporter", ("重庆市",)),)
    with seeded_app(seeds, f"full-{TODAY}", data_dir, accounts, TODAY=TODAY) as address:
        yield address


def category_row(page: object) -> list[str]:
    row = page.locator("#dispatch-categories .ag-row", has_text="现代基础设施网络").first
    return [c.inner_text() for c in row.locator(".ag-cell").all()]


def november_cell(page: object) -> str:
    row = page.locator("#dispatch-matrix .ag-center-cols-container .ag-row").nth(
        _matrix_index(page)
    )
    return row.locator('[col-id="11"]').inner_text()


def _matrix_index(page: object) -> int:
    names = page.locator("#dispatch-matrix .ag-pinned-left-cols-container .ag-row")
    texts = [r.inner_text() for r in names.all()]
    return next(i for i, text in enumerate(texts) if text.startswith(PROJECT))


def file(page: object, project: str, name: str, ytd: str, month: str, progress: str) -> None:
    page.locator("#dispatch-project").click()
    page.keyboard.type(project)
    page.get_by_role("option", name=f"{project} {name}").click()
    assert page.locator("#dispatch-month").input_value() == "2026-11"
    page.locator("#dispatch-month-investment").fill(month)
    page.locator("#dispatch-ytd").fill(ytd)
    page.locator("#dispatch-progress").fill(progress)
    page.get_by_role("button", name="报送").click()


def test_dsp001_a_late_month_is_filed_and_the_rollups_follow(dispatch_app: str) -> None:
    base = dispatch_app
    with chromium_page() as (page, record):
        sign_in(page, base, REPORTER, "/dispatch")
        page.locator("#dispatch-late").wait_for()
        assert NAME in page.locator("#dispatch-late").inner_text()
        assert OTHER_NAME not in page.locator("#dispatch-behind").inner_text()
        assert november_cell(page) == "逾期未报"  # due 25 November, today the 27th
        before = category_row(page)
        page.screenshot(path=screenshot_path("dispatch-before-zh"), full_page=True)

        # a figure that is not a number is refused in Chinese, nothing stored
        file(page, PROJECT, NAME, "两点一", "0.04", "船闸闸室混凝土浇筑完成")
        page.locator(
            "#dispatch-outcome", has_text="应为有限的数字（亿元）：“两点一”不是数值"
        ).wait_for()
        # HY27's November, late: sample October 2.06 of a 2.35 plan; 2.10 is 89 %
        page.locator("#dispatch-ytd").fill("2.10")
        page.get_by_role("button", name="报送").click()
        page.locator("#dispatch-outcome", has_text="已报送：HY27 2026-11").wait_for()
        page.locator("#dispatch-matrix").wait_for()
        assert NAME not in page.locator("#dispatch-late").inner_text()
        assert november_cell(page) == "已报送"
        # HY36 corrects its November to October's 0.30 of a 0.40 plan: 75 %, behind
        file(page, OTHER, OTHER_NAME, "0.30", "0", "汛期停工，未新增投资")
        page.locator("#dispatch-outcome", has_text="已报送：HY36 2026-11").wait_for()
        page.locator("#dispatch-behind", has_text=OTHER_NAME).wait_for()

        after = category_row(page)
        # columns: category, projects, planned, completed, rate, behind, late
        assert after[1:3] == before[1:3]
        assert int(after[5]) == int(before[5]) + 1 and int(after[6]) == int(before[6]) - 1
        completed = float(after[3].replace(",", "")) - float(before[3].replace(",", ""))
        assert completed == pytest.approx((2.10 - 2.06) + (0.30 - 0.33), abs=0.011)
        page.screenshot(path=screenshot_path("dispatch-after-zh"), full_page=True)

        page.goto(f"{base}/projects?id={OTHER}")
        history = page.locator("#projects-history")
        history.locator(".ag-row", has_text="汛期停工").first.wait_for()
        assert "已被更正" in history.inner_text() and REPORTER[0] in history.inner_text()
        page.screenshot(path=screenshot_path("projects-detail-zh"), full_page=True)
    assert record.errors == [] and record.outside_requests == []
