"""Storage of the per-version page data (indicators/progress_views.py): one row
per progress version, shared by every process on the database."""

from __future__ import annotations

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
    values = {"version": version, "body": body, "created_at": models.utcnow()}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(table.__table__).values(values).on_conflict_do_nothing())
