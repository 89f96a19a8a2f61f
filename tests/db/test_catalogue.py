from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from db import migrate, models
from db.catalogue import sync_catalogue, targets_frame
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
def world(engine: Engine, factory: sessionmaker[Session], tmp_path: Path):
    migrate.upgrade(engine)
    with transaction(factory) as session:
        sync_regions(session, small_directory())
    return factory, tmp_path


def _counts(session: Session) -> tuple[int, int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (models.Plan, models.Indicator, models.Target, models.Baseline)
    )


def test_dbc001_sync_is_idempotent_and_follows_edits(world) -> None:
    factory, tmp = world
    catalogue = load_catalogue(write_world(tmp), small_directory(), tmp / "sources")
    for _ in range(2):
        with transaction(factory) as session:
            sync_catalogue(session, catalogue)
    with factory() as session:
        assert _counts(session) == (1, 3, 2, 1)
        frame = targets_frame(session)
    assert list(frame.id) == ["p-001", "p-002", "p-003"]
    assert frame.set_index("id").loc["p-001", "scope_name"] == "万达开地区"
    # an entry that changes kind moves from targets to baselines; a removed indicator goes
    edited = load_catalogue(
        write_world(tmp, gdp={"kind": "baseline", "comparator": "at_least"}),
        small_directory(),
        tmp / "sources",
    )
    del edited.indicators["ports"]
    del edited.entries["p-003"]
    with transaction(factory) as session:
        sync_catalogue(session, edited)
    with factory() as session:
        assert _counts(session) == (1, 2, 0, 2)
