"""Queries of the review workflow: the rows of a reporter's file wait in
``submission_rows`` until a reviewer decides on them.

Pages read three frames from here — the queue of pending submissions, one
submission's rows beside what they would change, and a reporter's own
submissions — and workflows/review.py writes the decisions through the helpers
below, inside its own transaction. Frames are built from a fixed number of
queries (never one per row), so a file of a thousand rows opens as fast as one
of ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Row, and_, func, insert, select, update
from sqlalchemy.orm import Session

from db import models
from db.results import affected_rows
from db.session import lock_row
from indicators.layers import LAYER_NAMES_ZH, best_layer
from indicators.outliers import HISTORY_YEARS, can_be_negative, change, flag, year_change
from indicators.review_view import RowFace

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
REPORTED = "reported"  # the layer an approval writes to (workflows/review.py)

QUEUE_COLUMNS = [
    "submission_id",
    "received_at",
    "filename",
    "channel",
    "user_id",
    "username",
    "reporter",
    "regions",
    "region_codes",
    "periods",
    "rows",
    "pending",
]
ROW_COLUMNS = [
    "row_id",
    "row_no",
    "sheet",
    "indicator_id",
    "indicator_name",
    "region_code",
    "region_name",
    "period",
    "value",
    "unit",
    "note",
    "decision",
    "comment",
    "decided_by",
    "decided_at",
    "observation_id",
    "current",
    "current_layer",
    "current_layer_zh",
    "change",
    "change_pct",
    "reported",
    "previous",
    "year_change_pct",
    "z",
    "history",
    "flags",
]
OWN_COLUMNS = [
    "submission_id",
    "received_at",
    "filename",
    "channel",
    "status",
    "period",
    "rows",
    "approved",
    "rejected",
    "pending",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
]


# ------------------------------------------------------------------ writes ---


def add_rows(session: Session, submission_id: int, rows: pd.DataFrame) -> int:
    """Keep a file's validated ``rows`` (loaders.validate.Result.rows) as pending,
    in the caller's transaction; returns how many."""
    if rows.empty:
        return 0
    notes = rows["note"].tolist() if "note" in rows else [None] * len(rows)
    sheets = rows["sheet"].tolist() if "sheet" in rows else [None] * len(rows)
    records = [
        {
            "submission_id": submission_id,
            "row_no": int(row_no),
            "sheet": _text(sheet),
            "indicator_id": indicator_id,
            "region_code": region_code,
            "period": period,
            "value": float(value),
            "unit": unit,
            "note": _text(note),
            "decision": PENDING,
        }
        for row_no, sheet, indicator_id, region_code, period, value, unit, note in zip(
            rows["row"].tolist(),
            sheets,
            rows.indicator_id.tolist(),
            rows.region_code.tolist(),
            rows.period.tolist(),
            rows.value.tolist(),
            rows.unit.tolist(),
            notes,
            strict=True,
        )
    ]
    session.execute(insert(models.SubmissionRow), records)
    return len(records)


def lock_submission(session: Session, submission_id: int) -> models.Submission | None:
    """The submission, locked for the rest of the caller's transaction, so two
    reviewers deciding at once take turns and the second sees the first's decisions.

    PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has no row locks and the driver
    opens its transaction only at the first write, so a no-op UPDATE comes first:
    it takes the database's write lock (waiting out the other writer) before
    anything is read (db.session.lock_row).
    """
    s = models.Submission
    return lock_row(session, s, s.id, submission_id, s.status)


def rows_of(session: Session, submission_id: int) -> list[models.SubmissionRow]:
    """Every row of a submission, in file order."""
    r = models.SubmissionRow
    return list(
        session.scalars(select(r).where(r.submission_id == submission_id).order_by(r.row_no, r.id))
    )


def row_face(row: models.SubmissionRow) -> RowFace:
    """What a row says, as indicators.review_view fingerprints it."""
    return (
        row.id,
        row.indicator_id,
        row.region_code,
        row.period,
        row.value,
        row.unit,
        row.decision,
    )


def frame_faces(frame: pd.DataFrame) -> list[RowFace]:
    """The same, for every row of a submission_rows_frame."""
    columns = ["row_id", "indicator_id", "region_code", "period", "value", "unit", "decision"]
    return [
        (int(i), ind, reg, per, float(v), unit, dec)
        for i, ind, reg, per, v, unit, dec in frame[columns].itertuples(index=False)
    ]


def set_decision(
    session: Session,
    row_ids: list[int],
    decision: str,
    comment: str | None,
    user_id: int,
    at: datetime,
) -> int:
    """Decide rows that are still pending; returns how many were. A caller that
    gets fewer than it asked for lost a race and must roll back."""
    if not row_ids:
        return 0
    r = models.SubmissionRow
    result = session.execute(
        update(r)
        .where(r.id.in_(row_ids), r.decision == PENDING)
        .values(decision=decision, comment=comment, decided_by=user_id, decided_at=at)
        .execution_options(synchronize_session=False)
    )
    return affected_rows(result)


