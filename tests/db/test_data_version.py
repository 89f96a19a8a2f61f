"""The data version moves with every committed change the pages show, in the same
transaction, whatever sent the statement; a rollback or a write elsewhere leaves it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select, text, update

from db import models
from db.data_version import PROGRESS_ROW_ID, current_versions, raise_now
from db.observations import observations_digest
from db.progress import snapshots_digest
from db.session import make_engine, make_session_factory, transaction


@pytest.fixture(scope="module")
def factory(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    yield factory
    engine.dispose()


def versions(factory: object) -> tuple[int, int, int]:
    with factory() as session:  # type: ignore[operator]
        return current_versions(session)


def test_dv001_what_moves_the_versions(factory) -> None:
    data, reference, progress = versions(factory)
    with transaction(factory) as session:  # an observation through the driver, as intake does
        session.connection().exec_driver_sql(
            "INSERT INTO observations (indicator_id, region_code, period, layer, revision, "
            "value, unit, vintage, status, is_current, created_at) VALUES "
            "('gdp', '500000', '2031', 'reported', 1, 1.5, '亿元', 'final', 'accepted', true, "
            "CURRENT_TIMESTAMP)"
        )
    # the reference data and the views of the snapshots stay kept
    assert versions(factory) == (data + 1, reference, progress)
    with transaction(factory) as session:  # manage.py load-catalogue, say
        session.execute(
            update(models.Indicator).where(models.Indicator.id == "gdp").values(unit="亿元")
        )
    assert versions(factory) == (data + 2, reference + 1, progress + 1)
    with transaction(factory) as session:  # a recompute: the snapshots, not the reference
        first = session.scalar(select(func.min(models.ProgressSnapshot.id)))
        session.execute(delete(models.ProgressSnapshot).where(models.ProgressSnapshot.id == first))
    assert versions(factory) == (data + 3, reference + 1, progress + 2)
    # a snapshot edited in place (nothing in the app does): a page kept by the digest of
    # the snapshots' ids (db.progress.snapshots_digest) and the reference version is not
    # served stale, the reference version moves too
    with transaction(factory) as session:
        session.execute(
            update(models.ProgressSnapshot).values(computed_at=models.ProgressSnapshot.computed_at)
        )
    assert versions(factory) == (data + 4, reference + 2, progress + 3)


def test_dv007_raise_now_raises_in_the_transaction_once(factory) -> None:
    """``raise_now`` raises the version a transaction's writes moved before its commit
    (for data stored under that number, in that transaction), and the commit does not
    raise it again; nothing written, nothing raised; a write after it raises at the
    commit as any write does."""
    data, reference, progress = versions(factory)
    with transaction(factory) as session:
        assert raise_now(session, PROGRESS_ROW_ID) is None  # nothing written yet
        first = session.scalar(select(func.min(models.ProgressSnapshot.id)))
        session.execute(delete(models.ProgressSnapshot).where(models.ProgressSnapshot.id == first))
        assert raise_now(session, PROGRESS_ROW_ID) == progress + 1
        assert current_versions(session)[2] == progress + 1  # seen inside the transaction
    assert versions(factory) == (data + 1, reference, progress + 1)  # not raised twice
    with transaction(factory) as session:
        second = session.scalar(select(func.min(models.ProgressSnapshot.id)))
        session.execute(delete(models.ProgressSnapshot).where(models.ProgressSnapshot.id == second))
        assert raise_now(session, PROGRESS_ROW_ID) == progress + 2
        third = session.scalar(select(func.min(models.ProgressSnapshot.id)))
        session.execute(delete(models.ProgressSnapshot).where(models.ProgressSnapshot.id == third))
    assert versions(factory) == (data + 2, reference, progress + 3)
    with pytest.raises(RuntimeError), transaction(factory) as session:
        fourth = session.scalar(select(func.min(models.ProgressSnapshot.id)))
        session.execute(delete(models.ProgressSnapshot).where(models.ProgressSnapshot.id == fourth))
        raise_now(session, PROGRESS_ROW_ID)
        raise RuntimeError("the recompute failed after raising")
    assert versions(factory) == (data + 2, reference, progress + 3)  # rolled back with it


def test_dv004_rows_the_orm_writes_at_commit_move_it(factory) -> None:
    """A row added without a flush is written by the commit after its before_commit
    hook: a region alias so added left the reference version, and every process's
    regions (workflows/reference.py), as they were."""
    data, reference, progress = versions(factory)
    with transaction(factory) as session:
        session.add(models.RegionAlias(region_code="500000", alias="版本测试别名"))
    assert versions(factory) == (data + 1, reference + 1, progress + 1)


def test_dv002_rollbacks_and_other_tables_leave_it(factory) -> None:
    before = versions(factory)
    with pytest.raises(RuntimeError), transaction(factory) as session:
        session.execute(text("DELETE FROM observations WHERE period = '2031'"))
        raise RuntimeError("the import failed halfway")
    with transaction(factory) as session:  # a sign-in's bookkeeping is not data
        session.execute(update(models.User).values(session_version=models.User.session_version))
    assert versions(factory) == before
    with factory() as session:  # a mark left by the rollback would move the next commit
        session.execute(text("SELECT 1"))
        session.commit()
    assert versions(factory) == before


def test_dv003_observations_written_by_copy_move_it(factory) -> None:
    """On PostgreSQL db.intake.write_chunk writes through COPY on the driver's cursor, which
    SQLAlchemy's statement events never see: a published figure loaded without a submission
    (load-published, 确认入库) left the version, and every worker's cached pages, as they were."""
    import pandas as pd

    from db.intake import import_observations

    data, reference, progress = versions(factory)
    with transaction(factory) as session:
        import_observations(
            session,
            pd.DataFrame(
                [
                    {
                        "indicator_id": "gdp",
                        "region_code": "500000",
                        "period": "2032",
                        "value": 2.5,
                        "unit": "亿元",
                        "note": None,
                    }
                ]
            ),
            layer="published",
            vintage="initial",
            submission_id=None,
            user_id=None,
        )
    assert versions(factory) == (data + 1, reference, progress)


