"""Queries on progress snapshots: replace them for an as-of year, read them for views,
and set one year's beside the year before."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from db import models
from indicators.progress import status_change

PREVIOUS = {
    "status": "previous_status",
    "latest_value": "previous_latest_value",
    "latest_year": "previous_latest_year",
    "outlook": "previous_outlook",
}


def replace_snapshots(session: Session, as_of: int, rows: list[dict[str, Any]]) -> int:
    """The snapshots of ``as_of`` become exactly ``rows`` (one transaction, the caller's)."""
    session.execute(delete(models.ProgressSnapshot).where(models.ProgressSnapshot.as_of == as_of))
    if rows:
        session.execute(insert(models.ProgressSnapshot), rows)
    return len(rows)


def latest_as_of(session: Session) -> int | None:
    return session.scalar(
        select(models.ProgressSnapshot.as_of)
        .order_by(models.ProgressSnapshot.as_of.desc())
        .limit(1)
    )


def assessed_layers(session: Session) -> tuple[int | None, set[str]]:
    """The latest as-of year and the data layers its snapshots rest on: what every
    page's status line says, without reading the snapshots themselves."""
    as_of = latest_as_of(session)
    if as_of is None:
        return None, set()
    s = models.ProgressSnapshot
    layers = session.scalars(
        select(s.layer).where(s.as_of == as_of, s.layer.is_not(None)).distinct()
    )
    return as_of, set(layers)


def snapshots_version(session: Session) -> tuple[object, ...]:
    """What changes whenever the snapshots do (every recompute stamps
    ``computed_at`` and replaces rows): one cheap query that lets each web
    worker keep its frames until another worker's approval recomputes them."""
    s = models.ProgressSnapshot
    return tuple(
        session.execute(select(func.count(), func.max(s.id), func.max(s.computed_at))).one()
    )


def snapshots_frame(session: Session, as_of: int | None = None) -> pd.DataFrame:
    """Snapshots joined to their target (with its plan's title), indicator and scope names."""
    s, t, i, r = models.ProgressSnapshot, models.Target, models.Indicator, models.Region
    p = models.Plan
    as_of = as_of if as_of is not None else latest_as_of(session)
    if as_of is None:
        return pd.DataFrame()
    query = (
        select(
            *[c for c in s.__table__.columns if c.name != "id"],
            t.indicator_id,
            t.kind,
            t.year.label("target_year"),
            t.value.label("target_value"),
            t.unit.label("target_unit"),
            t.comparator,
            t.base_year.label("target_base_year"),
            t.value_high.label("target_value_high"),
            t.plan_id,
            p.title.label("plan_title"),
            i.name_zh.label("indicator_name"),
            i.name_en.label("indicator_name_en"),
            i.pillar,
            i.headline,
            r.name_zh.label("scope_name"),
        )
        .join(t, t.id == s.target_id)
        .join(p, p.id == t.plan_id)
        .join(i, i.id == t.indicator_id)
        .join(r, r.code == s.scope_code)
        .where(s.as_of == as_of)
    )
    return pd.DataFrame(session.execute(query).mappings().all())


def status_changes(
    session: Session, as_of: int | None = None, current: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The snapshots of ``as_of`` (default: the latest) that also have one for the
    year before, as ``snapshots_frame`` gives them, with that year's status,
    latest figure and outlook (``previous_*``) and ``change``: one of
    ``indicators.progress.CHANGES`` (improved, worsened, unchanged, new,
    unassessable). Which status is better is decided there, not here.
    ``current``: that year's ``snapshots_frame`` when the caller has read it already.
    """
    if current is None:
        current = snapshots_frame(session, as_of)
    if current.empty:
        return current
    year = int(current.as_of.iloc[0])
    s = models.ProgressSnapshot
    query = select(s.target_id, s.scope_code, *[getattr(s, c) for c in PREVIOUS]).where(
        s.as_of == year - 1
    )
    previous = pd.DataFrame(
        session.execute(query).mappings().all(),
        columns=["target_id", "scope_code", *PREVIOUS],
    ).rename(columns=PREVIOUS)
    both = current.merge(previous, on=["target_id", "scope_code"], how="inner")
    both["change"] = [
        status_change(before, now)
        for before, now in zip(both.previous_status, both.status, strict=True)
    ]
    return both
