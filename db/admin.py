"""Administration of accounts and tokens, each change written to the audit log
with the values before and after, in the same transaction as the change.

These are the paths a person sets a password through (manage.py and 用户管理),
so the password rules (db.users.check_password) are applied here; a change of
password, role, regions or state ends every session of the account
(db.users.end_sessions), so a copy of an old cookie cannot carry old rights."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import audit, models
from db.users import (
    ROLES,
    UserError,
    check_password,
    create_token,
    create_user,
    end_sessions,
    hash_password,
    revoke_token,
    user_named,
)
from indicators.access import Account


def command_line(os_user: str) -> Account:
    """The actor of a change made with manage.py: no account in the app (id 0, so
    the audit event has no user_id), named after the operating-system user."""
    return Account(0, f"manage.py:{os_user}", f"命令行（{os_user}）", "admin")


def _state(user: models.User) -> dict[str, Any]:
    return {
        "role": user.role,
        "display_name": user.display_name,
        "active": user.active,
        "regions": sorted(r.region_code for r in user.regions),
    }


def _user(session: Session, username: str) -> models.User:
    user = user_named(session, username)
    if user is None:
        raise UserError(f"用户“{username}”不存在")
    return user


def users_frame(session: Session) -> pd.DataFrame:
    users = session.scalars(select(models.User).order_by(models.User.username)).all()
    return pd.DataFrame(
        [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "regions": ",".join(sorted(r.region_code for r in u.regions)),
                "active": u.active,
                "created_at": u.created_at,
            }
            for u in users
        ],
        columns=["username", "display_name", "role", "regions", "active", "created_at"],
    )


def tokens_frame(session: Session) -> pd.DataFrame:
    t, u = models.ApiToken, models.User
    rows = session.execute(
        select(t.id, t.name, u.username, t.created_at, t.expires_at, t.revoked_at, t.trusted)
        .join(u, u.id == t.user_id)
        .order_by(t.id)
    ).all()
    return pd.DataFrame(
        rows,
        columns=["id", "name", "username", "created_at", "expires_at", "revoked_at", "trusted"],
    )


def add_user(
    session: Session,
    by: Account,
    username: str,
    password: str,
    role: str,
    display_name: str | None,
    regions: list[str],
) -> models.User:
    check_password(password, username)
    user = create_user(session, username, password, role, display_name, regions)
    audit.record_by(
        session,
        "user_create",
        by,
        object_type="user",
        object_id=username,
        after=_state(user),
    )
    return user


def change_user(
    session: Session,
    by: Account,
    username: str,
    *,
    role: str | None = None,
    regions: list[str] | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> models.User:
    """Change what is given; the audit event holds the whole state before and after.

    A new password, or any change of role, regions or state, ends the account's
    sessions: re-activating an account does not bring back a cookie from before."""
    user = _user(session, username)
    if password is not None:
        check_password(password, username)
    before = _state(user)
    if role is not None:
        if role not in ROLES:
            raise UserError(f"角色“{role}”无效，可选：{'、'.join(ROLES)}")
        user.role = role
    if regions is not None:
        user.regions = [models.UserRegion(region_code=code) for code in regions]
    if user.role == "reporter" and not user.regions:
        raise UserError("填报员必须绑定至少一个地区")
    if active is not None:
        if not active and username == by.username:
            raise UserError("不能停用自己的账号")
        user.active = active
    if password is not None:
        user.password_hash = hash_password(password)
    notes = ["已重设密码"] if password is not None else []
    if password is not None or _state(user) != before:
        end_sessions(user)
        notes.append("已结束其全部会话")
    session.flush()
    audit.record_by(
        session,
        "user_change",
        by,
        object_type="user",
        object_id=username,
        before=before,
        after=_state(user),
        detail="；".join(notes) or None,
    )
    return user


def issue_token(
    session: Session,
    by: Account,
    username: str,
    name: str,
    expires_in_days: int | None = None,
    *,
    trusted: bool = False,
) -> str:
    """A new token, audited; ``trusted`` (直报) lets its files skip review."""
    token = create_token(session, username, name, expires_in_days, trusted=trusted)
    audit.record_by(
        session,
        "token_create",
        by,
        object_type="token",
        object_id=name,
        after={
            "user": username,
            "name": name,
            "expires_in_days": expires_in_days,
            "trusted": trusted,
        },
    )
    return token


def withdraw_token(session: Session, by: Account, token_id: int) -> None:
    row = session.get(models.ApiToken, token_id)
    before = None if row is None else {"name": row.name, "revoked_at": None}
    revoke_token(session, token_id)
    audit.record_by(
        session,
        "token_revoke",
        by,
        object_type="token",
        object_id=str(token_id),
        before=before,
        after={"revoked": True},
    )
