"""What the health endpoint reports: the database answers, and when each
scheduled job last ran (the scheduler is a separate process; its job runs in
``job_runs`` are the only trace of it the app can see)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db import migrate, models


def database_latency_ms(session: Session) -> float:
    """Time of a trivial round trip; raises whatever the driver raises when the
    database does not answer."""
    start = time.perf_counter()
    session.execute(text("SELECT 1"))
    return round((time.perf_counter() - start) * 1000, 2)


def schema_revision(session: Session) -> str | None:
    return migrate.current_revision(session.get_bind())


def last_job_runs(session: Session) -> dict[str, dict[str, Any]]:
    """Per job, its latest run: started, finished (None while running) and ok."""
    run = models.JobRun
    latest = select(run.job, func.max(run.id).label("id")).group_by(run.job).subquery()
    rows = session.execute(
        select(run.job, run.started_at, run.finished_at, run.ok).join(latest, latest.c.id == run.id)
    ).all()
    return {
        job: {"started_at": _iso(started), "finished_at": _iso(finished), "ok": ok}
        for job, started, finished, ok in rows
    }


def job_leases(session: Session) -> dict[str, dict[str, Any]]:
    """Per leased job (the progress recompute), whether a run is asked for and not
    yet done, since when, and who holds the lease until when: snapshots lagging
    behind accepted data show here first."""
    return {
        lease.name: {
            "requested": lease.dirty,
            "requested_at": _iso(lease.requested_at),
            "holder": lease.holder,
            "expires_at": _iso(lease.expires_at),
        }
        for lease in session.scalars(select(models.JobLease))
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
