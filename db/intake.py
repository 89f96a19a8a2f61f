"""Storage of received files and of the observations they bring.

A file is kept as received (bytes, sha256, size, who, when, channel); the same
bytes sent again are recognised by their hash. Observations are never updated
in place: a changed value becomes a new revision pointing at the one it
supersedes, which stays, no longer current. One import is one transaction —
the caller's — so a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from db import models
from db.data_version import note_write
from db.progress import mark_changed

CHUNK = 5000
BULK = 20000
# later releases rank higher; an unknown vintage ranks with the initial figure
RANK = {"estimate": 0, "provisional": 1, "initial": 1, "final": 2, "census_revision": 3}


def rank(vintage: str | None) -> int:
    return RANK.get(vintage or "initial", 1)


@dataclass(frozen=True)
class ImportCounts:
    inserted: int  # new indicator × region × period
    revised: int  # a new revision of an existing figure
    unchanged: int  # the same value again: nothing written
    # figures of an earlier release than the current one: kept as history, not current
    kept: tuple[tuple[str, str, str], ...] = ()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def find_submission(
    session: Session, digest: str, statuses: tuple[str, ...] | None = None
) -> models.Submission | None:
    """An earlier submission of the very same bytes, if any — the first one in one of
    ``statuses`` when given (a refused or rejected copy does not make a new one a
    duplicate; an imported or pending one does)."""
    query = select(models.Submission).where(models.Submission.sha256 == digest)
    if statuses is not None:
        query = query.where(models.Submission.status.in_(statuses))
    return session.scalar(query.order_by(models.Submission.id).limit(1))


def mark_interrupted(session: Session, received_before: datetime, failure: str) -> list[int]:
    """Submissions still "received" (their import began) since before ``received_before``:
    the process importing them died, and its transaction with it. They become
    ``failed`` with ``failure`` in their report, so their senders see what happened
    and may send the file again (a failed file is no duplicate)."""
    stale = session.scalars(
        select(models.Submission).where(
            models.Submission.status == "received",
            models.Submission.received_at < received_before,
        )
    ).all()
    for submission in stale:
        submission.status = "failed"
        submission.report = {**(submission.report or {}), "ok": False, "failure": failure}
    return [s.id for s in stale]


def store_submission(
    session: Session,
    filename: str,
    content: bytes,
    channel: str,
    user_id: int | None,
    report: dict[str, Any],
    status: str,
) -> models.Submission:
    submission = models.Submission(
        filename=filename,
        content=content,
        sha256=sha256(content),
        size=len(content),
        channel=channel,
        user_id=user_id,
        report=report,
        status=status,
    )
    session.add(submission)
    session.flush()
    return submission


Key = tuple[str, str, str]


def _current(session: Session, layer: str, keys: list[Key]) -> dict[Key, tuple[int, float, int]]:
    """Current rows for ``keys``: key → (id, value, revision)."""
    return {k: v[:3] for k, v in _state(session, layer, keys).items() if v[0] is not None}


def _state(
    session: Session, layer: str, keys: list[Key]
) -> dict[Key, tuple[Any, Any, Any, Any, int]]:
    """For ``keys`` with any row: key → (current id, value, revision, vintage — all None
    when no row is current — and the highest revision of any row, history included)."""
    o = models.Observation
    columns = (o.indicator_id, o.region_code, o.period, o.id, o.value, o.revision, o.vintage)
    found: dict[Key, tuple[Any, Any, Any, Any, int]] = {}

    def take(rows: Iterable[Sequence[Any]]) -> None:
        for ind, reg, per, id_, value, revision, vintage, current in rows:
            key = (ind, reg, per)
            if wanted is not None and key not in wanted:
                continue
            before = found.get(key, (None, None, None, None, 0))
            top = max(before[4], revision)
            found[key] = (id_, value, revision, vintage, top) if current else (*before[:4], top)

    wanted: set[Key] | None = None
    if len(keys) > BULK:  # a large file: one pass over the layer's rows of its indicators
        wanted = set(keys)
        take(
            session.execute(
                select(*columns, o.is_current).where(
                    o.layer == layer, o.indicator_id.in_({k[0] for k in keys})
                )
            )
        )
        return found
    for start in range(0, len(keys), CHUNK // 5):
        chunk = keys[start : start + CHUNK // 5]
        take(
            session.execute(
                select(*columns, o.is_current).where(
                    o.layer == layer, tuple_(o.indicator_id, o.region_code, o.period).in_(chunk)
                )
            )
        )
    return found


def current_values(
    session: Session, layer: str, keys: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], tuple[int, float, int]]:
    """The current observations of ``layer`` for indicator × region × period ``keys``:
    key → (id, value, revision). Review reads them for an audit's "before" and to
    link an approved row to the observation it became."""
    return _current(session, layer, keys) if keys else {}


def import_observations(
    session: Session,
    rows: pd.DataFrame,
    *,
    layer: str,
    vintage: str,
    submission_id: int | None,
    user_id: int | None,
    source_note: str | None = None,
    force: bool = False,
) -> ImportCounts:
    """Write validated ``rows`` (indicator_id, region_code, period, value, unit, note and,
    optionally, a per-row ``vintage``) as current observations of ``layer``, keeping
    every value they replace.

    A figure of an earlier release (``RANK``: estimate < initial <
    final < census revision) than the current one does not replace it: it is
    written as history (not current) and its key listed in ``kept`` — unless
    ``force`` (a reviewer's explicit choice)."""
    keys = list(zip(rows.indicator_id, rows.region_code, rows.period, strict=True))
    state = _state(session, layer, keys) if keys else {}
    now = datetime.now(UTC)
    new_rows: list[tuple[Any, ...]] = []
    superseded: list[int] = []
    kept: list[Key] = []
    unchanged = 0
    notes = rows["note"].tolist() if "note" in rows else [None] * len(rows)
    vintages = rows["vintage"].tolist() if "vintage" in rows else [vintage] * len(rows)
    for key, value, unit, note, row_vintage in zip(
        keys, rows.value.tolist(), rows.unit.tolist(), notes, vintages, strict=True
    ):
        found = state.get(key)
        previous = found if found is not None and found[0] is not None else None
        if previous is not None and previous[1] == value:
            unchanged += 1
            continue
        older = previous is not None and not force and rank(row_vintage) < rank(previous[3])
        if older:
            kept.append(key)
        elif previous is not None:
            superseded.append(previous[0])
        top = found[4] if found is not None else 0
        new_rows.append(
            (
                key[0],
                key[1],
                key[2],
                layer,
                top + 1,
                float(value),
                unit,
                row_vintage,
                "accepted",
                not older,
                None if older or previous is None else previous[0],
                submission_id,
                source_note,
                None if note is None or pd.isna(note) else note,
                now,
                user_id,
            )
        )
    o = models.Observation
    for start in range(0, len(superseded), CHUNK):
        session.execute(
            update(o).where(o.id.in_(superseded[start : start + CHUNK])).values(is_current=False)
        )
    for start in range(0, len(new_rows), BULK):
        write_chunk(session, new_rows[start : start + BULK])
    # what the progress snapshots must be reassessed for, in this same transaction
    mark_changed(session, [(row[0], row[1]) for row in new_rows if row[9]])
    inserted = len(new_rows) - len(superseded) - len(kept)
    return ImportCounts(inserted, len(superseded), unchanged, tuple(kept))


COLUMNS = (
    "indicator_id",
    "region_code",
    "period",
    "layer",
    "revision",
    "value",
    "unit",
    "vintage",
    "status",
    "is_current",
    "supersedes_id",
    "submission_id",
    "source_note",
    "note",
    "created_at",
    "created_by",
)


def write_chunk(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """Insert observation rows through the driver's fastest path, in the session's
    transaction: COPY on PostgreSQL, executemany with plain tuples elsewhere."""
    connection = session.connection()
    names = ", ".join(COLUMNS)
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        if raw is None:  # only after the pool invalidated the connection
            raise RuntimeError("数据库连接已失效，无法写入观测值")
        with raw.cursor() as cursor, cursor.copy(f"COPY observations ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # COPY bypasses SQLAlchemy's statement events: the data version must hear of it
        note_write(connection, "observations")
        return
    marks = ", ".join("?" for _ in COLUMNS)
    connection.exec_driver_sql(f"INSERT INTO observations ({names}) VALUES ({marks})", rows)


def figures_held(
    session: Session, missing: str, keys: set[str], periods: set[str]
) -> list[tuple[str, str, str, float]]:
    """Current published and reported figures (never 示例数据) of ``keys`` and ``periods`` as
    (candidate, key, period, value): candidates are indicators when a file lacks its
    indicator (``missing`` 指标, keys are regions), regions when it lacks its region."""
    o = models.Observation
    candidate, key = (
        (o.indicator_id, o.region_code) if missing == "指标" else (o.region_code, o.indicator_id)
    )
    query = select(candidate, key, o.period, o.value).where(
        o.is_current,
        o.layer.in_(("published", "reported")),
        key.in_(sorted(keys)),
        o.period.in_(sorted(periods)),
    )
    return [(c, k, p, v) for c, k, p, v in session.execute(query)]


def history(
    session: Session, layer: str | None = None, regions: Collection[str] | None = None
) -> dict[tuple[str, str], list[float]]:
    """Accepted annual values per indicator × region, oldest first (for outlier checks);
    of ``regions`` only, when given."""
    o = models.Observation
    query = select(o.indicator_id, o.region_code, o.period, o.value).where(o.is_current)
    if layer:
        query = query.where(o.layer == layer)
    if regions is not None:
        query = query.where(o.region_code.in_(sorted(regions)))
    result: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for ind, reg, per, value in session.execute(query):
        if len(per) == 4:
            result.setdefault((ind, reg), []).append((per, value))
    return {k: [v for _, v in sorted(pairs)] for k, pairs in result.items()}


def observation_history(
    session: Session, indicator_id: str, region_code: str, period: str
) -> list[models.Observation]:
    """Every revision of one figure, oldest first."""
    o = models.Observation
    return list(
        session.scalars(
            select(o)
            .where(
                o.indicator_id == indicator_id,
                o.region_code == region_code,
                o.period == period,
            )
            .order_by(o.layer, o.revision)
        )
    )
