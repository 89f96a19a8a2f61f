"""Leases on jobs that must run in one process at a time, across web workers and
the scheduler, on SQLite and PostgreSQL alike (a row per job, taken by a
conditional UPDATE: whoever's UPDATE matches holds it).

A lease expires, so a process killed while holding one does not block the job
for ever; the ``dirty`` flag records that the job was asked for while it ran.
Each function is one short statement for the caller's transaction; commit it
at once, or the row stays locked for other processes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from db.models import JobLease
from db.results import affected_rows


def _row(session: Session, name: str) -> None:
    if session.get(JobLease, name) is None:
        session.add(JobLease(name=name, dirty=False))
        session.flush()


def request(session: Session, name: str, now: datetime) -> None:
    """Ask for the job: whoever holds or next takes the lease will run it."""
    _row(session, name)
    session.execute(
        update(JobLease).where(JobLease.name == name).values(dirty=True, requested_at=now)
    )


def take(session: Session, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Hold the lease until ``now + ttl`` if nobody holds it (or their lease ran out)."""
    _row(session, name)
    taken = session.execute(
        update(JobLease)
        .where(
            JobLease.name == name,
            or_(JobLease.holder.is_(None), JobLease.expires_at < now),
        )
        .values(holder=holder, expires_at=now + ttl)
    )
    return affected_rows(taken) == 1


def claim_request(session: Session, name: str) -> bool:
    """Clear the request flag; True if there was a request to serve."""
    cleared = session.execute(
        update(JobLease).where(JobLease.name == name, JobLease.dirty).values(dirty=False)
    )
    return affected_rows(cleared) == 1


def release(session: Session, name: str, holder: str) -> None:
    session.execute(
        update(JobLease)
        .where(JobLease.name == name, JobLease.holder == holder)
        .values(holder=None, expires_at=None)
    )


def requested(session: Session, name: str) -> bool:
    return bool(session.scalar(select(JobLease.dirty).where(JobLease.name == name)))
