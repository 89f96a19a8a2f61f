"""The incremental recompute gives exactly what a full one gives, and loses nothing.

An accepted change records the indicator × region pairs it touched
(db.progress.mark_changed, in the change's own transaction); the background
job (workflows.progress.recompute_changed) reassesses only the targets those can
affect and writes only the snapshots that changed. Whatever the changes — values
added, revised, withdrawn, for cities, provinces or groupings, in a year that
moves the as-of year or not — a full recompute afterwards must find nothing to
write.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import workflows.progress
from db import leases, models
from db.catalogue import stored_catalogue
from db.intake import import_observations
from db.observations import current_observations, replace_layer
from db.progress import COMPARED, pending_changes
from db.regions import load_directory
from db.session import make_engine, make_session_factory, transaction
from indicators.progress_run import affected_targets
from workflows.intake import receive
from workflows.progress import (
    PROGRESS_LEASE,
    recompute_changed,
    recompute_progress,
    refresh_if_requested,
    wait_for_progress,
)


@dataclass(frozen=True)
class World:
    factory: sessionmaker[Session]
    indicators: list[tuple[str, str]]  # (indicator id, unit) of the catalogue's targets
    regions: dict[str, list[str]]  # level → region codes: leaf, parent, grouping


@pytest.fixture(scope="module")
def world(module_full_url: str) -> Iterator[World]:
    engine = make_engine(module_full_url)
    factory = make_session_factory(engine)
    with factory() as session:
        directory = load_directory(session)
        catalogue = stored_catalogue(session)
    used = sorted({e.indicator_id for e in catalogue.targets})
    indicators = [(i, catalogue.indicators[i].unit) for i in used]
    regions: dict[str, list[str]] = {"leaf": [], "parent": [], "grouping": []}
    for region in directory:
        if region.is_grouping:
            regions["grouping"].append(region.code)
        elif directory.children(region.code):
            regions["parent"].append(region.code)
        else:
            regions["leaf"].append(region.code)
    assert all(regions.values()), regions
    # the sample reports every grouping's own figures, which win over derived ones; drop
    # them for every other indicator, so that groupings derive from their members and a
    # member's change reaches the grouping's targets
    derived = {i for n, (i, _) in enumerate(indicators) if n % 2 == 0}
    with transaction(factory) as session:
        frame = current_observations(session)
        sample = frame[frame.layer == "sample"]
        dropped = sample.indicator_id.isin(derived) & sample.region_code.isin(regions["grouping"])
        replace_layer(session, "sample", sample[~dropped], "示例数据")
    recompute_progress(factory)
    with factory() as session:
        origins = set(session.scalars(select(models.ProgressSnapshot.figure_origin)))
    assert "derived" in origins
    yield World(factory, indicators, regions)
    engine.dispose()


def _snapshots(factory: sessionmaker[Session]) -> dict[tuple[str, str, int], tuple[object, ...]]:
    s = models.ProgressSnapshot
    with factory() as session:
        rows = session.execute(select(*[getattr(s, c) for c in COMPARED])).mappings().all()
    return {
        (r["target_id"], r["scope_code"], r["as_of"]): tuple(r[c] for c in COMPARED) for r in rows
    }


def _last_id(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.max(models.ProgressSnapshot.id))) or 0


change = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["set", "set", "set", "withdraw"]),
        "indicator": st.integers(min_value=0, max_value=10_000),
        "level": st.sampled_from(["leaf", "parent", "grouping"]),
        "region": st.integers(min_value=0, max_value=10_000),
        # mostly years already assessed; now and then a later one, which moves the as-of year
        "year": st.sampled_from([2019, 2021, 2022, 2023, 2024, 2024, 2025, 2026]),
        "value": st.floats(min_value=0.01, max_value=1e6, allow_nan=False),
        "layer": st.sampled_from(["reported", "published"]),
    }
)


def _apply(world: World, changes: list[dict[str, object]]) -> None:
    """Each change in its own transaction, as uploads, approvals and loads come."""
    for c in changes:
        indicator, unit = world.indicators[int(c["indicator"]) % len(world.indicators)]
        codes = world.regions[str(c["level"])]
        region = codes[int(c["region"]) % len(codes)]
        with transaction(world.factory) as session:
            if c["kind"] == "set":  # a new figure, or a revision of one
                rows = pd.DataFrame(
                    [
                        {
                            "indicator_id": indicator,
                            "region_code": region,
                            "period": str(c["year"]),
                            "value": float(c["value"]),  # type: ignore[arg-type]
                            "unit": unit,
                            "note": None,
                        }
                    ]
                )
                import_observations(
                    session,
                    rows,
                    layer=str(c["layer"]),
                    vintage="final",
                    submission_id=None,
                    user_id=None,
                )
            else:  # a layer loaded again without the figures of this series: withdrawn
                frame = current_observations(session)
                kept = frame[
                    (frame.layer == c["layer"])
                    & ~((frame.indicator_id == indicator) & (frame.region_code == region))
                ]
                replace_layer(session, str(c["layer"]), kept, "重新载入")


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(change, min_size=1, max_size=4))
def test_inc001_incremental_gives_exactly_the_full_recomputes_snapshots(
    world: World, changes: list[dict[str, object]]
) -> None:
    _apply(world, changes)
    recompute_changed(world.factory)
    with world.factory() as session:
        assert pending_changes(session) == []
    incremental, last = _snapshots(world.factory), _last_id(world.factory)
    recompute_progress(world.factory)
    assert _snapshots(world.factory) == incremental
    assert _last_id(world.factory) == last  # the full recompute found nothing to write


def test_inc002_only_the_affected_targets_are_reassessed_and_written(world: World) -> None:
    recompute_progress(world.factory)
    before, last = _snapshots(world.factory), _last_id(world.factory)
    with world.factory() as session:
        directory = load_directory(session)
        catalogue = stored_catalogue(session)
    leaves = set(world.regions["leaf"])
    own = next(e for e in catalogue.targets if e.scope_code in leaves)  # a city's own target
    unit = catalogue.indicators[own.indicator_id].unit
    as_of = max(k[2] for k in before)
    with transaction(world.factory) as session:
        import_observations(
            session,
            pd.DataFrame(
                [
                    {
                        "indicator_id": own.indicator_id,
                        "region_code": own.scope_code,
                        "period": str(as_of),
                        "value": 123456.7,
                        "unit": unit,
                        "note": None,
                    }
                ]
            ),
            layer="reported",
            vintage="final",
            submission_id=None,
            user_id=None,
        )
    affected = affected_targets(catalogue, directory, [(own.indicator_id, own.scope_code)])
    assert recompute_changed(world.factory) == len(affected)
    # the city's own target and those of the groupings it is a member of — not the rest
    groupings = {e.scope_code for e in catalogue.targets if e.id in affected} - {own.scope_code}
    assert all(own.scope_code in {m.code for m in directory.leaf_members(g)} for g in groupings)
    assert own.id in affected and len(affected) < len(catalogue.targets) / 10
    after = _snapshots(world.factory)
    changed = {key for key in after if after[key] != before.get(key)}
    assert (own.id, own.scope_code, as_of) in changed
    assert {t for t, _, _ in changed} <= affected
    with world.factory() as session:
        written = session.scalar(select(func.count()).where(models.ProgressSnapshot.id > last))
    assert written == len(changed)  # only the snapshots that changed were written


def test_inc003_a_crash_between_the_change_and_the_recompute_loses_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change is recorded with its rows; a recompute that dies midway leaves it
    (one transaction), and so does a process killed while holding the lease: the
    scheduler's recovery job serves it once the lease has run out."""
    recompute_progress(world.factory)
    content = "地区,指标,期间,数值,单位,备注\n重庆市,地区生产总值,2024年,32193.2,亿元,\n"
    # the process answering the upload is killed before its kick: recompute=False
    outcome = receive(
        world.factory, "cq-2024.csv", content.encode(), vintage="final", recompute=False
    )
    assert outcome.status == "imported"
    with world.factory() as session:
        marked = pending_changes(session)
    assert [(i, r) for _, i, r in marked] == [("gdp", "500000")]

    def dies(*_args: object, **_kwargs: object) -> int:
        raise OSError("进程被终止")

    monkeypatch.setattr(workflows.progress, "write_changed", dies)
    with pytest.raises(OSError):
        recompute_changed(world.factory)
    with world.factory() as session:
        assert pending_changes(session) == marked  # the dead run's transaction took nothing
    monkeypatch.undo()

    # a worker killed while it held the lease: nobody serves until the lease runs out
    with transaction(world.factory) as session:
        leases.take(session, PROGRESS_LEASE, "killed:1", datetime.now(UTC), timedelta(minutes=15))
    assert refresh_if_requested(world.factory) is False
    with world.factory() as session:
        assert pending_changes(session) == marked
    with transaction(world.factory) as session:
        session.get(models.JobLease, PROGRESS_LEASE).expires_at = datetime.now(UTC) - timedelta(
            seconds=1
        )
    assert refresh_if_requested(world.factory) is True  # the scheduler's recovery job
    with world.factory() as session:
        assert pending_changes(session) == []
    incremental = _snapshots(world.factory)
    recompute_progress(world.factory)
    assert _snapshots(world.factory) == incremental


