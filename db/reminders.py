"""Reminders (报送提醒): written by the daily overdue job, read by reporters.

A reminder is addressed to a region (``user_id`` null: every reporter bound to
it) or to one user. Reporters see the reminders of their regions, reviewers
and administrators all of them, viewers none. A reminder whose figure has
arrived since (a current reported observation that was not rejected) is no
longer outstanding and is left out of what people see, so nobody has to clear
it by hand.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true, update
from sqlalchemy.orm import Session

from db import models
from db.completeness import LAYER, NOT_RECEIVED, cells
from db.results import affected_rows
from indicators.reporting_calendar import (
    DEFAULT_RULES,
    FREQUENCIES,
    Rules,
    period_label,
    periods_due,
)

OVERDUE = "overdue"
ALL_REGIONS_ROLES = ("reviewer", "admin")


class Person(Protocol):
    """A ``models.User`` or the web layer's signed-in account: an id, a role and
    regions (codes, or ``UserRegion`` rows)."""

    id: int
    role: str

    @property
    def regions(self) -> Iterable[Any]: ...


@dataclass(frozen=True)
class Pending:
    """A reminder still to be e-mailed, with the names the message shows."""

    id: int
    region_code: str
    region_name: str
    indicator_name: str | None
    period: str
    due_date: date
    user_id: int | None
    message: str


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    display_name: str


@dataclass(frozen=True)
class Digest:
    """What people read: one line per region, reporting year and kind, however many
    figures are late — 成都市：2025年度 23 项逾期，最早截止 2026-03-31."""

    region_code: str
    region_name: str
    year: str
    kind: str  # overdue | dispatch
    count: int
    earliest: date
    region_name_en: str = ""

    @property
    def message(self) -> str:
        return digest_message(self.region_name, self.year, self.kind, self.count, self.earliest)

    @property
    def message_en(self) -> str:
        what = "major-project dispatches" if self.kind == "dispatch" else "figures"
        return (
            f"{self.region_name_en or self.region_name}: {self.count} {what} for {self.year} "
            f"overdue, earliest due {self.earliest:%Y-%m-%d}"
        )


def digest_message(region_name: str, year: str, kind: str, count: int, earliest: date) -> str:
    what = "项重大项目调度信息逾期" if kind == "dispatch" else "项逾期"
    return f"{region_name}：{year}年度 {count} {what}，最早截止 {earliest:%Y-%m-%d}"


def _day(value: date | str) -> date:
    """min() of a date column comes back as text from SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def overdue_message(region_name: str, indicator_name: str, period: str, due: date) -> str:
    return f"{region_name} {period_label(period)} {indicator_name} 数据已逾期（应于 {due:%Y-%m-%d} 前报送）"


def create_overdue_reminders(
    session: Session,
    today: date,
    rules: Rules = DEFAULT_RULES,
    since: str | None = None,
    expected: Collection[tuple[str, str]] | None = None,
) -> list[models.Reminder]:
    """One reminder per region × indicator × period that is overdue on ``today``
    and has none yet; returns the new rows (flushed, with ids).

    Overdue periods are those due before ``today``, from ``since`` on (default:
    January of the previous year, so a first run does not dig up the distant
    past). ``expected`` as in db.completeness (default: every unit × indicator).
    """
    since = since or str(today.year - 1)
    yesterday = today - timedelta(days=1)
    periods = {f: periods_due(f, yesterday, rules, since=since) for f in FREQUENCIES}
    frame = cells(session, periods, today, rules=rules, expected=expected)
    frame = frame[frame["state"] == OVERDUE]
    if frame.empty:
        return []
    rem = models.Reminder
    existing = set(
        session.execute(
            select(rem.region_code, rem.indicator_id, rem.period).where(
                rem.kind == OVERDUE, rem.period.in_(sorted(set(frame["period"])))
            )
        ).all()
    )
    region_names = dict(
        session.execute(
            select(models.Region.code, models.Region.name_zh).where(
                models.Region.code.in_(sorted(set(frame["region_code"])))
            )
        ).all()
    )
    indicator_names = dict(
        session.execute(
            select(models.Indicator.id, models.Indicator.name_zh).where(
                models.Indicator.id.in_(sorted(set(frame["indicator_id"])))
            )
        ).all()
    )
    new = [
        models.Reminder(
            region_code=region,
            indicator_id=indicator,
            period=period,
            due_date=due,
            kind=OVERDUE,
            message=overdue_message(region_names[region], indicator_names[indicator], period, due),
        )
        for region, indicator, period, due in zip(
            frame["region_code"],
            frame["indicator_id"],
            frame["period"],
            frame["due_date"],
            strict=True,
        )
        if (region, indicator, period) not in existing
    ]
    session.add_all(new)
    session.flush()
    return new


