"""Queries on progress snapshots: replace them for an as-of year, read them for views,
and set one year's beside the year before."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from db import models
from db.digest import digest_columns, digest_text
from indicators.progress import status_change

PREVIOUS = {
    "status": "previous_status",
    "latest_value": "previous_latest_value",
    "latest_year": "previous_latest_year",
    "outlook": "previous_outlook",
}


# the columns a recompute compares to decide whether a snapshot changed: all but
# the row id and the time it was written
COMPARED = tuple(
    c.name for c in models.ProgressSnapshot.__table__.columns if c.name not in ("id", "computed_at")
)
CHUNK = 500


def mark_changed(session: Session, keys: Iterable[tuple[str, str]]) -> int:
    """Record that the current observations of these indicator × region pairs
    changed, in the caller's transaction (the one that changed them)."""
    now = datetime.now(UTC)
    rows = [{"indicator_id": ind, "region_code": reg, "changed_at": now} for ind, reg in set(keys)]
    if rows:
        session.execute(insert(models.ProgressChange), rows)
    return len(rows)


def pending_changes(session: Session) -> list[tuple[int, str, str]]:
    """Changes not yet assessed: (id, indicator_id, region_code), oldest first."""
    c = models.ProgressChange
    return [
        (int(i), ind, reg)
        for i, ind, reg in session.execute(
            select(c.id, c.indicator_id, c.region_code).order_by(c.id)
        )
    ]


def clear_changes(session: Session, ids: Collection[int]) -> None:
    """Delete exactly the changes a recompute served (by id: a change committed
    while it ran has another id and waits for the next run)."""
    c = models.ProgressChange
    listed = list(ids)
    for start in range(0, len(listed), CHUNK):
        session.execute(delete(c).where(c.id.in_(listed[start : start + CHUNK])))


def has_pending_changes(session: Session) -> bool:
    return session.scalar(select(models.ProgressChange.id).limit(1)) is not None


def write_changed(
    session: Session, as_of: int, rows: list[dict[str, Any]], targets: Collection[str] | None
) -> int:
    """The snapshots of ``as_of`` for ``targets`` (None: every target) become
    ``rows``, writing only those that differ from what is stored (``COMPARED``)
    and deleting those of these targets that ``rows`` no longer has; returns how
    many were written. One transaction, the caller's."""
    s = models.ProgressSnapshot
    query = select(s.id, *[getattr(s, c) for c in COMPARED]).where(s.as_of == as_of)
    if targets is not None:
        listed = list(targets)
        if not listed:
            return 0
        query = query.where(s.target_id.in_(listed))
    stored = {(row.target_id, row.scope_code): row for row in session.execute(query).mappings()}
    stale: list[int] = []
    fresh: list[dict[str, Any]] = []
    for row in rows:
        old = stored.pop((row["target_id"], row["scope_code"]), None)
        if old is not None and all(old[c] == row[c] for c in COMPARED):
            continue
        if old is not None:
            stale.append(old["id"])
        fresh.append(row)
    stale += [old["id"] for old in stored.values()]
    for start in range(0, len(stale), CHUNK):
        session.execute(delete(s).where(s.id.in_(stale[start : start + CHUNK])))
    if fresh:
        session.execute(insert(s), fresh)
    return len(fresh)


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
    return as_of, {layer for layer in layers if layer is not None}


def snapshots_version(session: Session) -> tuple[object, ...]:
    """What changes whenever the snapshots do (every recompute stamps
    ``computed_at`` and replaces rows): one cheap query that lets each web
    worker keep its frames until another worker's approval recomputes them."""
    s = models.ProgressSnapshot
    return tuple(
        session.execute(select(func.count(), func.max(s.id), func.max(s.computed_at))).one()
    )


def snapshots_digest(
    session: Session,
    indicators: Collection[str] | None = None,
    regions: Collection[str] | None = None,
    targets: Collection[str] | None = None,
) -> str:
    """What changes whenever the snapshots of the targets of ``indicators`` (or of the
    scopes ``regions``, or of the ``targets``), of any year, change — and whenever the
    latest as-of year does, which decides the snapshots the pages show: a key for what a page computed from
    those alone (dashboard.page_cache). A recompute writes a changed snapshot as a new
    row and deletes the old one (``write_changed``, ``replace_snapshots``); nothing
    edits one in place (db/data_version.py raises the reference version if anything
    does), so the rows are known by their ids (db/digest.py)."""
    s, t = models.ProgressSnapshot, models.Target
    latest = aliased(models.ProgressSnapshot)
    query = select(
        *digest_columns(s.id, s.computed_at), select(func.max(latest.as_of)).scalar_subquery()
    )
    if indicators is not None:
        query = query.where(
            s.target_id.in_(select(t.id).where(t.indicator_id.in_(sorted(indicators))))
        )
    if regions is not None:
        query = query.where(s.scope_code.in_(sorted(regions)))
    if targets is not None:
        query = query.where(s.target_id.in_(sorted(targets)))
    return digest_text(tuple(session.execute(query).one()))


def snapshots_census(session: Session, statuses: bool = False) -> str:
    """What changes whenever the set of targets and scopes the latest snapshots hold
    does (not their figures): a key for what a page made of that set alone — 地区's
    list of scopes with their counts (dashboard.page_cache). ``statuses``: and whenever
    a status of the latest year or the year before does — 总览's tallies, pillar counts
    and status changes."""
    s = models.ProgressSnapshot
    latest = session.scalar(select(func.max(s.as_of)))
    columns = [s.target_id, s.scope_code] + ([s.as_of, s.status] if statuses else [])
    years = (latest, latest - 1) if statuses and latest is not None else (latest,)
    rows = sorted(
        tuple(str(v) for v in row)
        for row in session.execute(select(*columns).where(s.as_of.in_(years)))
    )
    text = "\n".join("\t".join(row) for row in rows)
    return f"{latest}/{len(rows)}/{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _snapshots_query(as_of: int) -> Select[Any]:
    """The snapshots of ``as_of`` joined to their target (with its plan's title),
    indicator and scope names: the columns of ``snapshots_frame``."""
    s, t, i, r = models.ProgressSnapshot, models.Target, models.Indicator, models.Region
    p = models.Plan
    return (
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


def snapshots_frame(session: Session, as_of: int | None = None) -> pd.DataFrame:
    """Snapshots joined to their target (with its plan's title), indicator and scope names."""
    as_of = as_of if as_of is not None else latest_as_of(session)
    if as_of is None:
        return pd.DataFrame()
    return pd.DataFrame(session.execute(_snapshots_query(as_of)).mappings().all())


def snapshot_rows(
    session: Session, as_of: int | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The rows of ``snapshots_frame`` as they come from the database, with their
    column names, and no frame (the read API shapes them itself)."""
    as_of = as_of if as_of is not None else latest_as_of(session)
    if as_of is None:
        return [], []
    result = session.execute(_snapshots_query(as_of))
    return list(result.keys()), [tuple(row) for row in result]


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
