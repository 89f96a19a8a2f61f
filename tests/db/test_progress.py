"""Snapshots of two years side by side: status_changes joins, the pure rule ranks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.catalogue import sync_catalogue
from db.progress import replace_snapshots, snapshots_frame, status_changes
from db.regions import sync_regions
from db.session import transaction
from indicators.catalogue import load_catalogue
from tests.helpers import small_directory, write_world


@pytest.fixture
def db_url(schema_url: str) -> str:
    """Each test here gets its own copy of the migrated, empty 'schema' seed
    (tests/conftest.py SEEDS) instead of migrating an empty database itself."""
    return schema_url


@pytest.fixture
def world(engine: Engine, factory: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    """万达开 with its GDP target (p-001) and its ports target (p-003)."""
    migrate.upgrade(engine)
    with transaction(factory) as session:
        sync_regions(session, small_directory())
        sync_catalogue(
            session, load_catalogue(write_world(tmp_path), small_directory(), tmp_path / "sources")
        )
    return factory


def _row(
    target: str, as_of: int, status: str, latest: float | None = None, **extra: object
) -> dict[str, object]:
    row = {
        "target_id": target,
        "scope_code": "wandakai",
        "as_of": as_of,
        "status": status,
        "final": False,
        "method": "cagr",
        "figure_origin": "reported",
        "latest_year": None if latest is None else as_of,
        "latest_value": latest,
        "unit": "亿元",
        "used": [],
        "inputs_digest": "x",
        "outlook": "none",
    }
    return row | extra


def _store(factory: sessionmaker[Session], as_of: int, rows: list[dict[str, object]]) -> None:
    with transaction(factory) as session:
        replace_snapshots(session, as_of, rows)


def test_dbp001_status_changes_sets_each_target_beside_its_previous_year(
    world: sessionmaker[Session],
) -> None:
    _store(
        world,
        2022,
        [
            _row("p-001", 2022, "needs_acceleration", 3600.0, outlook="cloud"),
            _row("p-003", 2022, "insufficient"),
        ],
    )
    _store(
        world,
        2023,
        [
            _row("p-001", 2023, "on_track", 4200.0, outlook="light_cloud"),
            _row("p-003", 2023, "achieved", 1.0, outlook="sun"),
        ],
    )
    with world() as session:
        frame = status_changes(session).set_index("target_id")
        columns = set(snapshots_frame(session, 2023).columns)
    assert columns < set(frame.columns) | {"target_id"}
    assert set(frame.columns) - columns == {
        "previous_status",
        "previous_latest_value",
        "previous_latest_year",
        "previous_outlook",
        "change",
    }
    gdp = frame.loc["p-001"]
    assert (gdp.as_of, gdp.status, gdp.outlook) == (2023, "on_track", "light_cloud")
    assert (gdp.previous_status, gdp.previous_latest_value, gdp.previous_latest_year) == (
        "needs_acceleration",
        3600.0,
        2022,
    )
    assert gdp.previous_outlook == "cloud" and gdp.change == "improved"
    ports = frame.loc["p-003"]
    assert ports.change == "new" and ports.previous_status == "insufficient"
    assert pd.isna(ports.previous_latest_value) and ports.indicator_name == "口岸数量"


def test_dbp002_only_targets_with_both_years_and_an_explicit_year(
    world: sessionmaker[Session],
) -> None:
    _store(world, 2021, [_row("p-001", 2021, "on_track", 3300.0)])
    _store(
        world,
        2022,
        [_row("p-001", 2022, "limited", 3400.0), _row("p-003", 2022, "achieved", 1.0)],
    )
    _store(world, 2023, [_row("p-001", 2023, "limited", 3500.0)])
    with world() as session:
        latest = status_changes(session)
        earlier = status_changes(session, 2022)
        none_before = status_changes(session, 2021)
    assert list(latest.target_id) == ["p-001"] and list(latest.change) == ["unchanged"]
    assert list(earlier.target_id) == ["p-001"]  # p-003 has no 2021 snapshot
    assert list(earlier.change) == ["worsened"] and list(earlier.previous_latest_year) == [2021]
    assert none_before.empty and "change" in none_before.columns


def test_dbp003_nothing_stored_gives_an_empty_frame(world: sessionmaker[Session]) -> None:
    with world() as session:
        assert status_changes(session).empty
