"""Migration 0010 and the stored catalogue: indicators' scale and trend limit, the
2035 goals (远景目标) in their own table, class/rank/relative targets as targets."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from db import migrate, models
from db.catalogue import sync_catalogue, targets_frame
from db.regions import sync_regions
from db.session import transaction
from tests.helpers import kinds_world, small_directory


def test_tk001_0010_adds_and_removes_scale_limit_and_visions(engine: Engine) -> None:
    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("indicators")}

    migrate.upgrade(engine, "0009")
    assert "visions" not in inspect(engine).get_table_names()
    assert not {"scale", "trend_limit"} & columns()
    migrate.upgrade(engine, "0010")
    assert "visions" in inspect(engine).get_table_names()
    assert {"scale", "trend_limit"} <= columns()
    indexed = {tuple(i["column_names"]) for i in inspect(engine).get_indexes("visions")}
    assert {("indicator_id",), ("plan_id",), ("scope_code",)} <= indexed
    migrate.downgrade(engine, "0009")
    assert "visions" not in inspect(engine).get_table_names()
    assert not {"scale", "trend_limit"} & columns() and "headline" in columns()
    assert migrate.current_revision(engine) == "0009"


def test_tk002_visions_are_stored_apart_and_listed_without_a_value(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    migrate.upgrade(engine)
    with transaction(factory) as session:
        sync_regions(session, small_directory())
    catalogue = kinds_world(tmp_path)
    for _ in range(2):  # idempotent
        with transaction(factory) as session:
            sync_catalogue(session, catalogue)
    with factory() as session:
        assert session.scalars(select(models.Vision.id)).all() == ["p-005"]
        assert sorted(session.scalars(select(models.Target.id))) == ["p-001", "p-002", "p-003"]
        assert session.get(models.Indicator, "grade").scale == "waterway_grade"
        frame = targets_frame(session).set_index("id")
    assert frame.loc["p-005", "kind"] == "vision" and frame.loc["p-005", "year"] == 2035
    assert frame.loc["p-005", "value"] is None and "物流枢纽" in frame.loc["p-005", "quote"]
    assert frame.loc["p-001", "kind"] == "class" and frame.loc["p-003", "kind"] == "relative"
    # a vision that becomes a baseline moves table (and back)
    moved = kinds_world(tmp_path)
    entry = moved.entries["p-005"]
    as_baseline = {"kind": "baseline", "value": 1.0, "unit": "亿元", "comparator": "equal"}
    moved.entries["p-005"] = type(entry)(**{**entry.__dict__, **as_baseline})
    with transaction(factory) as session:
        sync_catalogue(session, moved)
    with factory() as session:
        assert session.scalars(select(models.Vision.id)).all() == []
        assert session.get(models.Baseline, "p-005") is not None
