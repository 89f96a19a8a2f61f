"""Queries on observations: bulk writes and the current series for assessment."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db import models
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


def current_observations(session: Session, indicator: str | None = None) -> pd.DataFrame:
    """The current value of every indicator × region × period, best layer first;
    ``bound`` is "lower" / "upper" for a published bound (BOUND_NOTES), else ""."""
    o = models.Observation
    query = select(
        o.id, o.indicator_id, o.region_code, o.period, o.value, o.unit, o.layer, o.note
    ).where(o.is_current)
    if indicator is not None:
        query = query.where(o.indicator_id == indicator)
    rows = session.execute(query).all()
    columns = ["id", "indicator_id", "region_code", "period", "value", "unit", "layer", "bound"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame
    frame["bound"] = frame.bound.map(BOUND_NOTES).fillna("")
    return best_layer(frame, ["indicator_id", "region_code", "period"])


def observations_frame(
    session: Session,
    indicator: str | None = None,
    region: str | None = None,
    start: str | None = None,
    end: str | None = None,
    current_only: bool = True,
) -> pd.DataFrame:
    """Observations with status, vintage, revision and source file, for the API and views."""
    o, s = models.Observation, models.Submission
    query = select(
        o.id,
        o.indicator_id,
        o.region_code,
        o.period,
        o.value,
        o.unit,
        o.layer,
        o.revision,
        o.vintage,
        o.status,
        o.is_current,
        o.supersedes_id,
        o.submission_id,
        s.filename.label("source_file"),
        o.source_note,
        o.created_at,
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
    frame = pd.DataFrame(
        session.execute(
            query.order_by(o.indicator_id, o.region_code, o.period, o.layer, o.revision)
        )
        .mappings()
        .all()
    )
    if not frame.empty:
        frame["layer_zh"] = frame.layer.map(LAYER_NAMES_ZH)
        frame["created_at"] = frame.created_at.astype(str)
    return frame


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
