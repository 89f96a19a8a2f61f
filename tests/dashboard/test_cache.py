"""Each worker keeps the snapshot frames between requests, and a change stored
by another worker (a recompute after an approval) shows on its next request.

The per-version page data (issue 19 item 1, tests pvw): what the pages read from
dashboard.data is exactly what they derived per request before, it is computed
once and shared through the database, and a change committed by another worker
moves every worker to the new data on its next request."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import dash
import pandas as pd
import pytest
from sqlalchemy import delete, func, select, update

import workflows.progress
import workflows.progress_views
from config.settings import load_settings
from dashboard import data
from dashboard.app import create_app
from dashboard.context import region_directory
from dashboard.i18n import region_name
from db import models
from db.data_version import PROGRESS_ROW_ID, current_versions, raise_version
from db.progress import snapshots_frame, status_changes
from db.progress_views import stored_views
from db.regions import load_directory as region_directory_of
from db.session import make_engine, make_session_factory, transaction
from indicators.formatting import decimals_by_indicator
from indicators.progress_views import compute, to_plain
from indicators.summary import headline_targets, merge_duplicates, status_counts, unit_statuses
from tests.helpers import router_body
from workflows.progress import recompute_progress, refresh_progress

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture(scope="module")
def factory(module_sample_url: str) -> Iterator[object]:
    engine = make_engine(module_sample_url)
    factory = make_session_factory(engine)
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
    from workflows import reference

    app = create_app(load_settings({}), factory)

    def indicator_name() -> str:
        with app.server.test_request_context():
            frame = data.indicators()
            frame.loc[:, "name_zh"] = "改了副本"  # a caller's change stays in its copy
            return data.indicators().set_index("id").name_zh["gdp"]

    def kept() -> object:
        with app.server.test_request_context():
            return reference._kept[(context.database_name(), "indicators")]

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


def before(factory: Any, lang: str) -> pd.DataFrame:
    """dashboard.data.snapshots as it was computed on every request before."""
    with factory() as session:
        frame = merge_duplicates(snapshots_frame(session))
    with create_app(load_settings({}), factory).server.test_request_context():
        directory = region_directory()
    labels = {c: region_name(directory[c], lang) for c in frame.scope_code.unique()}
    return frame.assign(
        scope_label=frame.scope_code.map(labels), decimals=decimals_by_indicator(frame)
    )


def same_rows(got: list[SimpleNamespace], expected: pd.DataFrame) -> None:
    assert [(r.target_id, r.scope_code) for r in got] == list(
        zip(expected.target_id, expected.scope_code, strict=True)
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pvw001_the_views_are_what_the_pages_computed_per_request(factory, lang) -> None:
    expected = before(factory, lang)
    assert len(expected) > 100  # the sample world: every plan's targets assessed
    app = create_app(load_settings({}), factory)
    with app.server.test_request_context():
        directory = region_directory()
        got = data.snapshots(lang)
        pd.testing.assert_frame_equal(got, expected)
        with factory() as session:
            changes = merge_duplicates(status_changes(session, current=snapshots_frame(session)))
        moved = changes[changes.change.isin(["improved", "worsened"])]
        assert len(moved) > 0 and len(changes) > len(moved)  # the world has both kinds
        pd.testing.assert_frame_equal(data.moved(lang), moved)
        same_rows(data.headline(lang), headline_targets(expected))
        pd.testing.assert_frame_equal(data.pillar_counts(), status_counts(expected))
        for indicator_id in expected.indicator_id.unique():
            now, then = (
                data.unit_statuses(indicator_id, lang),
                unit_statuses(expected, directory, indicator_id),
            )
            for kept, derived in ((now.own, then.own), (now.wider, then.wider)):
                assert set(kept) == set(derived), indicator_id
                for unit, row in derived.items():
                    assert (kept[unit].target_id, kept[unit].scope_label) == (
                        row.target_id,
                        row.scope_label,
                    )
        # a page that changes its copy does not change what the next request reads
        copy = data.snapshots(lang)
        copy.loc[:, "status"] = "missed"
        copy["decimals"] = 9
        pd.testing.assert_frame_equal(data.snapshots(lang), expected)


def test_pvw002_computed_once_and_shared_by_the_workers_through_the_database(
    factory, monkeypatch
) -> None:
    with transaction(factory) as session:  # a new progress version nobody has computed
        raise_version(session, PROGRESS_ROW_ID)
    with factory() as session:
        version = current_versions(session)[2]
        assert stored_views(session, version) is None
    first = create_app(load_settings({}), factory)
    with first.server.test_request_context():
        kept = data.snapshots("zh")
    with factory() as session:
        assert stored_views(session, version) is not None  # left for the other workers
    data._views.clear()  # "another worker": it must read them, never derive them again

    def refuse(*_args: Any) -> None:
        raise AssertionError("computed a second time")

    monkeypatch.setattr(workflows.progress_views, "compute", refuse)
    second = create_app(load_settings({}), factory)
    with second.server.test_request_context():
        pd.testing.assert_frame_equal(data.snapshots("zh"), kept)


def test_pvw003_a_change_committed_by_another_worker_shows_on_the_next_request(
    factory,
) -> None:
    app = create_app(load_settings({}), factory)
    with app.server.test_request_context():
        frame = data.snapshots("zh")
    target = frame[frame.status != "deterioration"].target_id.iloc[0]
    with transaction(factory) as session:  # "the other worker" stores a changed snapshot
        session.execute(
            update(models.ProgressSnapshot)
            .where(models.ProgressSnapshot.target_id == target)
            .values(status="deterioration")
        )
    with app.server.test_request_context():
        fresh = data.snapshots("zh")
        assert set(fresh[fresh.target_id == target].status) == {"deterioration"}
        version = current_versions_now(factory)
    with factory() as session:  # only the current version's row is kept
        assert session.scalars(select(models.ProgressView.version)).all() == [version]
    refresh_progress(factory)  # the recompute puts it right, and makes the views itself
    version = current_versions_now(factory)
    with factory() as session:
        assert stored_views(session, version) is not None
    expected = before(factory, "zh")
    with app.server.test_request_context():
        pd.testing.assert_frame_equal(data.snapshots("zh"), expected)


def test_pvw007_a_recompute_commits_the_page_data_with_its_snapshots(factory, monkeypatch) -> None:
    """The version a recompute commits has its page data stored in the same
    transaction, once, equal to what a worker would compute from the committed
    snapshots; no worker computes them (28 % of the workers' CPU at saturation with 5
    direct reporters when every worker that saw a new version made them)."""
    # what follows the commit (precompute_views) made the data before: not this time
    monkeypatch.setattr(workflows.progress, "precompute_views", lambda _factory: None)
    with transaction(factory) as session:  # a snapshot gone: the recompute writes it again
        first = session.scalar(select(func.min(models.ProgressSnapshot.id)))
        session.execute(delete(models.ProgressSnapshot).where(models.ProgressSnapshot.id == first))
    before_recompute = current_versions_now(factory)
    refresh_progress(factory)
    version = current_versions_now(factory)
    assert version == before_recompute + 1  # raised once, in the recompute's transaction
    with factory() as session:
        stored = stored_views(session, version)
        current = snapshots_frame(session)
        changes = status_changes(session, current=current)
        directory = region_directory_of(session)
    assert stored is not None
    assert stored == to_plain(compute(current, changes, directory))
    data._views.clear()  # a worker that has not seen this version: it reads them

    def refuse(*_args: Any) -> None:
        raise AssertionError("a worker computed the page data the recompute stored")

    expected = before(factory, "zh")
    monkeypatch.setattr(workflows.progress_views, "compute", refuse)
    app = create_app(load_settings({}), factory)
    with app.server.test_request_context():
        pd.testing.assert_frame_equal(data.snapshots("zh"), expected)


def test_pvw008_page_data_that_fail_to_compute_do_not_fail_the_recompute(
    factory, monkeypatch
) -> None:
    """The snapshots and the version still commit when making the page data fails; the
    first reader makes them, as before the recompute made them."""

    def broken(*_args: Any) -> None:
        raise ValueError("a bug in the page data")

    with transaction(factory) as session:
        first = session.scalar(select(func.min(models.ProgressSnapshot.id)))
        session.execute(delete(models.ProgressSnapshot).where(models.ProgressSnapshot.id == first))
    expected_count = None
    with factory() as session:
        expected_count = session.scalar(select(func.count()).select_from(models.ProgressSnapshot))
    monkeypatch.setattr(workflows.progress_views, "compute", broken)
    monkeypatch.setattr(workflows.progress, "precompute_views", lambda _factory: None)
    before_recompute = current_versions_now(factory)
    assert refresh_progress(factory)
    version = current_versions_now(factory)
    assert version == before_recompute + 1
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(models.ProgressSnapshot)) == (
            expected_count + 1  # the deleted snapshot written again
        )
        assert stored_views(session, version) is None
    monkeypatch.undo()
    expected = before(factory, "zh")
    data._views.clear()
    with create_app(load_settings({}), factory).server.test_request_context():
        pd.testing.assert_frame_equal(data.snapshots("zh"), expected)


def current_versions_now(factory: Any) -> int:
    with factory() as session:
        return current_versions(session)[2]


def test_pvw004_records_are_what_to_dict_gave() -> None:
    frame = pd.DataFrame(
        {
            "a": pd.array([1, None], dtype="Int64"),
            "b": ["x", None],
            "c": [1.5, float("nan")],
            "d": pd.to_datetime(["2026-01-01", None]),
            "e": [[2024, 1.0], []],
        }
    )
    first, missing = data.records(frame)
    assert first == SimpleNamespace(a=1, b="x", c=1.5, d=pd.Timestamp("2026-01-01"), e=[2024, 1.0])
    assert first == SimpleNamespace(**frame.to_dict("records")[0])
    missing = data.records(frame)[1]
    assert missing.a is None  # never pd.NA: `if row.a` must not raise
    assert pd.isna(missing.b) and pd.isna(missing.c) and missing.d is pd.NaT
    assert data.records(frame.iloc[:0]) == []


def test_pvw005_a_report_is_kept_per_version_for_real_scopes_only(factory) -> None:
    app = create_app(load_settings({}), factory)
    # the module as Dash imported it (as "pages.report"): importing dashboard.pages.report
    # here would register the page a second time, under another name, and every app built
    # after it in this process would fail with "duplicate paths"
    name = next(p["module"] for p in dash.page_registry.values() if p["path"] == "/report")
    report = sys.modules[name]

    with app.server.test_request_context():
        first = report.kept_body("500000", "zh")
        assert report.kept_body("500000", "zh") is first  # built once per version
        kept = len(data._kept_views().derived)
        for n in range(5):  # made-up scopes: answered, never kept
            report.kept_body(f"made-up-{n}", "zh")
        assert len(data._kept_views().derived) == kept


def test_pvw006_the_regions_own_targets_are_kept_per_progress_version(factory) -> None:
    """地区's scorecard (the snapshots alone) is drawn once per progress version: a reply
    after an upload (data version raised) is what it was drawn afresh, byte for byte,
    and a changed snapshot shows on the next visit."""
    app = create_app(load_settings({}), factory)
    client = app.server.test_client()
    body = router_body("/region", "?code=500000")

    def visit() -> bytes:
        with transaction(factory) as session:  # as an upload does: the page computed again
            raise_version(session)
        response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
        assert response.status_code == 200
        return response.get_data()

    first = visit()
    with app.server.test_request_context():
        assert any(k.startswith("region:own:500000:zh") for k in data._kept_views().derived)
    assert visit() == first  # drawn from the kept part
    data._views.clear()  # nothing kept in this worker: drawn afresh
    assert visit() == first
    with app.server.test_request_context():
        frame = data.snapshots("zh")
    mine = frame[(frame.scope_code == "500000") & (frame.status != "deterioration")]
    with transaction(factory) as session:  # a recompute elsewhere changes a snapshot
        session.execute(
            update(models.ProgressSnapshot)
            .where(
                models.ProgressSnapshot.target_id == mine.target_id.iloc[0],
                models.ProgressSnapshot.scope_code == "500000",
            )
            .values(status="deterioration")
        )
    assert visit() != first
    refresh_progress(factory)  # put right for the tests after
