"""Drafts of the online form (在线填报): one per user, region and period."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db import models
from db.results import affected_rows


def draft_of(session: Session, user_id: int, region_code: str, period: str) -> dict[str, str]:
    """The fields saved for this user, region and period ({} when none)."""
    d = models.EntryDraft
    fields = session.scalar(
        select(d.fields).where(
            d.user_id == user_id, d.region_code == region_code, d.period == period
        )
    )
    return {str(k): str(v) for k, v in (fields or {}).items()}


def save_draft(
    session: Session, user_id: int, region_code: str, period: str, fields: dict[str, str]
) -> models.EntryDraft:
    """Store (or replace) the draft; the caller has checked the account's right."""
    d = models.EntryDraft
    draft = session.scalar(
        select(d).where(d.user_id == user_id, d.region_code == region_code, d.period == period)
    )
    if draft is None:
        draft = d(user_id=user_id, region_code=region_code, period=period, fields={})
        session.add(draft)
    draft.fields = dict(fields)
    draft.updated_at = datetime.now(UTC)
    session.flush()
    return draft


def delete_draft(session: Session, user_id: int, region_code: str, period: str) -> int:
    d = models.EntryDraft
    result = session.execute(
        delete(d).where(d.user_id == user_id, d.region_code == region_code, d.period == period)
    )
    return affected_rows(result)
