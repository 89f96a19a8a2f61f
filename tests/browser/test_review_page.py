"""数据审核 shows what it approves, in headless Chromium.

A 40-row file from 成都's reporter (地区生产总值 1985–2024) waits for review. The
reviewer sees every row, each under its own id (AG Grid warns — #25, #2 — when
ids are missing or repeated; any AG Grid message in the console fails the test),
25 on the first page and 15 on the second; 全部通过 asks 通过全部 40 行 first,
and approving stores exactly those 40 rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from db import models
from db.session import make_engine, make_session_factory
from db.users import account_of
from tests.browser.conftest import (
    REPORTER,
    REVIEWER,
    chromium_page,
    screenshot_path,
    seeded_app,
    sign_in,
)
from workflows.review import submit

if TYPE_CHECKING:
    from tests.conftest import Seeds

pytestmark = pytest.mark.browser

YEARS = range(1985, 2025)
FILE = "成都-地区生产总值-40行.csv"


def _pending_file(url: str) -> None:
    """The 40-row file, sent by 成都's reporter, waiting for review."""
    text = "地区,指标,期间,数值,单位,备注\n" + "".join(
        f"成都市,地区生产总值,{year}年,{1000 + 10 * i},亿元,\n" for i, year in enumerate(YEARS)
    )
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        user = session.scalars(select(models.User).where(models.User.username == REPORTER[0]))
        reporter = account_of(user.one())
    outcome = submit(factory, FILE, text.encode(), reporter)
    engine.dispose()
    assert outcome.status == "pending", outcome.report


@pytest.fixture(scope="module")
def review_app(
    seeds: Seeds, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """An app of its own, on what a first start without 示例数据 leaves ('published'
    seed), with a reporter, a reviewer and the 40-row file pending."""
    data_dir = tmp_path_factory.mktemp("review-data")
    accounts = ((REPORTER, "reporter", ("成都市",)), (REVIEWER, "reviewer", ()))
    with seeded_app(
        seeds, "published", data_dir, accounts, _pending_file, LOAD_SAMPLE_DATA="false"
    ) as address:
        yield address, data_dir


def _row_ids(page: object) -> list[str]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'#review-rows .ag-center-cols-container .ag-row')).map(r => r.getAttribute('row-id'))"
    )


def test_rev001_every_row_seen_paged_and_exactly_those_approved(
    review_app: tuple[str, Path],
) -> None:
    base, data_dir = review_app
    engine = make_engine(f"sqlite:///{data_dir / 'monitor.sqlite'}")
    r = models.SubmissionRow
    with make_session_factory(engine)() as session:
        [submission_id] = session.scalars(
            select(models.Submission.id).where(models.Submission.filename == FILE)
        )
        stored = [
            str(i)
            for i in session.scalars(
                select(r.id).where(r.submission_id == submission_id).order_by(r.row_no)
            )
        ]
    assert len(stored) == 40
    messages: list[str] = []
    with chromium_page() as (page, record):
        page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        sign_in(page, base, REVIEWER, "/review")
        page.locator("#review-queue .ag-row", has_text=FILE).click()
        rows = page.locator("#review-rows .ag-center-cols-container .ag-row")
        rows.first.wait_for()
        page.locator("#review-rows .ag-paging-row-summary-panel", has_text="40").wait_for()
        first = _row_ids(page)
        assert first == stored[:25], first
        assert rows.first.inner_text().startswith("2\n") or "1985" in rows.first.inner_text()
        page.screenshot(path=screenshot_path("review-1-page-1-zh"), full_page=True)

        page.locator("#review-rows [data-ref=btNext]").click()
        page.wait_for_function(
            "() => document.querySelectorAll("
            "'#review-rows .ag-center-cols-container .ag-row').length === 15"
        )
        second = _row_ids(page)
        assert second == stored[25:], second
        assert "2024" in page.locator("#review-rows").inner_text()
        page.screenshot(path=screenshot_path("review-2-page-2-zh"), full_page=True)
        assert len(set(first + second)) == 40 and "undefined" not in first + second

        # 全部通过 on a file longer than a page asks first, naming the count
        page.get_by_role("button", name="全部通过").click()
        confirm = page.locator("#review-confirm")
        confirm.get_by_text("通过全部 40 行？").wait_for()
        page.wait_for_timeout(500)  # the modal fades in
        page.screenshot(path=screenshot_path("review-3-confirm-zh"))
        confirm.get_by_role("button", name="通过全部 40 行").click()
        page.locator("#review-result", has_text="通过 40 行").wait_for()
        page.screenshot(path=screenshot_path("review-4-approved-zh"), full_page=True)

    with make_session_factory(engine)() as session:
        decided = {
            str(i): d
            for i, d in session.execute(
                select(r.id, r.decision).where(r.submission_id == submission_id)
            )
        }
        observations = session.execute(
            select(models.Observation.period, models.Observation.value).where(
                models.Observation.submission_id == submission_id,
                models.Observation.layer == "reported",
            )
        ).all()
    engine.dispose()
    assert decided == dict.fromkeys(stored, "approved")
    assert sorted(observations) == [(str(y), 1000.0 + 10 * i) for i, y in enumerate(YEARS)]
    assert record.errors == [] and record.outside_requests == []
    assert not [m for m in messages if "AG Grid" in m], messages