def link_observations(session: Session, links: dict[int, int]) -> None:
    """Point approved rows (row id → observation id) at the value they made current."""
    if links:
        session.execute(
            update(models.SubmissionRow),
            [{"id": row_id, "observation_id": obs_id} for row_id, obs_id in links.items()],
        )


def decision_counts(session: Session, submission_id: int) -> dict[str, int]:
    """Rows of a submission per decision (pending, approved, rejected), zeros included."""
    r = models.SubmissionRow
    counts = dict.fromkeys((PENDING, APPROVED, REJECTED), 0)
    for decision, n in session.execute(
        select(r.decision, func.count())
        .where(r.submission_id == submission_id)
        .group_by(r.decision)
    ):
        counts[decision] = n
    return counts


# ------------------------------------------------------------------- reads ---


def review_queue(session: Session) -> pd.DataFrame:
    """Pending submissions, oldest first: who sent them, when, for which regions and
    periods, how many rows and how many still undecided."""
    s, r, u, g = models.Submission, models.SubmissionRow, models.User, models.Region
    heads = session.execute(
        select(s.id, s.received_at, s.filename, s.channel, s.user_id, u.username, u.display_name)
        .outerjoin(u, u.id == s.user_id)
        .where(s.status == PENDING)
        .order_by(s.received_at, s.id)
    ).all()
    parts = session.execute(
        select(r.submission_id, r.region_code, g.name_zh, r.period, r.decision, func.count())
        .join(s, s.id == r.submission_id)
        .join(g, g.code == r.region_code)
        .where(s.status == PENDING)
        .group_by(r.submission_id, r.region_code, g.name_zh, r.period, r.decision)
    ).all()
    by_submission: dict[int, list[tuple[str, str, str, str, int]]] = {}
    for sid, code, name, period, decision, n in parts:
        by_submission.setdefault(sid, []).append((code, name, period, decision, n))
    records = []
    for sid, received_at, filename, channel, user_id, username, display_name in heads:
        found = by_submission.get(sid, [])
        names = dict(sorted({(code, name) for code, name, *_ in found}))
        records.append(
            {
                "submission_id": sid,
                "received_at": received_at,
                "filename": filename,
                "channel": channel,
                "user_id": user_id,
                "username": username,
                "reporter": display_name,
                "regions": "、".join(names.values()),
                "region_codes": list(names),
                "periods": "、".join(sorted({period for _, _, period, _, _ in found})),
                "rows": sum(n for *_, n in found),
                "pending": sum(n for *_, decision, n in found if decision == PENDING),
            }
        )
    return pd.DataFrame(records, columns=QUEUE_COLUMNS)


