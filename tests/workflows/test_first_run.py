from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.regions import count_regions
from indicators.regions import RegionError
from workflows.first_run import ensure_ready
from workflows.master_data import load_regions


def test_frn001_first_start_migrates_and_loads_regions_once(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    first = ensure_ready(engine, factory)
    second = ensure_ready(engine, factory)
    assert first.migrated_from is None and first.regions_loaded > 80
    assert second.migrated_from is not None and second.regions_loaded == 0
    with factory() as session:
        assert count_regions(session) == first.regions_loaded


def test_frn002_a_bad_master_file_writes_nothing(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    ensure_ready(engine, factory)
    with factory() as session:
        before = session.scalars(select(models.Region.name_zh).order_by(models.Region.code)).all()
    bad = tmp_path / "regions.yaml"
    bad.write_text(
        'units:\n  - {code: "510100", name_zh: 新成都, name_en: X, level: city, parent: "999"}\n',
        encoding="utf-8",
    )
    with pytest.raises(RegionError, match="不存在的地区 999"):
        load_regions(factory, bad)
    with factory() as session:
        after = session.scalars(select(models.Region.name_zh).order_by(models.Region.code)).all()
    assert after == before


def test_frn003_a_start_serves_the_full_recompute_a_migration_asked_for(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    """Migration 0024 adds progress_snapshots.latest_bound (NULL in the snapshots
    already stored) and asks for a full recompute; the next start (``manage.py init``
    before the app) serves it, so the pages write "≥X（year，下限）" from the first visit,
    not after the scheduler's recovery job. Here: the column emptied and the request
    set as an upgraded database has them. (Without the sample data: the published
    figures alone hold the bounds, and the test is quicker.)"""
    ensure_ready(engine, factory, sample=False)
    s = models.ProgressSnapshot
    with factory() as session:
        bounded = session.scalar(select(func.count()).where(s.latest_bound == "lower"))
    assert bounded  # the shipped published layer decides targets on lower bounds
    with factory.begin() as session:
        session.execute(update(s).values(latest_bound=None))
        session.execute(
            update(models.JobLease).where(models.JobLease.name == "progress").values(dirty=True)
        )
    ensure_ready(engine, factory, sample=False)
    with factory() as session:
        again = session.scalar(select(func.count()).where(s.latest_bound == "lower"))
        waiting = session.scalar(
            select(models.JobLease.dirty).where(models.JobLease.name == "progress")
        )
    assert again == bounded and not waiting
