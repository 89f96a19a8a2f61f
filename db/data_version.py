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

Reading it is one primary-key lookup (``current_version``).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Engine, delete, event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from db import models

WATCHED = frozenset(
    {
        "observations",
        "progress_snapshots",
        "targets",
        "baselines",
        "visions",
        "indicators",
        "plans",
        "regions",
        "region_aliases",
        "region_members",
        "projects",
        "project_regions",
        "project_plans",
        "project_reports",
        "submissions",
    }
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_MARK = "ccec_data_changed"
ROW_ID = 1


def _note_write(
    conn: Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    match = _WRITE.match(statement)
    if match and match.group(1).lower() in WATCHED:
        conn.info[_MARK] = True


def _forget(conn: Connection) -> None:
    conn.info.pop(_MARK, None)


def _raise_on_commit(session: Session) -> None:
    transaction = session.get_transaction()
    # the connections this transaction has used (none: nothing was sent, nothing to raise)
    used = getattr(transaction, "_connections", {}) if transaction else {}
    if any(entry[0].info.pop(_MARK, False) for entry in list(used.values())):
        raise_version(session)


def track_changes(engine: Engine, factory: sessionmaker[Session]) -> None:
    """Raise the data version with every committed change made through ``factory``."""
    if not event.contains(engine, "after_cursor_execute", _note_write):
        event.listen(engine, "after_cursor_execute", _note_write)
        event.listen(engine, "rollback", _forget)
        event.listen(engine, "commit", _forget)
    event.listen(factory, "before_commit", _raise_on_commit)


def raise_version(session: Session) -> None:
    """The version one higher, in ``session``'s transaction (the row is created
    on a database made without the migration, as tests' ``create_all`` does)."""
    table = models.DataVersion
    raised = session.execute(
        update(table)
        .where(table.id == ROW_ID)
        .values(version=table.version + 1, changed_at=models.utcnow())
    )
    if raised.rowcount == 0:
        session.execute(insert(table).values(id=ROW_ID, version=1, changed_at=models.utcnow()))


def current_version(session: Session) -> int:
    """The data version now (0 before anything was stored)."""
    value = session.scalar(
        select(models.DataVersion.version).where(models.DataVersion.id == ROW_ID)
    )
    return int(value or 0)


def cached_reply(session: Session, key: str) -> bytes | None:
    """A reply a worker stored for ``key`` (the key names the data version)."""
    return session.scalar(select(models.PageCache.body).where(models.PageCache.key == key))


def store_reply(session: Session, key: str, version: int, body: bytes) -> None:
    """Keep ``body`` for ``key``; a worker that stored it first meanwhile wins
    (the same version gives the same reply)."""
    table = models.PageCache.__table__
    values = {"key": key, "version": version, "body": body, "created_at": models.utcnow()}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(table).values(values).on_conflict_do_nothing())


def drop_replies_before(session: Session, version: int) -> int:
    """Forget the replies of older data versions; how many."""
    table = models.PageCache
    return session.execute(delete(table).where(table.version < version)).rowcount
