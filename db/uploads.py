"""Records of files refused for their size or shape, and of anonymous checks.

A file refused before it is stored (too large, too many rows or columns, or
parsing it went past the memory or time limit) keeps no bytes and no
submission row: an ``upload_refused`` event in the audit log says what it was
(name, sha256 when it was read, size), who sent it, by which channel, and why.

Each anonymous 数据校验 check leaves an ``anonymous_check`` event with the
client's address, so the per-address limit holds across the app's workers
without shared memory (as the sign-in throttle reads ``sign_in_failed``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import audit, models

REFUSED = "upload_refused"
ANONYMOUS_CHECK = "anonymous_check"
ANONYMOUS = "匿名"
CHANNEL_ZH = {
    "check": "数据校验",
    "page": "网页上传",
    "upload": "数据填报",
    "online": "在线填报",
    "api": "接口",
    "drop": "投放目录",
    "cli": "命令行",
    "published": "公开数据",
}


def record_refusal(
    session: Session,
    *,
    actor: str,
    channel: str,
    filename: str,
    size: int | None,
    digest: str | None,
    reason: str,
    user_id: int | None = None,
    address: str | None = None,
) -> models.AuditEvent:
    """One ``upload_refused`` event (in the caller's transaction); ``digest`` is None
    when the bytes were never read (a request refused by its Content-Length)."""
    shown = filename[:200]
    return audit.record(
        session,
        REFUSED,
        actor[:80],
        user_id=user_id,
        object_type="file",
        object_id=digest,
        after={
            "filename": shown,
            "sha256": digest,
            "size": size,
            "channel": channel,
            "address": address,
            "reason": reason,
        },
        detail=f"拒收（{CHANNEL_ZH.get(channel, channel)}）：{shown}：{reason}",
    )


def record_anonymous_check(
    session: Session, address: str, filename: str | None, size: int | None
) -> models.AuditEvent:
    return audit.record(
        session,
        ANONYMOUS_CHECK,
        ANONYMOUS,
        object_type="client",
        object_id=address[:80],
        after={"filename": (filename or "")[:200], "size": size},
        detail=f"匿名数据校验（{address}）：{(filename or '')[:200]}",
    )


def anonymous_checks_since(session: Session, address: str, since: datetime) -> int:
    e = models.AuditEvent
    query = select(func.count()).where(
        e.action == ANONYMOUS_CHECK, e.object_id == address[:80], e.at >= since
    )
    return session.scalar(query) or 0
