"""The per-version page data (indicators/progress_views.py) and the read API's
progress items (indicators/progress_results.py): read from the database, else
computed from the stored snapshots and stored for every process.

Made by the recompute in the transaction that writes the snapshots
(``store_with_snapshots``), so the progress version and its data commit together and
no reader ever finds a version whose data nobody has made; made by a web worker only
for a version no recompute made (a reference-data load, or data an older release
stored in another format).

Before, the data were made after the recompute's commit, and under a stream of uploads
(the recompute leaves them to the readers while more changes wait) every web worker
that saw the new version made them itself: 28 % of the workers' CPU at saturation
with 5 direct reporters (py-spy, 2026-12-07 evening)."""

from __future__ import annotations

import logging

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.data_version import PROGRESS_ROW_ID, current_versions, raise_now
from db.progress import snapshot_rows, snapshots_frame, status_changes
from db.progress_views import store_results, store_views, stored_results, stored_views
from db.session import transaction
from indicators import progress_results as results_plain
from indicators.progress_results import Results, results_of
from indicators.progress_views import ProgressViews, compute, from_plain, to_plain
from indicators.regions import RegionDirectory
from workflows.reference import reference_data

log = logging.getLogger(__name__)


def progress_views(factory: sessionmaker[Session], version: int | None = None) -> ProgressViews:
    """The views of progress ``version`` (default: the current one). Read in one
    session after the version, the data may be newer than the key, never older."""
    with factory() as session:
        if version is None:
            version = current_versions(session)[2]
        body = stored_views(session, version)
        views = from_plain(body) if body is not None else None
        if views is not None:
            return views
        inputs = _inputs(session)
    views = compute(*inputs)
    with transaction(factory) as session:
        store_views(session, version, to_plain(views))
    return views


def _inputs(session: Session) -> tuple[pd.DataFrame, pd.DataFrame, RegionDirectory]:
    """What ``compute`` makes the views of, as ``session`` sees the snapshots."""
    current = snapshots_frame(session)
    return current, status_changes(session, current=current), reference_data(session).directory


def store_with_snapshots(session: Session) -> None:
    """In the recompute's transaction, after its snapshots are written: if it wrote
    any, raise the progress version now and store that version's page data and API
    items, made from the snapshots as this transaction sees them. Nothing if it wrote
    none (the stored data stay right). Never a reason to fail the recompute: if making
    them fails, that is logged and undone (a savepoint) and the version still moves
    with the snapshots; the first reader makes them, as before."""
    version = raise_now(session, PROGRESS_ROW_ID)
    if version is None:
        return
    try:
        with session.begin_nested():
            store_views(session, version, to_plain(compute(*_inputs(session))))
            columns, rows = snapshot_rows(session, None)
            store_results(session, version, None, results_plain.to_plain(results_of(columns, rows)))
    except Exception:
        log.exception("页面数据预计算失败，将由首个读取的页面计算")


def progress_results(
    factory: sessionmaker[Session], version: int | None = None, as_of: int | None = None
) -> Results:
    """/api/v1/progress's items of ``as_of`` (None: the latest year) for progress
    ``version`` (default: the current one). Read in one session after the version,
    the rows may be newer than the key, never older. Storing them is a help to the
    other processes, never a reason to fail the read."""
    with factory() as session:
        if version is None:
            version = current_versions(session)[2]
        body = stored_results(session, version, as_of)
        results = results_plain.from_plain(body) if body is not None else None
        if results is not None:
            return results
        columns, rows = snapshot_rows(session, as_of)
    results = results_of(columns, rows)
    try:
        with transaction(factory) as session:
            store_results(session, version, as_of, results_plain.to_plain(results))
    except SQLAlchemyError:
        log.warning("进展结果保存失败，其他进程将自行计算", exc_info=True)
    return results


def precompute_views(factory: sessionmaker[Session]) -> None:
    """Make the current version's API items and views now (after a recompute
    committed; the items first: they are quick, and pollers of /api/v1/progress
    wait for them): never a reason to fail the recompute, whose snapshots are
    stored already."""
    try:
        progress_results(factory)
        progress_views(factory)
    except Exception:
        log.exception("页面预计算失败，将由首个读取的页面计算")
