"""Queries on progress snapshots: replace them for an as-of year, read them for views."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from db import models


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


def snapshots_frame(session: Session, as_of: int | None = None) -> pd.DataFrame:
    """Snapshots joined to their target, indicator and scope names."""
    s, t, i, r = models.ProgressSnapshot, models.Target, models.Indicator, models.Region
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
            t.plan_id,
            i.name_zh.label("indicator_name"),
            i.pillar,
            i.headline,
            r.name_zh.label("scope_name"),
        )
        .join(t, t.id == s.target_id)
        .join(i, i.id == t.indicator_id)
        .join(r, r.code == s.scope_code)
        .where(s.as_of == as_of)
    )
    return pd.DataFrame(session.execute(query).mappings().all())
