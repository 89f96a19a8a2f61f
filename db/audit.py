"""The audit log: append-only records of who did what, when, with the values
before and after. Nothing here updates or deletes a row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from indicators.access import Account

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


def record_by(session: Session, action: str, by: Account, **fields: Any) -> models.AuditEvent:
    """:func:`record` for an account's action; an account without a row in
    ``users`` (id 0: the command line, db.admin.command_line) is named only."""
    return record(session, action, by.username, user_id=by.id or None, **fields)


ACTION_NAMES = {
    SIGN_IN: ("登录", "sign-in"),
    SIGN_IN_FAILED: ("登录失败", "failed sign-in"),
    SIGN_OUT: ("退出", "sign-out"),
    "upload": ("上传报送文件", "upload"),
    "approve": ("审核通过", "approval"),
    "reject": ("审核退回", "rejection"),
    "user_create": ("新建用户", "user created"),
    "user_change": ("修改用户", "user changed"),
    "token_create": ("新建访问令牌", "token created"),
    "token_revoke": ("撤销访问令牌", "token revoked"),
    "catalogue_change": ("目标库变更", "catalogue change"),
    "project_change": ("重大项目登记变更", "project register change"),
    "dispatch": ("项目调度报送", "project dispatch"),
    "upload_refused": ("拒收文件（超出大小或格式上限）", "file refused (size or shape)"),
    "anonymous_check": ("匿名数据校验", "anonymous check"),
    "confirm_figure": ("确认公开数据入库", "published figure confirmed"),
}


def events_frame(
    session: Session,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """The newest events first, filtered; at most ``limit`` rows."""
    e = models.AuditEvent
    query = select(
        e.id, e.at, e.actor, e.action, e.object_type, e.object_id, e.before, e.after, e.detail
    ).order_by(e.id.desc())
    if action:
        query = query.where(e.action == action)
    if actor:
        query = query.where(e.actor.contains(actor))
    if since:
        query = query.where(e.at >= since)
    if until:
        query = query.where(e.at < until)
    rows = session.execute(query.limit(limit)).mappings().all()
    columns = [
        "id",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "detail",
    ]
    return pd.DataFrame(rows, columns=columns)
