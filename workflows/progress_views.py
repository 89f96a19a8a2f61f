"""The per-version page data (indicators/progress_views.py): read from the
database, else computed from the stored snapshots and stored for every process.

Called by the background recompute right after it commits (so the first reader
finds the data made) and by a web worker that needs the data of a version no
process has stored yet."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from db.data_version import current_versions
from db.progress import snapshots_frame, status_changes
from db.progress_views import store_views, stored_views
from db.session import transaction
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


def precompute_views(factory: sessionmaker[Session]) -> None:
    """Make the current version's views now (after a recompute committed): never
    a reason to fail the recompute, whose snapshots are stored already."""
    try:
        progress_views(factory)
    except Exception:
        log.exception("页面预计算失败，将由首个读取的页面计算")
