"""报送进度 matrix on a small world: states, expected cells, and few queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.completeness import COLUMNS, completeness_matrix
from db.session import transaction
from indicators.reporting_calendar import DueRule
from tests.helpers import OUTSIDE, UNITS, build_world


@pytest.fixture
def db_url(schema_url: str) -> str:
    """Each test here gets its own copy of the migrated, empty 'schema' seed
    (tests/conftest.py SEEDS) instead of migrating an empty database itself."""
    return schema_url


@pytest.fixture
def world(engine: Engine, factory: sessionmaker[Session]) -> dict[str, int]:
    return build_world(engine, factory)


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _states(frame: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    return {
        (r.region_code, r.indicator_id, r.period): r.state for r in frame.itertuples(index=False)
    }


def test_cmp001_the_year_after_its_deadline(
    world: dict[str, int], engine: Engine, factory: sessionmaker[Session]
) -> None:
    with factory() as session, counted(engine) as statements:
        frame = completeness_matrix(session, "2025", date(2026, 4, 1))
    assert len(statements) == 4  # units, indicators, observations, rows awaiting review
    assert list(frame.columns) == COLUMNS
    # every unit in the circle × (gdp: the year; retail: the year and 4 quarters;
    # power: the year and 12 months); no grouping, nothing outside the circle
    assert sorted(frame.region_code.unique()) == UNITS
    assert len(frame) == len(UNITS) * 19
    states = _states(frame)
    assert states[("510100", "gdp", "2025")] == "approved"
    assert states[("500101", "gdp", "2025")] == "received"  # pending review
    assert states[("511000", "gdp", "2025")] == "overdue"  # rejected: as if never sent
    assert states[("511100", "gdp", "2025")] == "overdue"  # the current revision was rejected
    assert states[("500000", "gdp", "2025")] == "overdue"  # the sample layer is no report
    assert states[("510100", "retail", "2025Q1")] == "approved"
    assert states[("510100", "retail", "2025Q2")] == "received"
    assert states[("510100", "retail", "2025Q3")] == "overdue"
    assert states[("510100", "power", "2025-01")] == "approved"
    assert states[("510100", "power", "2025")] == "overdue"  # the year is owed as well
    assert frame.state.value_counts().to_dict() == {
        "overdue": len(UNITS) * 19 - 5,
        "approved": 3,
        "received": 2,
    }
    row = frame.set_index(["region_code", "indicator_id", "period"]).loc[("510100", "gdp", "2025")]
    assert row.due_date == date(2026, 3, 31)
    assert row.observation_id == world["cd_gdp"] and row.submission_id == world["submission"]
    rejected = frame.set_index(["region_code", "indicator_id", "period"]).loc[
        ("511000", "gdp", "2025")
    ]
    assert rejected.observation_id == world["nj_gdp"]  # kept, so a page can say 已退回
    assert str(frame.observation_id.dtype) == "Int64" and frame.submission_id.isna().sum() > 0


def test_cmp002_on_the_deadline_the_year_is_still_on_time(
    world: dict[str, int], factory: sessionmaker[Session]
) -> None:
    with factory() as session:
        frame = completeness_matrix(session, "2025", date(2026, 3, 31), regions=["511000"])
    states = _states(frame)
    assert states[("511000", "gdp", "2025")] == "missing"
    assert states[("511000", "retail", "2025Q4")] == "overdue"  # due 2026-01-20
    assert states[("511000", "power", "2025-12")] == "overdue"


def test_cmp003_a_year_in_progress_shows_what_has_begun(
    world: dict[str, int], factory: sessionmaker[Session]
) -> None:
    with factory() as session:
        frame = completeness_matrix(
            session, "2026", date(2026, 4, 15), regions=["510100", "511000"]
        )
    assert sorted(frame.period.unique()) == ["2026", "2026-01", "2026-02", "2026-03", "2026Q1"]
    states = _states(frame)
    assert states[("511000", "gdp", "2026")] == "not_due"  # the year has not ended
    assert states[("511000", "power", "2026")] == "not_due"
    assert states[("511000", "retail", "2026Q1")] == "missing"  # due 04-20
    assert states[("511000", "power", "2026-02")] == "overdue"  # due 03-15
    assert states[("511000", "power", "2026-03")] == "missing"  # due today: on time
    assert states[("510100", "power", "2026-03")] == "approved"


def test_cmp004_one_period_filters_and_expected_pairs(
    world: dict[str, int], engine: Engine, factory: sessionmaker[Session]
) -> None:
    with factory() as session:
        quarter = completeness_matrix(session, "2025Q2", date(2025, 7, 1))
        assert set(quarter.indicator_id) == {"retail"} and len(quarter) == len(UNITS)
        assert _states(quarter)[("510100", "retail", "2025Q2")] == "received"
        assert set(quarter.state) == {"received", "missing"}
        early = completeness_matrix(session, "2026Q4", date(2026, 4, 1), regions=["510100"])
        assert early.state.tolist() == ["not_due"]
        narrow = completeness_matrix(
            session,
            "2025",
            date(2026, 4, 1),
            regions=["510100", "500101", OUTSIDE, "wandakai"],
            indicators=["gdp", "retail"],
        )
        assert sorted(narrow.region_code.unique()) == ["500101", "510100"]
        assert len(narrow) == 2 * (1 + 5)
        with counted(engine) as statements:
            expected = completeness_matrix(
                session,
                "2025",
                date(2026, 4, 1),
                expected={("510100", "gdp"), ("500101", "power"), (OUTSIDE, "gdp")},
            )
        assert len(statements) == 4
        assert sorted(set(zip(expected.region_code, expected.indicator_id, strict=True))) == [
            ("500101", "power"),
            ("510100", "gdp"),
        ]
        assert len(expected) == 1 + 13
        nothing = completeness_matrix(session, "2025", date(2026, 4, 1), expected=set())
        assert nothing.empty and list(nothing.columns) == COLUMNS
        none_ = completeness_matrix(session, "2025", date(2026, 4, 1), regions=["wandakai"])
        assert none_.empty


def test_cmp005_configured_rules_move_the_deadline(
    world: dict[str, int], factory: sessionmaker[Session]
) -> None:
    rules = {
        "annual": DueRule("annual", 6, 30),
        "quarterly": DueRule("quarterly", 1, 20),
        "monthly": DueRule("monthly", 1, 15),
    }
    with factory() as session:
        frame = completeness_matrix(
            session, "2025", date(2026, 4, 1), regions=["511000"], indicators=["gdp"], rules=rules
        )
    assert frame.due_date.tolist() == [date(2026, 6, 30)]
    assert frame.state.tolist() == ["missing"]


def test_cmp009_a_file_awaiting_review_counts_as_received_not_overdue(
    world: dict[str, int], factory: sessionmaker[Session]
) -> None:
    with transaction(factory) as session:
        session.add(
            models.SubmissionRow(
                submission_id=world["submission"],
                row_no=2,
                indicator_id="gdp",
                region_code="511000",  # its earlier figure was rejected
                period="2025",
                value=3600.0,
                unit="亿元",
            )
        )
    with factory() as session:
        frame = completeness_matrix(session, "2025", date(2026, 4, 1), regions=["511000"])
    row = frame.set_index(["region_code", "indicator_id", "period"]).loc[("511000", "gdp", "2025")]
    assert row.state == "received" and row.submission_id == world["submission"]
    assert pd.isna(row.observation_id)
