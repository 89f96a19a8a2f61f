"""在线填报 (and 报送进度's labelled matrix) in headless Chromium: 成都's statistician fills three values in the
online form, one of them wrong (a share of 912 %), which the form flags before
anything is submitted; fixed, saved as a draft, signed out and back in, the
draft is there; submitted; the reviewer approves it on 数据审核; 总览 shows the
value. Screenshots of the form in Chinese and English at 1440 and 390 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    INDICATOR,
    NAME,
    REPORTER,
    REVIEWER,
    BrowserLog,
    chengdu_hover_when,
    chromium_page,
    screenshot_path,
    sign_in,
)

pytestmark = pytest.mark.browser

FIRST_STORES = "brand_first_stores"  # 新落户品牌首店数, 成都's own target
POPULATION = "population"


def field(page: object, indicator: str, kind: str = "entry-value") -> object:
    return page.locator(f'#entry-row-{indicator} input[id*=\'"type":"{kind}"\']')


def type_value(page: object, indicator: str, text: str) -> None:
    box = field(page, indicator)
    box.fill(text)
    box.press("Tab")  # the form checks as a field is left (debounce)


def test_ent001_fill_flag_fix_submit_approve_and_see_it(workflow_app: str) -> None:
    base = workflow_app
    record: BrowserLog
    with chromium_page() as (page, record):
        sign_in(page, base, REPORTER, "/submit")
        page.get_by_role("button", name="知道了").click()
        page.locator("#entry-form .entry-row").first.wait_for()
        heads = page.locator("#entry-form .pillar").all_inner_texts()
        assert heads[0] == "综合" and len(heads) == len(set(heads))  # one block per pillar
        assert "柠檬" not in page.locator("#entry-form").inner_text()

        # three values, one wrong: flagged while typing, before any submission
        # each check answered before the next field (a loaded machine answers slowly)
        for filled, (indicator, text) in enumerate(
            [(FIRST_STORES, "215"), (POPULATION, "2150.1"), (INDICATOR, "912")], start=1
        ):
            type_value(page, indicator, text)
            page.locator("#entry-check", has_text=f"已填 {filled} / ").wait_for(timeout=90_000)
        flag = page.locator(f"#entry-row-{INDICATOR}", has_text="是比例，应在 0—100% 之间")
        flag.wait_for(timeout=90_000)
        assert field(page, INDICATOR).get_attribute("class").count("is-invalid") == 1
        summary = page.locator("#entry-check")
        summary.wait_for()
        assert "错误 1 处" in summary.inner_text() and "未填数值" in summary.inner_text()
        page.screenshot(path=screenshot_path("entry-1-flagged-zh-1440"), full_page=True)

        # fixed, saved as a draft; signed out and in again, the draft is there
        type_value(page, INDICATOR, "91.2")
        page.locator("#entry-check", has_text="错误 0 处").wait_for(timeout=90_000)
        page.get_by_role("button", name="保存草稿").click()
        page.locator("#entry-outcome", has_text="草稿已保存（3 项数值）").wait_for()
        page.get_by_role("button", name="退出").click()
        page.locator("#sign-in").wait_for()
        sign_in(page, base, REPORTER, "/submit")
        page.locator("#entry-form", has_text="已载入保存的草稿").wait_for()
        assert field(page, INDICATOR).input_value() == "91.2"

        # submitted: a submission like a file, waiting for review
        page.locator("#entry-send").click()
        outcome = page.locator("#entry-outcome", has_text="已提交审核")
        outcome.wait_for()
        assert "3 项数值" in outcome.inner_text()
        page.locator("#submit-history .ag-row", has_text="在线填报").wait_for()
        page.screenshot(path=screenshot_path("entry-2-submitted-zh-1440"), full_page=True)
        page.get_by_role("button", name="退出").click()
        page.locator("#sign-in").wait_for()

        # the reviewer approves it on 数据审核
        sign_in(page, base, REVIEWER, "/review")
        page.locator("#review-queue .ag-row", has_text="在线填报-成都市").click()
        page.locator("#review-rows .ag-row", has_text=NAME).first.wait_for()
        assert "91.2" in page.locator("#review-rows .ag-row", has_text=NAME).first.inner_text()
        page.get_by_role("button", name="全部通过").click()
        page.locator("#review-result", has_text="通过").wait_for()

        # 总览 shows the value
        values = chengdu_hover_when(
            page, base, "value", lambda h: any("2025年：91.2" in t for t in h)
        )
        assert any("2025年：91.2" in h for h in values), values
    assert record.errors == [] and record.outside_requests == []


def test_ent002_the_form_in_both_languages_and_on_a_phone(workflow_app: str) -> None:
    base = workflow_app
    with chromium_page() as (page, record):
        sign_in(page, base, REPORTER, "/submit")
        for lang, width in (("zh", 1440), ("en", 1440), ("zh", 390), ("en", 390)):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}/submit" + ("?lang=en" if lang == "en" else ""))
            page.locator("#entry-form .entry-row").first.wait_for()
            type_value(page, FIRST_STORES, "-5")
            page.locator(f"#entry-row-{FIRST_STORES} .text-danger").wait_for(timeout=90_000)
            if lang == "en":
                assert "Online entry" in page.locator("#entry-form").inner_text()
            # nothing wider than the screen: on a phone each row stacks (a row's gutter
            # reaches 2 px past its container, as Bootstrap's rows do)
            widths = page.evaluate(
                "() => { const f = document.querySelector('#entry-form');"
                " return [f.scrollWidth, f.clientWidth]; }"
            )
            assert widths[0] <= widths[1] + 4, widths
            page.screenshot(path=screenshot_path(f"entry-form-{lang}-{width}"), full_page=True)
        # 报送进度: the matrix's columns carry the indicators' names
        page.set_viewport_size({"width": 1440, "height": 900})
        for lang in ("zh", "en"):
            page.goto(
                f"{base}/completeness?period=2025&regions=510100"
                + ("&lang=en" if lang == "en" else "")
            )
            page.locator("#completeness-heatmap g.xtick text").first.wait_for(timeout=90_000)
            ticks = page.locator("#completeness-heatmap g.xtick text").all_text_contents()
            assert len(ticks) > 40 and not any("_" in tick for tick in ticks), ticks[:5]
            page.screenshot(path=screenshot_path(f"entry-completeness-{lang}-1440"), full_page=True)
    assert record.errors == [] and record.outside_requests == []
