"""Queries on observations: bulk writes and the current series for assessment."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Select, delete, func, select, tuple_, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from db import models
from db.digest import digest_columns, digest_text
from indicators.layers import LAYER_NAMES_ZH, best_layer

# the note the published layer gives a figure that is a bound, not a value
# (超过 8.2 万亿元: at least), and the bound it means for the progress method
NOTE_OF_BOUND = {"lower": "公开数据：下限", "upper": "公开数据：上限"}
BOUND_NOTES = {note: bound for bound, note in NOTE_OF_BOUND.items()}


def replace_layer(session: Session, layer: str, frame: pd.DataFrame, note: str) -> int:
    """Replace every observation of ``layer`` by ``frame`` (indicator_id,
    region_code, period, value, unit). Used for the synthetic sample, which is
    regenerated whole, never revised."""
    from db.intake import BULK, write_chunk
    from db.progress import mark_changed

    o = models.Observation
    gone = session.execute(
        select(o.indicator_id, o.region_code).where(o.layer == layer).distinct()
    ).all()
    mark_changed(
        session,
        [*gone, *zip(frame.get("indicator_id", []), frame.get("region_code", []), strict=True)],
    )
    session.execute(delete(models.Observation).where(models.Observation.layer == layer))
    now = datetime.now(UTC)
    rows = [
        (
            ind,
            reg,
            per,
            layer,
            1,
            float(value),
            unit,
            "final",
            "accepted",
            True,
            None,
            None,
            note,
            None,
            now,
            None,
        )
        for ind, reg, per, value, unit in frame[
            ["indicator_id", "region_code", "period", "value", "unit"]
        ].itertuples(index=False, name=None)
    ]
    for start in range(0, len(rows), BULK):
        write_chunk(session, rows[start : start + BULK])
    return len(rows)


def count_layer(session: Session, layer: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(models.Observation)
            .where(models.Observation.layer == layer)
        )
        or 0
    )


def current_observations(
    session: Session,
    indicator: str | None = None,
    indicators: Collection[str] | None = None,
    regions: Collection[str] | None = None,
) -> pd.DataFrame:
    """The current value of every indicator × region × period, best layer first;
    ``bound`` is "lower" / "upper" for a published bound (BOUND_NOTES), else "".
    ``indicator`` / ``indicators``: only those (the incremental recompute reads
    the rows of the targets it reassesses, not all); ``regions``: only theirs
    (地区 shows what a region reports)."""
    o = models.Observation
    query = select(
        o.id, o.indicator_id, o.region_code, o.period, o.value, o.unit, o.layer, o.note
    ).where(o.is_current)
    rows = session.execute(_filtered(query, indicator, indicators, regions)).all()
    columns = ["id", "indicator_id", "region_code", "period", "value", "unit", "layer", "bound"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame
    frame["bound"] = frame.bound.map(BOUND_NOTES).fillna("")
    return best_layer(frame, ["indicator_id", "region_code", "period"])


def observations_digest(
    session: Session,
    indicator: str | None = None,
    indicators: Collection[str] | None = None,
    regions: Collection[str] | None = None,
) -> str:
    """What changes whenever the rows ``current_observations`` reads with the same
    filters change: a key for what was computed from them (dashboard.page_cache: a
    page is kept until what it read changes). Observations are only inserted, marked
    not current or deleted, never edited in place (db/data_version.py raises the
    progress version on such an edit), so the rows are known by their ids
    (db/digest.py)."""
    o = models.Observation
    query = select(*digest_columns(o.id, o.created_at)).where(o.is_current)
    query = _filtered(query, indicator, indicators, regions)
    return digest_text(tuple(session.execute(query).one()))


_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def _filtered(
    query: _Query,
    indicator: str | None,
    indicators: Collection[str] | None,
    regions: Collection[str] | None,
) -> _Query:
    """``query`` limited to the observations of ``indicator`` / ``indicators`` /
    ``regions``: one definition for a read and the digest that follows it."""
    o = models.Observation
    if indicator is not None:
        query = query.where(o.indicator_id == indicator)
    if indicators is not None:
        query = query.where(o.indicator_id.in_(sorted(indicators)))
    if regions is not None:
        query = query.where(o.region_code.in_(sorted(regions)))
    return query


def latest_data_year(session: Session) -> int | None:
    """The last year any current observation is of: the as-of year a recompute
    assesses by default (one indexed-free scan of a short column, not a frame)."""
    o = models.Observation
    year = session.scalar(select(func.max(func.substr(o.period, 1, 4))).where(o.is_current))
    return int(year) if year else None


# the order of the API's listing and its keyset: the unique key of an observation
# (uq_observations_…), so a cursor names one place in it, the same on every page
LISTING_KEY = ("indicator_id", "region_code", "period", "layer", "revision")
LISTING_COLUMNS = (
    "id",
    "indicator_id",
    "region_code",
    "period",
    "value",
    "unit",
    "layer",
    "revision",
    "vintage",
    "status",
    "is_current",
    "supersedes_id",
    "submission_id",
    "source_file",
    "source_note",
    "created_at",
)


def _listing(
    indicator: str | None,
    region: str | None,
    start: str | None,
    end: str | None,
    current_only: bool,
    after: tuple[object, ...] | None = None,
) -> Select[Any]:
    """Observations with their source file, filtered, in ``LISTING_KEY`` order,
    after the key ``after`` when given (keyset paging: rows added meanwhile
    neither shift a page nor repeat one)."""
    o, s = models.Observation, models.Submission
    query = select(
        *[s.filename.label(c) if c == "source_file" else getattr(o, c) for c in LISTING_COLUMNS]
    ).outerjoin(s, s.id == o.submission_id)
    if current_only:
        query = query.where(o.is_current)
    if indicator:
        query = query.where(o.indicator_id == indicator)
    if region:
        query = query.where(o.region_code == region)
    if start:
        query = query.where(o.period >= start)
    if end:
        query = query.where(o.period <= end + "~")
    key = [getattr(o, c) for c in LISTING_KEY]
    if after is not None:
        query = query.where(tuple_(*key) > tuple_(*after))
    return query.order_by(*key)


def observations_frame(
    session: Session,
    indicator: str | None = None,
    region: str | None = None,
    start: str | None = None,
    end: str | None = None,
    current_only: bool = True,
) -> pd.DataFrame:
    """Observations with status, vintage, revision and source file, for the API and views."""
    query = _listing(indicator, region, start, end, current_only)
    frame = pd.DataFrame(session.execute(query).mappings().all())
    if not frame.empty:
        frame["layer_zh"] = frame.layer.map(LAYER_NAMES_ZH)
        frame["created_at"] = frame.created_at.astype(str)
    return frame


def stream_observations(
    session: Session,
    indicator: str | None = None,
    region: str | None = None,
    start: str | None = None,
    end: str | None = None,
    current_only: bool = True,
    after: tuple[object, ...] | None = None,
    through: tuple[object, ...] | None = None,
    batch: int = 2000,
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``observations_frame`` (``LISTING_COLUMNS``) after the key
    ``after`` up to and including ``through`` (a page: ``page_end``), fetched
    ``batch`` at a time from a server-side cursor: no frame, no list of them all
    in memory. ``created_at`` comes as text, as ``str()`` writes the stored
    timestamp: the stored value is read raw and each distinct one converted once
    (a bulk import gives thousands of rows one time; SQLite keeps it as text, and
    parsing it on every row was a third of a whole listing's time)."""
    o = models.Observation
    query = _listing(indicator, region, start, end, current_only, after)
    if through is not None:
        query = query.where(tuple_(*[getattr(o, c) for c in LISTING_KEY]) <= tuple_(*through))
    stamp = LISTING_COLUMNS.index("created_at")
    query = query.with_only_columns(
        *[
            type_coerce(column, NullType()) if n == stamp else column
            for n, column in enumerate(query.selected_columns)
        ]
    )
    connection = session.connection()
    dialect = connection.dialect
    parse = o.created_at.type.dialect_impl(dialect).result_processor(dialect, None)
    texts: dict[Any, str | None] = {None: None}
    result = connection.execute(query.execution_options(yield_per=batch))
    for rows in result.partitions():
        for row in rows:
            stored = row[stamp]
            text = texts.get(stored)
            if text is None and stored is not None:
                text = texts[stored] = str(parse(stored) if parse else stored)
            yield (*row[:stamp], text, *row[stamp + 1 :])


