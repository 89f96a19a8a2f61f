"""The per-version page data (indicators/progress_views.py) and the read API's
progress items (indicators/progress_results.py): read from the database, else
computed from the stored snapshots and stored for every process.

Called by the background recompute right after it commits (so the first reader
finds the data made) and by a web worker that needs the data of a version no
process has stored yet."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.data_version import current_versions
from db.progress import snapshot_rows, snapshots_frame, status_changes
from db.progress_views import store_results, store_views, stored_results, stored_views
from db.session import transaction
from indicators import progress_results as results_plain
from indicators.progress_results import Results, results_of
from indicators.progress_views import ProgressViews, compute, from_plain, to_plain
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
        current = snapshots_frame(session)
        changes = status_changes(session, current=current)
        directory = reference_data(session).directory
    views = compute(current, changes, directory)
    with transaction(factory) as session:
        store_views(session, version, to_plain(views))
    return views


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
