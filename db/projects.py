"""The major-project register and its monthly dispatch in the database.

Every write here joins the caller's transaction and writes its audit event in
it, so a register import or a dispatch is stored whole with its record, or not
at all. Dispatch reports are versioned: a corrected month makes the earlier
report not current and keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db import audit, models
from db.session import lock_row

PROJECT_COLUMNS = [
    "id",
    "name",
    "category",
    "plan_id",
    "section",
    "waterway",
    "location",
    "content",
    "responsible_unit",
    "start_year",
    "end_year",
    "total_investment",
    "plan_period_investment",
    "status",
    "remark",
    "source",
    "seed_line",
    "origin",
]
REPORT_COLUMNS = [
    "id",
    "project_id",
    "period",
    "month_investment",
    "ytd_investment",
    "progress",
    "problems",
    "problems_resolved",
    "actor",
    "reported_at",
    "is_current",
    "sample",
]


@dataclass
class ProjectRecord:
    """What the register holds of one project, from an annex or an imported file."""

    id: str
    name: str
    category: str
    location: str
    start_year: int
    end_year: int
    total_investment: float
    status: str
    source: str
    origin: str
    region_codes: tuple[str, ...] = ()
    plans: dict[int, tuple[float, str]] = field(default_factory=dict)  # year → (亿元, basis)
    plan_id: str | None = None
    section: str | None = None
    waterway: str | None = None
    content: str | None = None
    responsible_unit: str | None = None
    plan_period_investment: float | None = None
    remark: str | None = None
    seed_line: int | None = None


def _state(project: models.Project) -> dict[str, Any]:
    return {
        **{c: getattr(project, c) for c in PROJECT_COLUMNS if c not in ("content", "source")},
        "regions": sorted(r.region_code for r in project.regions),
        "plans": {str(p.year): p.planned_investment for p in project.plans},
    }


def store_projects(
    session: Session, records: Iterable[ProjectRecord], actor: str, user_id: int | None = None
) -> tuple[int, int]:
    """Insert new projects and update known ones (by id); returns (added, changed).

    Each added or changed project is one audit event with its state before and
    after; a project whose every field is unchanged writes nothing.
    """
    added = changed = 0
    for record in records:
        project = session.get(models.Project, record.id)
        before = _state(project) if project is not None else None
        if project is None:
            project = models.Project(id=record.id)
            session.add(project)
        for column in PROJECT_COLUMNS:
            if column != "id":
                setattr(project, column, getattr(record, column))
        project.regions = [models.ProjectRegion(region_code=c) for c in record.region_codes]
        project.plans = [
            models.ProjectPlan(year=year, planned_investment=amount, basis=basis)
            for year, (amount, basis) in sorted(record.plans.items())
        ]
        session.flush()
        after = _state(project)
        if before == after:
            continue
        project.updated_at = datetime.now(UTC)
        added += before is None
        changed += before is not None
        audit.record(
            session,
            "project_change",
            actor,
            user_id=user_id,
            object_type="project",
            object_id=record.id,
            before=before,
            after=after,
            detail=record.source,
        )
    return added, changed


def has_projects(session: Session) -> bool:
    return session.scalar(select(models.Project.id).limit(1)) is not None


def projects_frame(session: Session) -> pd.DataFrame:
    rows = session.scalars(select(models.Project).order_by(models.Project.id)).all()
    return pd.DataFrame(
        [{c: getattr(p, c) for c in PROJECT_COLUMNS} for p in rows], columns=PROJECT_COLUMNS
    )


def project_regions(session: Session) -> list[tuple[str, str]]:
    pr = models.ProjectRegion
    rows = session.execute(select(pr.project_id, pr.region_code)).all()
    return [(project, region) for project, region in rows]


def plans_frame(session: Session) -> pd.DataFrame:
    p = models.ProjectPlan
    rows = session.execute(select(p.project_id, p.year, p.planned_investment, p.basis)).all()
    return pd.DataFrame(rows, columns=["project_id", "year", "planned_investment", "basis"])


def reports_frame(
    session: Session, project_id: str | None = None, current_only: bool = True
) -> pd.DataFrame:
    """Dispatch reports, oldest month first; all versions with ``current_only=False``."""
    r = models.ProjectReport
    query = select(*[getattr(r, c) for c in REPORT_COLUMNS]).order_by(r.period, r.id)
    if project_id is not None:
        query = query.where(r.project_id == project_id)
    if current_only:
        query = query.where(r.is_current)
    return pd.DataFrame(session.execute(query).all(), columns=REPORT_COLUMNS)


def lock_project(session: Session, project_id: str) -> models.Project | None:
    """The project, locked for the rest of the caller's transaction, so two filings
    of its dispatch take turns: each checks against, and supersedes, what the other
    wrote (as db.review.lock_submission: PostgreSQL ``SELECT … FOR UPDATE``; on
    SQLite a no-op UPDATE takes the database's write lock before anything is read).
    """
    return lock_row(session, models.Project, models.Project.id, project_id, models.Project.name)


def file_report(
    session: Session,
    project_id: str,
    period: str,
    ytd_investment: float,
    progress: str,
    actor: str,
    *,
    month_investment: float | None = None,
    problems: str | None = None,
    problems_resolved: bool = False,
    user_id: int | None = None,
    sample: bool = False,
) -> models.ProjectReport:
    """Store a month's dispatch; an earlier report of the same month stops being
    current (kept, and named in the audit event's ``before``)."""
    r = models.ProjectReport
    earlier = session.scalar(
        select(r).where(r.project_id == project_id, r.period == period, r.is_current)
    )
    if earlier is not None:
        session.execute(update(r).where(r.id == earlier.id).values(is_current=False))
    report = models.ProjectReport(
        project_id=project_id,
        period=period,
        month_investment=month_investment,
        ytd_investment=ytd_investment,
        progress=progress,
        problems=problems or None,
        problems_resolved=problems_resolved,
        reported_by=user_id,
        actor=actor,
        is_current=True,
        sample=sample,
    )
    session.add(report)
    session.flush()
    if not sample:
        audit.record(
            session,
            "dispatch",
            actor,
            user_id=user_id,
            object_type="project",
            object_id=f"{project_id} {period}",
            before=None if earlier is None else _report_state(earlier),
            after=_report_state(report),
        )
    return report


def _report_state(report: models.ProjectReport) -> dict[str, Any]:
    return {
        "month_investment": report.month_investment,
        "ytd_investment": report.ytd_investment,
        "progress": report.progress,
        "problems": report.problems,
        "problems_resolved": report.problems_resolved,
    }
