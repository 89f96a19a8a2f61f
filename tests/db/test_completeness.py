"""报送进度 matrix on a small world: states, expected cells, and few queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from db import migrate, models
from db.completeness import COLUMNS, completeness_matrix
from db.regions import sync_regions
from db.session import transaction
from indicators.regions import Region, RegionDirectory
from indicators.reporting_calendar import DueRule
from tests.helpers import small_directory

INDICATORS = {  # id: (name, frequency)
    "gdp": ("地区生产总值", "annual"),
    "retail": ("社会消费品零售总额", "quarterly"),
    "power": ("全社会用电量", "monthly"),
}
# units of the small world in the circle, and one outside it
UNITS = ["500000", "500101", "500154", "510000", "510100", "511000", "511002", "511100", "511102"]
OUTSIDE = "530100"


def world_directory() -> RegionDirectory:
    regions = dict(small_directory().regions)
    regions[OUTSIDE] = Region(OUTSIDE, "昆明市", "Kunming", "city", in_circle="outside")
    return RegionDirectory(regions)


def observe(
    session: Session,
    indicator: str,
    region: str,
    period: str,
    status: str = "accepted",
    layer: str = "reported",
    revision: int = 1,
    current: bool = True,
) -> models.Observation:
    row = models.Observation(
        indicator_id=indicator,
        region_code=region,
        period=period,
        layer=layer,
        revision=revision,
        value=1.0,
        unit="亿元",
        status=status,
        is_current=current,
    )
    session.add(row)
    session.flush()
    return row


def build_world(engine: Engine, factory: sessionmaker[Session]) -> dict[str, int]:
    """Regions, three indicators of the three frequencies, and reported figures
    in every state; returns observation ids by a short name."""
    migrate.upgrade(engine)
    ids: dict[str, int] = {}
    with transaction(factory) as session:
        sync_regions(session, world_directory())
        for id_, (name, frequency) in INDICATORS.items():
            session.add(
                models.Indicator(
                    id=id_,
                    name_zh=name,
                    name_en=id_,
                    unit="亿元",
                    direction="higher",
                    frequency=frequency,
                    pillar="overall",
                    aggregation="sum",
                )
            )
        session.flush()
        submission = models.Submission(
            channel="upload", filename="cd.csv", content=b"x", sha256="0" * 64, size=1
        )
        session.add(submission)
        session.flush()
        ids["submission"] = submission.id
        ids["cd_gdp"] = observe(session, "gdp", "510100", "2025").id
        session.get(models.Observation, ids["cd_gdp"]).submission_id = submission.id
        ids["wz_gdp"] = observe(session, "gdp", "500101", "2025", "pending").id
        ids["nj_gdp"] = observe(session, "gdp", "511000", "2025", "rejected").id
        # an accepted figure replaced by a rejected revision: the current row decides
        observe(session, "gdp", "511100", "2025", "accepted", current=False)
        ids["ls_gdp"] = observe(session, "gdp", "511100", "2025", "rejected", revision=2).id
        observe(session, "gdp", "500000", "2025", layer="sample")  # not a report
        observe(session, "gdp", OUTSIDE, "2025")  # outside the circle: not expected
        observe(session, "retail", "510100", "2025Q1")
        observe(session, "retail", "510100", "2025Q2", "pending")
        observe(session, "power", "510100", "2025-01")
        observe(session, "power", "510100", "2026-03")
    return ids


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
