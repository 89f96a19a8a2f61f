"""The audit log: append-only records of who did what, when, with the values
before and after. Nothing here updates or deletes a row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models

SIGN_IN, SIGN_IN_FAILED, SIGN_OUT = "sign_in", "sign_in_failed", "sign_out"


def record(
    session: Session,
    action: str,
    actor: str,
    *,
    user_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str | None = None,
) -> models.AuditEvent:
    """Add one event to the caller's transaction, so it commits with the change it records."""
    event = models.AuditEvent(
        action=action,
        actor=actor,
        user_id=user_id,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        detail=detail,
    )
    session.add(event)
    return event


def failures_since(
    session: Session, username: str, address: str, since: datetime
) -> tuple[int, int]:
    """Failed sign-ins since ``since`` for this name and from this address: the
    rate limit reads the log, so it holds across app workers without shared memory."""
    e = models.AuditEvent
    recent = (e.action == SIGN_IN_FAILED) & (e.at >= since)
    by_name = session.scalar(select(func.count()).where(recent, e.object_id == username))
    by_address = session.scalar(select(func.count()).where(recent, e.detail == address))
    return by_name or 0, by_address or 0
