"""公报读取 → 确认入库 in headless Chromium, on a real bulletin excerpt: 德阳市's 2024 统计公报
(tests/fixtures/bulletins/deyang_2024_bulletin.txt, with its publisher and URL in the .yaml beside it).

The joint office's reviewer uploads it, sees the seven proposals with their sentences, fills the
citation, ticks three, corrects one value in the grid (a correction typed on a scratch database,
to prove the edit reaches the server), and presses 确认入库: exactly those three are stored in the
published layer with the citation, one audit event each, the corrected one recording the proposal.
Pressing again stores nothing and says so. Without a URL the page refuses. The English page at
1440, 1280 and 390 px. Any console error (a Dash or AG Grid warning) fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from sqlalchemy import select

from config.settings import PROJECT_ROOT
from db import models
from db.session import make_engine, make_session_factory
from tests.browser.conftest import (
    REVIEWER,
    chromium_page,
    screenshot_path,
    seeded_app,
    sign_in,
    signed_in,
)

if TYPE_CHECKING:
    from tests.conftest import Seeds

pytestmark = pytest.mark.browser

BULLETIN = PROJECT_ROOT / "tests" / "fixtures" / "bulletins" / "deyang_2024_bulletin.txt"
SOURCE = yaml.safe_load(BULLETIN.with_suffix(".yaml").read_text(encoding="utf-8"))
GRID = "#bulletin-proposals"


@pytest.fixture(scope="module")
def bulletin_app(
    seeds: Seeds, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """An app of its own (the test stores figures) on what a first start without 示例数据
    leaves ('published' seed), with the joint office's reviewer."""
    data_dir = tmp_path_factory.mktemp("bulletin-data")
    accounts = ((REVIEWER, "reviewer", ()),)
    with seeded_app(seeds, "published", data_dir, accounts, LOAD_SAMPLE_DATA="false") as address:
        yield address, data_dir


def _upload(page: object, base: str, lang: str = "zh") -> None:
    page.goto(f"{base}/bulletin" + ("?lang=en" if lang == "en" else ""))
    page.locator("#bulletin-file input[type=file]").set_input_files(str(BULLETIN))
    page.locator(f"{GRID} .ag-center-cols-container .ag-row[row-id='6']").wait_for()


def _tick(page: object, row: int) -> None:
    page.locator(
        f"{GRID} .ag-row[row-id='{row}'] .ag-selection-checkbox input[type=checkbox]"
    ).first.check()


def _published(data_dir: Path) -> tuple[list[tuple], list[dict]]:
    """德阳's current published figures (the shipped layer holds none) and the confirmations."""
    engine = make_engine(f"sqlite:///{data_dir / 'monitor.sqlite'}")
    o, e = models.Observation, models.AuditEvent
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(o.indicator_id, o.region_code, o.period, o.value, o.vintage, o.source_note)
            .where(o.layer == "published", o.is_current, o.region_code == "510600")
            .order_by(o.indicator_id)
        ).all()
        events = [
            event.after for event in session.scalars(select(e).where(e.action == "confirm_figure"))
        ]
    engine.dispose()
    return [tuple(r) for r in rows], events


def test_bul001_the_ticked_proposals_are_stored_with_their_citation(
    bulletin_app: tuple[str, Path],
) -> None:
    base, data_dir = bulletin_app
    with chromium_page() as (page, record):
        sign_in(page, base, REVIEWER, "/bulletin")
        _upload(page, base)
        page.locator("#bulletin-publisher").fill(SOURCE["publisher"])
        page.locator("#bulletin-url").fill(SOURCE["url"])
        page.locator("#bulletin-result", has_text="7 条候选数据").wait_for()
        page.screenshot(path=screenshot_path("bulletin-1-proposals-zh"), full_page=True)

        page.locator("#bulletin-url").fill("")
        _tick(page, 0)
        page.get_by_role("button", name="确认入库（勾选的数据）").click()
        page.locator("#bulletin-confirm-error", has_text="请填写原文网址").wait_for()
        assert _published(data_dir) == ([], [])

        page.locator("#bulletin-url").fill(SOURCE["url"])
        for row in (2, 3):
            _tick(page, row)
        cell = page.locator(f"{GRID} .ag-row[row-id='3'] .ag-cell[col-id='value']")
        cell.click()
        editor = page.locator(f"{GRID} .ag-row[row-id='3'] .ag-cell[col-id='value'] input")
        editor.fill("1312.2")
        editor.press("Enter")
        page.screenshot(path=screenshot_path("bulletin-2-ticked-zh"), full_page=True)
        page.get_by_role("button", name="确认入库（勾选的数据）").click()
        page.locator("#bulletin-confirmed", has_text="已入库 3 条公开数据").wait_for()
        for row in (0, 2, 3):  # each ticked row says what became of it
            page.locator(
                f"{GRID} .ag-row[row-id='{row}'] .ag-cell[col-id='result']", has_text="已入库"
            ).wait_for()
        assert (
            page.locator(f"{GRID} .ag-row[row-id='1'] .ag-cell[col-id='result']").inner_text() == ""
        )
        page.screenshot(path=screenshot_path("bulletin-3-confirmed-zh"), full_page=True)

        page.get_by_role("button", name="确认入库（勾选的数据）").click()
        page.locator("#bulletin-confirmed", has_text="未入库任何数据").wait_for()
        assert "已有相同数值" in page.locator("#bulletin-confirmed").inner_text()
        assert not record.errors, record.errors

    rows, events = _published(data_dir)
    assert [r[:5] for r in rows] == [
        ("gdp", "510600", "2024", 3265.4, "initial"),
        ("primary_industry_value_added", "510600", "2024", 276.2, "initial"),
        ("services_value_added", "510600", "2024", 1312.2, "initial"),
    ]
    assert all(SOURCE["url"] in r[5] and SOURCE["publisher"] in r[5] for r in rows)
    assert "3265.4亿元" in rows[0][5]
    assert len(events) == 3
    corrected = next(a for a in events if a["indicator"] == "services_value_added")
    assert corrected["proposed"] == {"value": 1312.1} and corrected["value"] == 1312.2


@pytest.fixture(scope="module")
def reviewer(bulletin_app: tuple[str, Path]) -> dict[str, Any]:
    return signed_in(bulletin_app[0], REVIEWER)


@pytest.mark.parametrize("width", [1440, 1280, 390])
def test_bul002_the_english_page_at_three_widths(
    bulletin_app: tuple[str, Path], reviewer: dict[str, Any], width: int
) -> None:
    base, _ = bulletin_app
    with chromium_page(storage_state=reviewer) as (page, record):
        page.set_viewport_size({"width": width, "height": 1000})
        _upload(page, base, "en")
        page.locator("#bulletin-result", has_text="7 proposed figures").wait_for()
        page.get_by_role("button", name="Confirm the ticked figures").wait_for()
        page.screenshot(path=screenshot_path(f"bulletin-en-{width}"), full_page=True)
        # the page's own content within the window (the shared header is measured elsewhere;
        # the grid scrolls its columns inside itself)
        past = page.evaluate(
            "() => Math.max(...Array.from(document.querySelectorAll('#_pages_content *'))"
            ".filter(e => !e.parentElement.closest('.ag-root-wrapper'))"
            ".map(e => e.getBoundingClientRect().right)) - window.innerWidth"
        )
        assert past <= 0, f"the page reaches {past} px past the window at {width}"
        assert not record.errors, record.errors