def _digest(factory: object, **scope: object) -> str:
    with factory() as session:  # type: ignore[operator]
        return observations_digest(session, **scope)  # type: ignore[arg-type]


def _gdp_2033(value: float, **fields: object) -> models.Observation:
    """A reported 重庆 GDP row of 2033 (a year nothing else holds)."""
    return models.Observation(
        indicator_id="gdp",
        region_code="500000",
        period="2033",
        layer="reported",
        value=value,
        unit="亿元",
        **fields,
    )


def test_dv005_the_digest_of_observations_moves_with_their_rows_only(factory) -> None:
    """A page that read observations is kept by their digest (dashboard.page_cache): a
    row added or retired in its filter moves it, a row elsewhere does not; a layer
    deleted and written again with the same ids moves it by the write time; an edit in
    place, which the digest cannot see, raises the progress version instead (part of
    every such page's key), a retirement does not."""
    gdp, chongqing = {"indicators": ("gdp",)}, {"regions": ("500000",)}
    before, region = _digest(factory, **gdp), _digest(factory, **chongqing)
    other = {"indicators": ("population",)}
    elsewhere = _digest(factory, **other)
    with transaction(factory) as session:
        session.add(row := _gdp_2033(7.5))
    added = _digest(factory, **gdp)
    assert added != before and _digest(factory, **chongqing) != region
    assert _digest(factory, **other) == elsewhere
    data, reference, progress = versions(factory)
    same_row = models.Observation.id == row.id
    with transaction(factory) as session:  # retired: the count moves, not the progress
        session.execute(update(models.Observation).where(same_row).values(is_current=False))
    assert versions(factory) == (data + 1, reference, progress)
    assert _digest(factory, **gdp) == before
    with transaction(factory) as session:  # edited in place (no channel of the app does)
        session.execute(update(models.Observation).where(same_row).values(value=8.5))
    assert versions(factory)[1:] == (reference + 1, progress + 1)
    with transaction(factory) as session:  # the row deleted and written again, same id
        session.execute(delete(models.Observation).where(same_row))
    gone = _digest(factory, **gdp)
    with transaction(factory) as session:
        session.add(_gdp_2033(9.5, id=row.id, is_current=False))
    assert _digest(factory, **gdp) == gone  # not current: not read
    with transaction(factory) as session:
        session.execute(delete(models.Observation).where(same_row))
        session.add(_gdp_2033(9.5, id=row.id))
    assert _digest(factory, **gdp) not in (added, gone)  # same ids, a later write


def _snapshots_digest(factory: object, **scope: object) -> str:
    with factory() as session:  # type: ignore[operator]
        return snapshots_digest(session, **scope)  # type: ignore[arg-type]


def _rewrite(factory: object, indicator: str, as_of: int | None = None) -> None:
    """One snapshot of ``indicator``'s targets written again as the recompute writes a
    changed one (deleted, inserted as a new row), as of ``as_of`` if given."""
    s = models.ProgressSnapshot
    with transaction(factory) as session:  # type: ignore[arg-type]
        of_indicator = select(models.Target.id).where(models.Target.indicator_id == indicator)
        old = session.scalars(select(s).where(s.target_id.in_(of_indicator)).limit(1)).one()
        values = {c.name: getattr(old, c.name) for c in s.__table__.columns if c.name != "id"}
        session.execute(delete(s).where(s.id == old.id))
        session.add(s(**{**values, "as_of": as_of or values["as_of"]}))


def test_dv006_the_digest_of_snapshots_moves_with_their_rows_only(factory) -> None:
    """A page that read one indicator's snapshots through snapshot_scope is kept by
    their digest and the reference version (dashboard.page_cache): the recompute of
    another indicator's targets leaves it, one of its own moves it, and so does a new
    latest as-of year anywhere (the pages show the latest year's snapshots)."""
    gdp, population = {"indicators": ("gdp",)}, {"indicators": ("population",)}
    before, elsewhere = _snapshots_digest(factory, **gdp), _snapshots_digest(factory, **population)
    with factory() as session:
        scopes = session.scalars(
            select(models.ProgressSnapshot.scope_code)
            .join(models.Target)
            .where(models.Target.indicator_id == "population")
        ).all()
    outside = [c for c in ("500000", "510100", "ccec") if c not in scopes][:1]
    region = {"regions": tuple(outside)}
    in_region = _snapshots_digest(factory, **region)
    _rewrite(factory, "population")
    assert _snapshots_digest(factory, **gdp) == before
    assert _snapshots_digest(factory, **population) != elsewhere
    if outside:  # a scope none of population's targets has keeps its digest
        assert _snapshots_digest(factory, **region) == in_region
    _rewrite(factory, "gdp")
    moved = _snapshots_digest(factory, **gdp)
    assert moved != before
    with factory() as session:
        latest = session.scalar(select(func.max(models.ProgressSnapshot.as_of)))
    _rewrite(factory, "population", as_of=latest + 1)  # a later year, another indicator
    assert _snapshots_digest(factory, **gdp) != moved
