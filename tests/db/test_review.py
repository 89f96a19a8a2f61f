"""Review queries: rows beside the accepted values and their history, in a fixed
number of queries; the queue; a reporter's own submissions."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from db.intake import import_observations, store_submission
from db.review import add_rows, review_queue, submission_rows_frame, submissions_of
from db.session import transaction
from db.users import create_user
from indicators.outliers import OUTLIER, REVISION

PUBLISHED = {"2018": 15000.0, "2019": 17000.0, "2020": 17700.0, "2021": 19900.0, "2022": 20800.0}


def _frame(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": [r[0] for r in rows],
            "region_code": [r[1] for r in rows],
            "period": [r[2] for r in rows],
            "value": [r[3] for r in rows],
            "unit": [r[4] for r in rows],
            "note": [None] * len(rows),
            "sheet": [""] * len(rows),
            "row": list(range(2, len(rows) + 2)),
            "column": ["D"] * len(rows),
        }
    )


@pytest.fixture
def db_url(ready_url: str) -> str:
    """Each test here gets its own copy of the 'ready' seed (tests/conftest.py SEEDS)."""
    return ready_url


@pytest.fixture
def world(factory: sessionmaker[Session]) -> tuple[int, int]:
    """成都's GDP published for 2018–2022, reported for 2017 and 2022 (the published
    2022 wins), and a pending submission of four rows; returns (user id, submission id)."""
    published = [("gdp", "510100", year, value, "亿元") for year, value in PUBLISHED.items()]
    reported = [
        ("gdp", "510100", "2017", 14000.0, "亿元"),
        ("gdp", "510100", "2022", 20817.0, "亿元"),
    ]
    with transaction(factory) as session:
        user = create_user(session, "cd", "cd-password-1", "reporter", "成都填报员", ["510100"])
        for layer, rows in (("published", published), ("reported", reported)):
            import_observations(
                session,
                _frame(rows),
                layer=layer,
                vintage="final",
                submission_id=None,
                user_id=None,
            )
        store_submission(session, "bad.csv", b"x", "upload", user.id, {}, "refused")
        submission = store_submission(session, "cd.csv", b"y", "upload", user.id, {}, "pending")
        add_rows(
            session,
            submission.id,
            _frame(
                [
                    ("gdp", "510100", "2023", 30000.0, "亿元"),
                    ("gdp", "510100", "2022", 20900.0, "亿元"),
                    ("gdp", "510100", "2023Q1", 5000.0, "亿元"),
                    ("population", "510100", "2023", 2140.3, "万人"),
                ]
            ),
        )
        return user.id, submission.id


def test_drv001_rows_beside_the_accepted_value_its_layer_and_history(
    factory: sessionmaker[Session], world: tuple[int, int]
) -> None:
    _, submission_id = world
    with factory() as session:
        frame = submission_rows_frame(session, submission_id)
    annual, revision, quarter, population = frame.to_dict("records")
    assert annual["row_no"] == 2 and annual["sheet"] is None
    assert pd.isna(annual["current"]) and pd.isna(annual["current_layer"])
    assert annual["history"] == [
        (2017, 14000.0, "reported"),
        *[(int(y), v, "published") for y, v in PUBLISHED.items()],
    ]
    # +44 % on 2022 against earlier changes of +4 % to +13 %: modified z 8.3
    assert annual["previous"] == 20800.0
    assert annual["year_change_pct"] == pytest.approx((30000 / 20800 - 1) * 100)
    assert annual["z"] == pytest.approx(8.3, abs=0.1)
    assert annual["flags"] == [OUTLIER]
    # 2022: the published figure is the accepted one, not the reported 20817
    assert (revision["current"], revision["current_layer"], revision["current_layer_zh"]) == (
        20800.0,
        "published",
        "公开数据",
    )
    assert revision["change"] == pytest.approx(100.0)
    assert revision["change_pct"] == pytest.approx(100 / 20800 * 100)  # per cent: +0.48
    assert revision["history"][0] == (2017, 14000.0, "reported")
    # the revision is of the reported layer's 20817, the value approving supersedes
    assert revision["reported"] == 20817.0 and revision["flags"] == [REVISION]
    # a quarter is not compared with years, though the years are shown
    assert quarter["flags"] == [] and len(quarter["history"]) == 6
    assert pd.isna(quarter["z"]) and pd.isna(quarter["previous"])
    assert population["history"] == [] and population["flags"] == []
    assert population["indicator_name"] == "常住人口" and population["region_name"] == "成都市"
    assert set(frame.decision) == {"pending"}


def test_drv002_the_frame_costs_three_queries_whatever_the_rows(
    engine: Engine, factory: sessionmaker[Session], world: tuple[int, int]
) -> None:
    _, submission_id = world
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with factory() as session:
            submission_rows_frame(session, submission_id)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3


def test_drv003_the_queue_lists_pending_submissions_only(
    factory: sessionmaker[Session], world: tuple[int, int]
) -> None:
    user_id, submission_id = world
    with factory() as session:
        queue = review_queue(session)
    assert queue.submission_id.tolist() == [submission_id]
    entry = queue.iloc[0]
    assert (entry.reporter, entry.regions, entry.periods, entry.rows, entry.pending) == (
        "成都填报员",
        "成都市",
        "2022、2023、2023Q1",
        4,
        4,
    )


def test_drv004_a_reporter_sees_every_own_submission_newest_first(
    factory: sessionmaker[Session], world: tuple[int, int]
) -> None:
    user_id, submission_id = world
    with factory() as session:
        mine = submissions_of(session, user_id)
        nobody = submissions_of(session, user_id + 1000)
    assert mine.filename.tolist() == ["cd.csv", "bad.csv"]
    assert mine.status.tolist() == ["pending", "refused"]
    assert mine[["rows", "pending", "approved", "rejected"]].values.tolist() == [
        [4, 4, 0, 0],
        [0, 0, 0, 0],
    ]
    assert nobody.empty and list(nobody.columns) == list(mine.columns)


def test_drv005_empty_submissions_give_empty_frames_with_their_columns(
    factory: sessionmaker[Session], world: tuple[int, int]
) -> None:
    with factory() as session:
        frame = submission_rows_frame(session, 999999)
    assert frame.empty and "flags" in frame.columns
