from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.observations import count_layer
from db.progress import latest_as_of, snapshots_frame, status_changes
from db.session import transaction
from indicators.outlook import SYMBOL_ORDER
from indicators.progress import CHANGES
from workflows.progress import recompute_progress
from workflows.scheduler import nightly_recompute, run_recorded


@pytest.fixture
def db_url(full_url: str) -> str:
    """Each test here gets its own copy of the 'full' seed (tests/conftest.py SEEDS)."""
    return full_url


@pytest.fixture
def ready(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with factory() as session:  # the first start's 示例数据 and snapshots
        assert count_layer(session, "sample") > 1000 and len(snapshots_frame(session)) > 300
    return factory


def test_prj001_snapshots_say_when_and_from_what(ready: sessionmaker[Session]) -> None:
    with ready() as session:
        frame = snapshots_frame(session)
    assert frame.target_id.is_unique
    assert frame.computed_at.notna().all()
    # a digest per target, of the observations it read: the same for one indicator and scope
    assert frame.groupby(["indicator_id", "scope_code"]).inputs_digest.nunique().eq(1).all()
    assert frame.inputs_digest.nunique() > 100
    urban = frame.set_index("target_id").loc["outline-014"]
    assert urban.layer == "sample" and urban.figure_origin == "reported"
    assert urban.baseline_from_plan  # the outline's 2019 figure (超过60%)
    assert any(u.startswith("obs:") for u in urban.used)
    assert set(frame.status) >= {"met", "missed", "on_track", "needs_acceleration"}


def test_prj002_recompute_replaces_and_follows_changed_data(ready: sessionmaker[Session]) -> None:
    with ready() as session:
        before = snapshots_frame(session).set_index("target_id")
    with transaction(ready) as session:
        row = session.scalars(
            select(models.Observation)
            .where(
                models.Observation.indicator_id == "urbanization_rate",
                models.Observation.region_code == "ccec",
            )
            .order_by(models.Observation.period.desc())
        ).first()
        row.value = 90.0  # far beyond the 2025 goal
    assert recompute_progress(ready) == len(before)
    with ready() as session:
        after = snapshots_frame(session).set_index("target_id")
    assert len(after) == len(before)
    assert after.loc["outline-014", "status"] in ("met", "achieved")
    assert after.loc["outline-014", "inputs_digest"] != before.loc["outline-014", "inputs_digest"]


def test_prj003_jobs_are_recorded_and_failures_do_not_escape(ready: sessionmaker[Session]) -> None:
    assert nightly_recompute(ready) is True
    assert run_recorded(ready, "broken", lambda: 1 / 0) is False
    with ready() as session:
        runs = {r.job: r for r in session.scalars(select(models.JobRun))}
    assert runs["recompute_progress"].ok and runs["recompute_progress"].finished_at
    assert not runs["broken"].ok and "ZeroDivisionError" in runs["broken"].detail


def test_prj004_snapshots_carry_the_outlook(ready: sessionmaker[Session]) -> None:
    with ready() as session:
        frame = snapshots_frame(session)
    assert frame.outlook.notna().all() and set(frame.outlook) <= set(SYMBOL_ORDER)
    assert set(frame.outlook) >= {"sun", "thunderstorm", "none"}
    assert frame.outlook_note.notna().all()
    judged = frame[frame.outlook.isin(["light_cloud", "cloud"])]
    assert not judged.empty and judged.outlook_shortfall.gt(0.05).all()
    assert judged.outlook_projected.notna().all()


def test_prj005_the_previous_year_is_stored_as_a_run_for_it_would_store_it(
    ready: sessionmaker[Session],
) -> None:
    with ready() as session:
        as_of = latest_as_of(session)
        previous = snapshots_frame(session, as_of - 1).set_index("target_id")
        changes = status_changes(session)
    assert len(previous) == len(changes) > 300
    assert set(changes.change) <= set(CHANGES) and "improved" in set(changes.change)
    assert (changes.as_of == as_of).all()
    assert recompute_progress(ready, as_of - 1) == len(previous)
    with ready() as session:
        again = snapshots_frame(session, as_of - 1).set_index("target_id")
        assert latest_as_of(session) == as_of  # the later year is left alone
    compared = [c for c in previous.columns if c != "computed_at"]
    pd.testing.assert_frame_equal(again[compared], previous[compared].loc[again.index])
