"""The data version: one number that moves with every stored change the pages show.

Every web worker keeps rendered pages and API answers keyed by this number
(dashboard/page_cache.py), so it must change in the same transaction as the
change itself, whichever process or channel made it: a page upload, an API
upload, the drop folder, a review, the progress recompute, manage.py loading
the catalogue or the published figures.

How: every statement SQLAlchemy sends through a connection is looked at
(``after_cursor_execute``: the ORM, Core and ``exec_driver_sql`` alike, which
the intake's fast insert uses); an INSERT, UPDATE or DELETE on one of
``WATCHED`` marks the connection, and the session's ``before_commit`` raises
the version on that connection, so the change and the new number commit
together or not at all. A rollback clears the mark. On PostgreSQL the UPDATE
takes the row's lock at the very end of the writer's transaction, held for
the commit only; on SQLite writers are serialised anyway.

A second row counts the changes of the reference data alone (``REFERENCE``:
regions and the catalogue, which manage.py loads), what each worker keeps its
reference tables by: an upload does not make every worker read them again.

A third row counts the changes of what the progress snapshots frame is made of
(``PROGRESS``: the snapshots and the reference data that name them): what the
per-version precomputed page data (db/progress_views.py) is keyed by, so an
upload that has not yet been reassessed, or a change the pages show elsewhere,
does not make every worker derive it again.

Reading the three is one primary-key lookup (``current_versions``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, event, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.results import affected_rows

# reference data: what manage.py loads (regions, the catalogue); a second row,
# so that an upload does not make every worker read ~5,000 reference rows again
REFERENCE = frozenset(
    {
        "targets",
        "baselines",
        "visions",
        "indicators",
        "plans",
        "regions",
        "region_aliases",
        "region_members",
    }
)
WATCHED = REFERENCE | {
    "observations",
    "progress_snapshots",
    "projects",
    "project_regions",
    "project_plans",
    "project_reports",
    "submissions",
}
# what the snapshots frame (db.progress.snapshots_frame) reads: the snapshots and
# the reference rows that name them
PROGRESS = REFERENCE | {"progress_snapshots"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_MARK = "ccec_data_changed"
ROW_ID = 1  # any change the pages show
REFERENCE_ROW_ID = 2  # changes of the reference data (REFERENCE) only
PROGRESS_ROW_ID = 3  # changes of the snapshots or the reference data (PROGRESS)


def _note_write(
    conn: Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    match = _WRITE.match(statement)
    table = match.group(1).lower() if match else ""
    note_write(conn, table)
    updating = statement.lstrip()[:6].upper() == "UPDATE"
    if updating and (
        (table == "observations" and _edits_in_place(statement)) or table == "progress_snapshots"
    ):
        conn.info.setdefault(_MARK, set()).update((PROGRESS_ROW_ID, REFERENCE_ROW_ID))


_SET = re.compile(r"^\s*UPDATE\s+\"?observations\"?\s+SET\s+(.*?)(?:\s+WHERE\s|$)", re.I | re.S)
_ASSIGNED = re.compile(r'"?(\w+)"?\s*=')


def _edits_in_place(statement: str) -> bool:
    """Whether an UPDATE of observations changes more than ``is_current``. The app only
    ever inserts observations, retires them (``is_current``) or deletes them, and
    snapshots it only inserts and deletes; a page that read either is kept by the
    digest of their ids (db/digest.py), which an edit in place would not move: such an
    edit (of a snapshot, any UPDATE) raises the progress and the reference versions, one
    of which is part of every such page's key. Anything this cannot read counts as an
    edit."""
    found = _SET.match(statement)
    if found is None:
        return True
    assigned = {name.lower() for name in _ASSIGNED.findall(found.group(1))}
    return assigned != {"is_current"}


def note_write(conn: Connection, table: str) -> None:
    """Mark ``conn`` as having written ``table``; the watcher calls it for every statement,
    and a writer the watcher cannot see calls it itself (db.intake.write_chunk's COPY runs
    on the driver's own cursor, which SQLAlchemy's events never hear of)."""
    if table in WATCHED:
        rows = conn.info.setdefault(_MARK, set())
        rows.add(ROW_ID)
        if table in REFERENCE:
            rows.add(REFERENCE_ROW_ID)
        if table in PROGRESS:
            rows.add(PROGRESS_ROW_ID)


def _forget(conn: Connection) -> None:
    conn.info.pop(_MARK, None)


def _marks(session: Session) -> list[set[int]]:
    """The version rows each connection ``session``'s transaction has used is marked
    with (none used: nothing was sent, nothing to raise)."""
    transaction = session.get_transaction()
    used = getattr(transaction, "_connections", {}) if transaction else {}
    return [entry[0].info.setdefault(_MARK, set()) for entry in list(used.values())]


def _raise_on_commit(session: Session) -> None:
    # what the ORM still holds (a ``session.add`` without a flush) is written by the
    # commit only after this hook: written now, so that its mark counts here (a region
    # alias added so was committed without raising the reference version)
    session.flush()
    rows: set[int] = set()
    for marks in _marks(session):
        rows |= marks
        marks.clear()
    for row in sorted(rows):
        raise_version(session, row)


def raise_now(session: Session, row: int) -> int | None:
    """If ``session``'s transaction has written what version ``row`` follows, raise that
    version now instead of at the commit, and return the new number (None, raising
    nothing, if it has not). For what must be stored under the version it commits
    with, in the same transaction: the recompute's page data
    (workflows.progress_views.store_with_snapshots), so that no reader ever finds a
    progress version whose data nobody has made. A write after this call marks the
    transaction again and raises once more at the commit."""
    session.flush()
    marked = [marks for marks in _marks(session) if row in marks]
    if not marked:
        return None
    raise_version(session, row)
    for marks in marked:
        marks.discard(row)
    return current_versions(session)[(ROW_ID, REFERENCE_ROW_ID, PROGRESS_ROW_ID).index(row)]


def track_changes(engine: Engine, factory: sessionmaker[Session]) -> None:
    """Raise the data version with every committed change made through ``factory``."""
    if not event.contains(engine, "after_cursor_execute", _note_write):
        event.listen(engine, "after_cursor_execute", _note_write)
        event.listen(engine, "rollback", _forget)
        event.listen(engine, "commit", _forget)
    event.listen(factory, "before_commit", _raise_on_commit)


def raise_version(session: Session, row: int = ROW_ID) -> None:
    """The version (``row``) one higher, in ``session``'s transaction (the row is
    created on a database made without the migration, as ``create_all`` does)."""
    table = models.DataVersion
    raised = session.execute(
        update(table)
        .where(table.id == row)
        .values(version=table.version + 1, changed_at=models.utcnow())
    )
    if affected_rows(raised) == 0:
        session.execute(insert(table).values(id=row, version=1, changed_at=models.utcnow()))


def current_versions(session: Session | Connection) -> tuple[int, int, int]:
    """The data version, the reference data's and the progress snapshots' version
    now (0 before anything was stored), in one primary-key read (on a session, or on
    a plain connection: the web layer reads them on every request)."""
    table = models.DataVersion
    rows = (ROW_ID, REFERENCE_ROW_ID, PROGRESS_ROW_ID)
    found = dict(session.execute(select(table.id, table.version).where(table.id.in_(rows))).all())
    return (
        int(found.get(ROW_ID) or 0),
        int(found.get(REFERENCE_ROW_ID) or 0),
        int(found.get(PROGRESS_ROW_ID) or 0),
    )


def current_version(session: Session) -> int:
    """The data version now (0 before anything was stored)."""
    return current_versions(session)[0]


def cached_reply(session: Session, keys: Sequence[str]) -> tuple[str, bytes] | None:
    """The first of ``keys`` a worker stored a reply for, and that reply (each key
    names the version it is kept by), in one read."""
    table = models.PageCache
    found = dict(session.execute(select(table.key, table.body).where(table.key.in_(keys))).all())
    return next(((key, found[key]) for key in keys if key in found), None)


def store_reply(session: Session, key: str, version: int, body: bytes) -> None:
    """Keep ``body`` for ``key``; a worker that stored it first meanwhile wins
    (the same version gives the same reply)."""
    table = models.PageCache.__table__
    values = {"key": key, "version": version, "body": body, "created_at": models.utcnow()}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(table).values(values).on_conflict_do_nothing())


def stored_replies(session: Session, version: int) -> int:
    """How many replies the workers stored for the data version ``version``."""
    table = models.PageCache
    count = session.scalar(select(func.count()).select_from(table).where(table.version == version))
    return int(count or 0)


def drop_replies_before(session: Session, version: int) -> int:
    """Forget the replies of older data versions; how many."""
    table = models.PageCache
    return affected_rows(session.execute(delete(table).where(table.version < version)))
