from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select
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


def test_dbc010_two_starts_recording_the_same_shipping_at_once_both_succeed(world) -> None:
    """The app's unit and the scheduler's may ship the catalogue at the same time: the
    second to record it finds the row the first inserted and neither start fails."""
    from db.catalogue import record_shipped, rows_digest, shipped_unchanged

    factory, tmp = world
    with transaction(factory) as session:
        sync_catalogue(
            session, load_catalogue(write_world(tmp), small_directory(), tmp / "sources")
        )
    first, second = factory(), factory()
    raced: list[bool] = []

    @event.listens_for(second, "before_flush")
    def the_other_start_commits(*_: object) -> None:
        """Between the second start's look (no row) and its insert, the first records."""
        if not raced:
            raced.append(True)
            record_shipped(first, "a" * 64)
            first.commit()

    try:
        record_shipped(second, "b" * 64)  # its insert conflicts; it keeps the other's row
        second.commit()
        assert raced == [True]
    finally:
        first.close()
        second.close()
    with factory() as session:
        row = session.get(models.ShippedCatalogue, 1)
        assert row is not None and row.rows_digest == rows_digest(session)
        assert shipped_unchanged(session, row.files_digest)
        assert not shipped_unchanged(session, "c" * 64)