def page_end(
    session: Session,
    indicator: str | None,
    region: str | None,
    start: str | None,
    end: str | None,
    current_only: bool,
    after: tuple[object, ...] | None,
    limit: int,
) -> tuple[tuple[object, ...], bool] | None:
    """The key of the ``limit``-th row after ``after`` and whether any row follows
    it; None when fewer rows are left (the last page). Read before the page's
    rows are streamed, so that its cursor can go in the answer's headers."""
    o = models.Observation
    key = [getattr(o, c) for c in LISTING_KEY]
    query = _listing(indicator, region, start, end, current_only, after)
    last = session.execute(query.with_only_columns(*key).offset(limit - 1).limit(1)).first()
    if last is None:
        return None
    beyond = _listing(indicator, region, start, end, current_only, tuple(last))
    more = session.execute(beyond.with_only_columns(o.id).limit(1)).first() is not None
    return tuple(last), more


def layer_version(session: Session, layer: str) -> tuple[object, ...]:
    """What changes whenever the current observations of ``layer`` change (their
    count, highest id and latest write): a key for views computed from one layer."""
    o = models.Observation
    row = session.execute(
        select(func.count(), func.max(o.id), func.max(o.created_at)).where(
            o.layer == layer, o.is_current
        )
    ).one()
    return tuple(str(x) for x in row)


def observation_sources(session: Session, ids: list[int]) -> pd.DataFrame:
    """The vintage and source note (publisher, wording, URL) of the observations ``ids``."""
    o = models.Observation
    columns = ["id", "vintage", "source_note"]
    if not ids:
        return pd.DataFrame(columns=columns)
    rows = session.execute(select(o.id, o.vintage, o.source_note).where(o.id.in_(ids))).all()
    return pd.DataFrame(rows, columns=columns)