def _outstanding() -> ColumnElement[bool]:
    """The reminder's figure has not arrived: no current, unrejected reported row,
    and no row of a file awaiting review; for a project's dispatch reminder, no
    current report of that month."""
    o, rem, row = models.Observation, models.Reminder, models.SubmissionRow
    arrived = exists().where(
        o.layer == LAYER,
        o.is_current,
        o.status != NOT_RECEIVED,
        o.region_code == rem.region_code,
        o.indicator_id == rem.indicator_id,
        o.period == rem.period,
    )
    awaiting_review = exists().where(
        row.decision == "pending",
        row.region_code == rem.region_code,
        row.indicator_id == rem.indicator_id,
        row.period == rem.period,
    )
    dispatched = exists().where(
        models.ProjectReport.project_id == rem.project_id,
        models.ProjectReport.period == rem.period,
        models.ProjectReport.is_current,
    )
    statistics = rem.project_id.is_(None) & ~arrived & ~awaiting_review
    return statistics | (rem.project_id.is_not(None) & ~dispatched)


def _visible_to(user: Person) -> ColumnElement[bool]:
    rem = models.Reminder
    if user.role in ALL_REGIONS_ROLES:
        return true()
    if user.role != "reporter":
        return false()  # viewers get no reminders
    codes = sorted(getattr(r, "region_code", r) for r in user.regions)
    return or_(and_(rem.region_code.in_(codes), rem.user_id.is_(None)), rem.user_id == user.id)