def test_inc004_an_accepted_upload_answers_at_once_and_the_verdict_follows(world: World) -> None:
    """receive() (the upload page, the API, the drop folder) records the change and
    kicks the background job; its answer says when the verdict shows, and the
    target's snapshot shows the uploaded figure once the job is done."""
    recompute_progress(world.factory)
    with world.factory() as session:
        directory = load_directory(session)
        current = current_observations(session)
        catalogue = stored_catalogue(session)
    # the sample's last year (the as-of year, or the one before if a change above added
    # figures of a later year): both are stored
    sampled_years = current[current.layer == "sample"].period.str[:4].astype(int)
    as_of = int(sampled_years[sampled_years <= 2025].max())
    sample = current[(current.layer == "sample") & (current.period == str(as_of))]
    sampled = set(zip(sample.indicator_id, sample.region_code, strict=True))
    own = next(  # a city's own target whose figure of the as-of year is the sample's
        e
        for e in catalogue.targets
        if e.scope_code in set(world.regions["leaf"]) and (e.indicator_id, e.scope_code) in sampled
    )
    indicator = catalogue.indicators[own.indicator_id]
    value = round(
        float(
            sample[
                (sample.indicator_id == own.indicator_id) & (sample.region_code == own.scope_code)
            ].value.iloc[0]
        )
        * 1.01,
        2,
    )  # close to the figure it revises: not an outlier
    region = directory[own.scope_code].name_zh
    content = (
        "地区,指标,期间,数值,单位,备注\n"
        f"{region},{indicator.name_zh},{as_of}年,{value},{indicator.unit},\n"
    )
    outcome = receive(world.factory, "upload.csv", content.encode(), vintage="final")
    assert outcome.status == "imported", outcome.report
    progress = outcome.report["progress"]
    assert progress["status"] == "queued" and "秒内" in progress["message_zh"]
    assert wait_for_progress(60)
    with world.factory() as session:
        assert pending_changes(session) == []
        snapshot = session.scalar(
            select(models.ProgressSnapshot).where(
                models.ProgressSnapshot.target_id == own.id,
                models.ProgressSnapshot.as_of == as_of,
            )
        )
    assert (snapshot.latest_year, snapshot.latest_value) == (as_of, value)
