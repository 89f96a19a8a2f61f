from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
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
