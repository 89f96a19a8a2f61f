"""报送进度: which region has reported which indicator for which period.

A cell is a region × indicator × period that is expected to be reported; its
state (approved / received / overdue / missing / not_due, see
indicators/reporting_calendar.py) comes from the current observation of the
*reported* layer for that key:

- status ``accepted`` (what intake writes today) → approved;
- status ``rejected`` (the coming review workflow) → as if nothing were received;
- any other status (``pending``, awaiting review) → received, not approved.

The sample and published layers never count: the matrix is about what the
regions' own statisticians have sent. A rejected figure keeps its
``observation_id`` and ``submission_id`` in the frame, so a page can say that a
missing figure was sent back.

Which pairs are expected is the ``expected`` argument; by default every
administrative unit in the circle (groupings and ``in_circle == "outside"``
units excluded) × every stored indicator. That default is deliberately broad;
the reporting obligations of the templates (workflows.reminders.expected_pairs)
are narrower and are what the job and the page should pass.

Four queries whatever the size: units, indicators, the observations of all the
periods involved, and the rows of files awaiting review (received, not approved).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from indicators.regions import UNIT_LEVELS
from indicators.reporting_calendar import (
    DEFAULT_RULES,
    FREQUENCIES,
    PERIODS_OWED,
    Rules,
    cell_state,
    due_date,
    period_end,
    view_periods,
)

COLUMNS = [
    "region_code",
    "indicator_id",
    "period",
    "due_date",
    "state",
    "submission_id",
    "observation_id",
]
LAYER = "reported"
APPROVED = "accepted"
NOT_RECEIVED = "rejected"


def completeness_matrix(
    session: Session,
    period: str,
    today: date,
    regions: list[str] | None = None,
    indicators: list[str] | None = None,
    rules: Rules = DEFAULT_RULES,
    expected: Collection[tuple[str, str]] | None = None,
    since: str | None = None,
) -> pd.DataFrame:
    """The 报送进度 of ``period`` as of ``today``, one row per expected cell.

    ``since`` (the calendar's start) leaves out the periods before the monitor
    was in use: nobody owes them, so they are never overdue (view_periods).

    ``period`` is a year (``2025``: the annual figure 2025 of every indicator,
    plus the quarters and months of 2025 that have ended by ``today`` for
    quarterly and monthly indicators), or a single quarter or month (only
    indicators of that frequency). ``regions`` and ``indicators`` narrow
    the matrix to those codes; ``expected`` is a collection of
    (region_code, indicator_id) pairs that must be reported (default: every
    unit × every indicator). Columns: region_code, indicator_id, period,
    due_date (a date), state, submission_id, observation_id (nullable Int64);
    sorted by region, indicator and period. A period it cannot read raises
    ``CalendarError``.
    """
    periods = {f: view_periods(f, period, today, since=since) for f in FREQUENCIES}
    return cells(session, periods, today, regions, indicators, rules, expected)


def cells(
    session: Session,
    periods: Mapping[str, list[str]],
    today: date,
    regions: list[str] | None = None,
    indicators: list[str] | None = None,
    rules: Rules = DEFAULT_RULES,
    expected: Collection[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """The cells of the given periods per period kind (annual, quarterly,
    monthly), each indicator taking the kinds it owes (PERIODS_OWED). The matrix
    and the overdue job share this, so they cannot disagree about a state."""
    r, i, o = models.Region, models.Indicator, models.Observation
    unit_query = select(r.code).where(r.level.in_(UNIT_LEVELS), r.in_circle != "outside")
    if regions is not None:
        unit_query = unit_query.where(r.code.in_(regions))
    units = list(session.scalars(unit_query))
    indicator_query = select(i.id, i.frequency).where(
        i.frequency.in_(
            [f for f, kinds in PERIODS_OWED.items() if any(periods.get(k) for k in kinds)]
        )
    )
    if indicators is not None:
        indicator_query = indicator_query.where(i.id.in_(indicators))
    wanted = [
        (indicator_id, p)
        for indicator_id, frequency in session.execute(indicator_query)
        for kind in PERIODS_OWED[frequency]
        for p in periods.get(kind, [])
    ]
    if not units or not wanted:
        return _empty()
    frame = pd.DataFrame({"region_code": units}).merge(
        pd.DataFrame(wanted, columns=["indicator_id", "period"]), how="cross"
    )
    if expected is not None:
        pairs = pd.DataFrame(list(expected), columns=["region_code", "indicator_id"])
        frame = frame.merge(pairs.drop_duplicates(), on=["region_code", "indicator_id"])
        if frame.empty:
            return _empty()
    obs_query = select(
        o.region_code, o.indicator_id, o.period, o.status, o.submission_id, o.id
    ).where(
        o.layer == LAYER,
        o.is_current,
        o.period.in_(sorted({p for ps in periods.values() for p in ps})),
    )
    if regions is not None:
        obs_query = obs_query.where(o.region_code.in_(units))
    if indicators is not None:
        obs_query = obs_query.where(o.indicator_id.in_(sorted({w[0] for w in wanted})))
    found = pd.DataFrame(
        session.execute(obs_query).all(),
        columns=[
            "region_code",
            "indicator_id",
            "period",
            "status",
            "submission_id",
            "observation_id",
        ],
    )
    frame = frame.merge(found, on=["region_code", "indicator_id", "period"], how="left")
    frame = _with_pending_rows(session, frame)
    frequency_of = {p: f for f, ps in periods.items() for p in ps}
    dues = {p: due_date(frequency_of[p], p, rules) for p in frequency_of}
    opens = {p: period_end(p) + timedelta(days=1) for p in frequency_of}
    frame["due_date"] = frame["period"].map(dues)
    statuses = frame["status"].tolist()
    frame["state"] = [
        cell_state(
            status is not None and not pd.isna(status) and status != NOT_RECEIVED,
            status == APPROVED,
            dues[p],
            today,
            opens=opens[p],
        )
        for status, p in zip(statuses, frame["period"].tolist(), strict=True)
    ]
    for column in ("submission_id", "observation_id"):
        frame[column] = frame[column].astype("Int64")
    return frame[COLUMNS].sort_values(COLUMNS[:3], ignore_index=True)


def _with_pending_rows(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """A file awaiting review counts as received: its rows are still in
    submission_rows (decision pending), not yet observations, and the reporter
    must not be chased for figures the joint office has not yet reviewed."""
    s = models.SubmissionRow
    keys = ["region_code", "indicator_id", "period"]
    query = select(s.region_code, s.indicator_id, s.period, s.submission_id).where(
        s.decision == "pending", s.period.in_(sorted(set(frame["period"])))
    )
    pending = pd.DataFrame(session.execute(query).all(), columns=[*keys, "pending_submission"])
    if pending.empty:
        return frame
    frame = frame.merge(pending.drop_duplicates(keys), on=keys, how="left")
    waiting = frame["pending_submission"].notna() & (
        frame["status"].isna() | (frame["status"] == NOT_RECEIVED)
    )
    frame["status"] = frame["status"].astype(object).where(~waiting, "pending")
    frame["submission_id"] = frame["submission_id"].where(~waiting, frame["pending_submission"])
    frame["observation_id"] = frame["observation_id"].where(~waiting, None)
    return frame.drop(columns="pending_submission")


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    for column in ("submission_id", "observation_id"):
        frame[column] = frame[column].astype("Int64")
    return frame
