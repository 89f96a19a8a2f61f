"""Storage of the per-version page data (indicators/progress_views.py): one row
per progress version, shared by every process on the database; and of the read
API's progress items (indicators/progress_results.py): one row per progress
version and as-of year."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db import models


def stored_views(session: Session, version: int) -> bytes | None:
    """The JSON stored for progress ``version``, if a process has stored it."""
    table = models.ProgressView
    body = session.scalar(select(table.body).where(table.version == version))
    return None if body is None else bytes(body)


def store_views(session: Session, version: int, body: bytes) -> None:
    """Keep ``body`` for ``version`` and forget older versions; a process that stored
    the same version first meanwhile wins (the same version gives the same data)."""
    table = models.ProgressView
    session.execute(delete(table).where(table.version < version))
    _insert_once(session, table.__table__, {"version": version, "body": body})


def _insert_once(session: Session, table: Any, values: dict[str, Any]) -> None:
    """Insert a row unless its key is stored already (the same version: the same data)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    row = {**values, "created_at": models.utcnow()}
    session.execute(dialect.insert(table).values(row).on_conflict_do_nothing())


# the key of the latest year's results (a year is never 0)
LATEST = 0


def stored_results(session: Session, version: int, as_of: int | None) -> bytes | None:
    """The progress items stored for progress ``version`` and year ``as_of`` (None:
    the latest year), if a process has stored them."""
    table = models.ProgressResults
    year = LATEST if as_of is None else as_of
    body = session.scalar(select(table.body).where(table.version == version, table.as_of == year))
    return None if body is None else bytes(body)


def store_results(session: Session, version: int, as_of: int | None, body: bytes) -> None:
    """Keep ``body`` for ``version`` and ``as_of`` (None: the latest year) and forget
    older versions'; a process that stored the same first meanwhile wins."""
    table = models.ProgressResults
    session.execute(delete(table).where(table.version < version))
    year = LATEST if as_of is None else as_of
    _insert_once(session, table.__table__, {"version": version, "as_of": year, "body": body})
