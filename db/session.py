"""Engines and sessions: one place that knows how to open the database.

SQLite gets WAL mode (readers do not block the writer) and foreign keys on
for every connection; PostgreSQL runs through the same code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from db import models
from db.data_version import track_changes


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; creates the folder of a SQLite file if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine`` whose commits raise the data version when they
    change what the pages show (db/data_version.py)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    track_changes(engine, factory)
    return factory


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed whole or rolled back whole."""
    with factory() as session, session.begin():
        yield session


_Row = TypeVar("_Row", bound=models.Base)
_Key = TypeVar("_Key")


def lock_row(
    session: Session,
    model: type[_Row],
    key: InstrumentedAttribute[_Key],
    value: _Key,
    touch: InstrumentedAttribute[object],
) -> _Row | None:
    """The row whose ``key`` column equals ``value``, locked for the rest of the
    caller's transaction, so writers of it take turns and each sees what the one
    before wrote. PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has no row locks and
    the driver opens its transaction only at the first write, so a no-op UPDATE of
    ``touch`` (a column set to itself) comes first: it takes the database's write
    lock, waiting out the other writer, before anything is read."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(model)
            .where(key == value)
            .values({touch.key: touch})
            .execution_options(synchronize_session=False)
        )
    return session.scalar(select(model).where(key == value).with_for_update())