def submission_rows_frame(session: Session, submission_id: int) -> pd.DataFrame:
    """Each row of a submission beside what it would change, in file order.

    ``current`` is the value accepted now for the same indicator × region × period,
    taken from the best layer as db.observations ranks them (published, then
    reported, then the sample) — ``current_layer`` says which; ``change`` and
    ``change_pct`` (per cent, indicators.outliers.change) are the row's value
    against it. Approving writes to the reported layer, so where the current value
    is published the published figure stays the one shown; ``reported`` is the
    reported layer's value, the one an approval revises (flagged 将作为修订 only
    then, the word the decision's result uses). ``history`` is the region's last
    ``HISTORY_YEARS`` annual values of the indicator before the row's year, oldest
    first, as (year, value, layer); ``previous`` the year before's value,
    ``year_change_pct`` the change on it in per cent and ``z`` the modified
    z-score of that change among the earlier year-on-year changes
    (indicators.outliers.year_change; annual rows only — a quarter is not
    comparable with years); ``flags`` are indicators.outliers' reasons to look twice.
    Three queries: the rows, the current values, the histories.
    """
    r, i, g, u = models.SubmissionRow, models.Indicator, models.Region, models.User
    o = models.Observation
    rows = session.execute(
        select(
            r.id,
            r.row_no,
            r.sheet,
            r.indicator_id,
            i.name_zh,
            r.region_code,
            g.name_zh,
            r.period,
            r.value,
            r.unit,
            r.note,
            r.decision,
            r.comment,
            u.display_name,
            r.decided_at,
            r.observation_id,
        )
        .join(i, i.id == r.indicator_id)
        .join(g, g.code == r.region_code)
        .outerjoin(u, u.id == r.decided_by)
        .where(r.submission_id == submission_id)
        .order_by(r.row_no, r.id)
    ).all()
    if not rows:
        return pd.DataFrame(columns=ROW_COLUMNS)
    same_key = and_(
        o.indicator_id == r.indicator_id, o.region_code == r.region_code, o.period == r.period
    )
    found = session.execute(
        select(o.indicator_id, o.region_code, o.period, o.value, o.layer)
        .join(r, same_key)
        .where(r.submission_id == submission_id, o.is_current)
        .distinct()
    ).all()
    currents = _best(found)
    reported = {(ind, reg, per): v for ind, reg, per, v, layer in found if layer == REPORTED}
    series = (
        select(r.indicator_id, r.region_code)
        .where(r.submission_id == submission_id)
        .distinct()
        .subquery()
    )
    annual = _best(
        session.execute(
            select(o.indicator_id, o.region_code, o.period, o.value, o.layer)
            .join(
                series,
                and_(
                    o.indicator_id == series.c.indicator_id,
                    o.region_code == series.c.region_code,
                ),
            )
            .where(o.is_current, func.length(o.period) == 4)
        ).all()
    )
    by_series: dict[tuple[str, str], list[tuple[int, float, str]]] = {}
    for (ind, reg, period), (value, layer) in annual.items():
        if period.isdigit():
            by_series.setdefault((ind, reg), []).append((int(period), value, layer))
    for points in by_series.values():
        points.sort()
    records = []
    for row in rows:
        (
            row_id,
            row_no,
            sheet,
            ind,
            ind_name,
            reg,
            reg_name,
            period,
            value,
            unit,
            note,
            decision,
            comment,
            decided_by,
            decided_at,
            observation_id,
        ) = row
        current, current_layer = currents.get((ind, reg, period), (None, None))
        year = int(period[:4])
        history = [p for p in by_series.get((ind, reg), []) if p[0] < year][-HISTORY_YEARS:]
        signed = can_be_negative(unit)
        moved = (
            year_change(year, value, {y: v for y, v, _ in history}, signed=signed)
            if len(period) == 4 and period.isdigit()
            else None
        )
        difference, difference_pct = change(value, current)
        records.append(
            {
                "row_id": row_id,
                "row_no": row_no,
                "sheet": sheet,
                "indicator_id": ind,
                "indicator_name": ind_name,
                "region_code": reg,
                "region_name": reg_name,
                "period": period,
                "value": value,
                "unit": unit,
                "note": note,
                "decision": decision,
                "comment": comment,
                "decided_by": decided_by,
                "decided_at": decided_at,
                "observation_id": observation_id,
                "current": current,
                "current_layer": current_layer,
                "current_layer_zh": LAYER_NAMES_ZH.get(current_layer) if current_layer else None,
                "change": difference,
                "change_pct": difference_pct,
                "reported": reported.get((ind, reg, period)),
                "previous": moved.previous if moved else None,
                "year_change_pct": change(value, moved.previous)[1] if moved else None,
                "z": moved.z if moved else None,
                "history": history,
                "flags": flag(
                    value, moved, reported.get((ind, reg, period)), can_be_negative=signed
                ),
            }
        )
    return pd.DataFrame(records, columns=ROW_COLUMNS)


def submissions_of(session: Session, user_id: int) -> pd.DataFrame:
    """A reporter's own submissions, newest first: status, the reviewer and the
    comment, and how many rows were approved, rejected or are still pending
    (refused files have none)."""
    s, r, u = models.Submission, models.SubmissionRow, models.User
    heads = session.execute(
        select(
            s.id,
            s.received_at,
            s.filename,
            s.channel,
            s.status,
            s.period,
            u.display_name,
            s.reviewed_at,
            s.review_comment,
        )
        .outerjoin(u, u.id == s.reviewed_by)
        .where(s.user_id == user_id)
        .order_by(s.received_at.desc(), s.id.desc())
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for sid, decision, n in session.execute(
        select(r.submission_id, r.decision, func.count())
        .join(s, s.id == r.submission_id)
        .where(s.user_id == user_id)
        .group_by(r.submission_id, r.decision)
    ):
        counts.setdefault(sid, {})[decision] = n
    records: list[dict[str, Any]] = []
    for sid, received_at, filename, channel, status, period, reviewer, at, comment in heads:
        found = counts.get(sid, {})
        records.append(
            {
                "submission_id": sid,
                "received_at": received_at,
                "filename": filename,
                "channel": channel,
                "status": status,
                "period": period,
                "rows": sum(found.values()),
                "approved": found.get(APPROVED, 0),
                "rejected": found.get(REJECTED, 0),
                "pending": found.get(PENDING, 0),
                "reviewed_by": reviewer,
                "reviewed_at": at,
                "review_comment": comment,
            }
        )
    return pd.DataFrame(records, columns=OWN_COLUMNS)


def _best(
    found: Sequence[Row[str, str, str, float, str]],
) -> dict[tuple[str, str, str], tuple[float, str]]:
    """(indicator, region, period, value, layer) rows → the best layer's value per key."""
    keys = ["indicator_id", "region_code", "period"]
    frame = best_layer(pd.DataFrame(list(found), columns=[*keys, "value", "layer"]), keys)
    return {
        (ind, reg, period): (value, layer)
        for ind, reg, period, value, layer in frame.itertuples(index=False)
    }


def _text(value: object) -> str | None:
    """A cell as text, None for blanks (pandas gives NaN for a missing note)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    return str(value)
