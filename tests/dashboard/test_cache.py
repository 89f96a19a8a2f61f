"""Each worker keeps the snapshot frames between requests, and a change stored
by another worker (a recompute after an approval) shows on its next request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from config.settings import load_settings
from dashboard import data
from dashboard.app import create_app
from db import models
from db.session import make_engine, make_session_factory, transaction
from loaders.first_run import ensure_ready
from loaders.progress import recompute_progress


@pytest.fixture(scope="module")
def factory(module_db_url: str) -> Iterator[object]:
    engine = make_engine(module_db_url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, published=False)
    yield factory
    engine.dispose()


def read(app: object) -> object:
    with app.server.test_request_context():
        return data._snapshots(None)


def test_cch001_a_worker_reuses_its_frame_until_the_database_changes(factory) -> None:
    first, second = (create_app(load_settings({}), factory) for _ in range(2))
    kept = read(first)
    assert read(first) is kept  # the next request of the same worker: no second read
    target = kept.target_id.iloc[0]
    with transaction(factory) as session:  # "the other worker" stores a changed snapshot
        session.execute(
            update(models.ProgressSnapshot)
            .where(models.ProgressSnapshot.target_id == target)
            .values(status="deterioration", computed_at=models.utcnow())
        )
    fresh = read(first)
    assert fresh is not kept
    assert set(fresh[fresh.target_id == target].status) == {"deterioration"}
    recompute_progress(factory)  # and a whole recompute, as an approval triggers
    again = read(second)
    with factory() as session:
        stored = set(
            session.scalars(
                select(models.ProgressSnapshot.status).where(
                    models.ProgressSnapshot.target_id == target,
                    models.ProgressSnapshot.as_of == int(again.as_of.iloc[0]),
                )
            )
        )
    assert set(again[again.target_id == target].status) == stored
    assert read(first) is again or read(first).equals(again)


def test_cch002_reference_data_are_kept_per_database_until_the_data_version_moves(
    factory,
) -> None:
    from dashboard import context

    app = create_app(load_settings({}), factory)

    def indicator_name() -> str:
        with app.server.test_request_context():
            frame = data.indicators()
            frame.loc[:, "name_zh"] = "改了副本"  # a caller's change stays in its copy
            return data.indicators().set_index("id").name_zh["gdp"]

    def kept() -> object:
        with app.server.test_request_context():
            return context._master[(context.database_name(), "indicators")]

    assert indicator_name() == "地区生产总值"
    first = kept()
    assert indicator_name() == "地区生产总值" and kept() is first  # not read again
    with transaction(factory) as session:  # manage.py load-catalogue, say
        session.execute(
            update(models.Indicator).where(models.Indicator.id == "gdp").values(name_zh="GDP新名")
        )
    try:
        assert indicator_name() == "GDP新名"  # the change raised the data version
        assert kept() is not first
    finally:
        with transaction(factory) as session:
            session.execute(
                update(models.Indicator)
                .where(models.Indicator.id == "gdp")
                .values(name_zh="地区生产总值")
            )