def reminders_for(
    session: Session,
    user: Person,
    *,
    include_seen: bool = True,
    outstanding_only: bool = True,
    limit: int | None = None,
) -> list[models.Reminder]:
    """The reminders ``user`` should see, latest due date first.

    Reporters: those addressed to their regions, and those addressed to them;
    reviewers and administrators: all; viewers: none. By default only those
    whose figure is still missing (``outstanding_only``).
    """
    rem = models.Reminder
    query = select(rem).where(_visible_to(user))
    if not include_seen:
        query = query.where(rem.seen_at.is_(None))
    if outstanding_only:
        query = query.where(_outstanding())
    query = query.order_by(
        rem.due_date.desc(), rem.region_code, rem.indicator_id, rem.period, rem.id
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def dispatch_reminder_keys(session: Session) -> set[tuple[str, str]]:
    """(project id, month) of every dispatch reminder written so far."""
    rem = models.Reminder
    query = select(rem.project_id, rem.period).where(
        rem.kind == "dispatch", rem.project_id.is_not(None)
    )
    return {(project, period) for project, period in session.execute(query) if project is not None}


def count_unseen(session: Session, user: Person) -> int:
    """Outstanding reminders ``user`` has not seen (each figure)."""
    rem = models.Reminder
    return session.execute(
        select(func.count())
        .select_from(rem)
        .where(_visible_to(user), rem.seen_at.is_(None), _outstanding())
    ).scalar_one()


def digests_for(
    session: Session, user: Person, *, include_seen: bool = False, limit: int | None = None
) -> tuple[list[Digest], int]:
    """The outstanding reminders ``user`` sees, one per region, reporting year and
    kind (latest year first, then the region's code), and how many such lines
    there are in all (``limit`` cuts the list, not the count). One SQL grouping:
    an administrator's thousands of late figures are a few dozen lines."""
    rem, reg = models.Reminder, models.Region
    year = func.substr(rem.period, 1, 4)
    query = (
        select(
            rem.region_code,
            reg.name_zh,
            year,
            rem.kind,
            func.count(),
            func.min(rem.due_date),
            reg.name_en,
        )
        .join(reg, reg.code == rem.region_code)
        .where(_visible_to(user), _outstanding())
        .group_by(rem.region_code, reg.name_zh, reg.name_en, year, rem.kind)
    )
    if not include_seen:
        query = query.where(rem.seen_at.is_(None))
    rows = [
        Digest(code, name, str(y), kind, int(n), _day(earliest), name_en or "")
        for code, name, y, kind, n, earliest, name_en in session.execute(query)
    ]
    rows.sort(key=lambda d: (-int(d.year), d.region_code, d.kind))
    return (rows[:limit] if limit is not None else rows), len(rows)


def mark_seen(session: Session, ids: Iterable[int], user: Person) -> int:
    """Mark those of ``ids`` that ``user`` may see as seen; returns how many changed.

    A reminder addressed to a region is one row for all its reporters, so one
    reporter reading it marks it read for the others too.
    """
    rem = models.Reminder
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    result = session.execute(
        update(rem)
        .where(rem.id.in_(wanted), rem.seen_at.is_(None), _visible_to(user))
        .values(seen_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return affected_rows(result)


def mark_all_seen(session: Session, user: Person) -> int:
    """Mark every outstanding reminder ``user`` sees as seen (one statement,
    however many: an administrator sees every region's)."""
    rem = models.Reminder
    result = session.execute(
        update(rem)
        .where(_visible_to(user), rem.seen_at.is_(None), _outstanding())
        .values(seen_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return affected_rows(result)


def unsent(session: Session, created_after: datetime) -> list[Pending]:
    """Reminders not yet e-mailed, not yet seen and still outstanding, created
    after ``created_after`` (the job retries recent ones, never an old backlog),
    with the names an e-mail needs; latest due date first."""
    rem, reg, ind = models.Reminder, models.Region, models.Indicator
    rows = session.execute(
        select(
            rem.id,
            rem.region_code,
            reg.name_zh,
            ind.name_zh,
            rem.period,
            rem.due_date,
            rem.user_id,
            rem.message,
        )
        .join(reg, reg.code == rem.region_code)
        .outerjoin(ind, ind.id == rem.indicator_id)
        .where(
            rem.emailed_at.is_(None),
            rem.seen_at.is_(None),
            rem.created_at > created_after,
            _outstanding(),
        )
        .order_by(rem.region_code, rem.due_date.desc(), rem.period, rem.indicator_id)
    )
    return [Pending(*row) for row in rows]


def recipients(session: Session, region_codes: Iterable[str]) -> dict[str, list[Recipient]]:
    """Active reporters with an e-mail address, per region they report for."""
    u, ur = models.User, models.UserRegion
    rows = session.execute(
        select(ur.region_code, u.id, u.email, u.display_name)
        .join(u, u.id == ur.user_id)
        .where(
            ur.region_code.in_(sorted(set(region_codes))),
            u.role == "reporter",
            u.active,
            u.email.is_not(None),
            u.email != "",
        )
        .order_by(ur.region_code, u.id)
    )
    found: dict[str, list[Recipient]] = {}
    for region, user_id, email, name in rows:
        if email is None:  # excluded by the query; the column itself is nullable
            continue
        found.setdefault(region, []).append(Recipient(user_id, email, name))
    return found


def mark_emailed(session: Session, ids: Iterable[int], at: datetime) -> None:
    wanted = sorted(set(ids))
    if wanted:
        rem = models.Reminder
        session.execute(
            update(rem)
            .where(rem.id.in_(wanted))
            .values(emailed_at=at)
            .execution_options(synchronize_session=False)
        )
