"""Users, roles and their regions; passwords kept only as scrypt hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db import models
from indicators.access import Account

ROLES = {
    "viewer": "浏览者（领导，只读）",
    "reporter": "填报员（绑定地区）",
    "reviewer": "审核员（联合办公室）",
    "admin": "管理员",
}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class UserError(ValueError):
    """A user cannot be created or changed as asked."""


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash``: the parameters travel with the hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    params = f"{_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}"
    return f"scrypt${params}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    regions: list[str] | None = None,
) -> models.User:
    if role not in ROLES:
        raise UserError(f"角色“{role}”无效，可选：{'、'.join(ROLES)}")
    if len(password) < 10:
        raise UserError("密码至少 10 位")
    if session.scalar(select(models.User).where(models.User.username == username)):
        raise UserError(f"用户名“{username}”已存在")
    if role == "reporter" and not regions:
        raise UserError("填报员必须绑定至少一个地区")
    user = models.User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        regions=[models.UserRegion(region_code=code) for code in regions or []],
    )
    session.add(user)
    session.flush()
    return user


def create_token(
    session: Session, username: str, name: str, expires_in_days: int | None = None
) -> str:
    """Issue an API token for a user; returns it once — only its hash is kept.

    ``expires_in_days`` bounds the damage of a token that leaks from a partner
    system nobody remembers to revoke; None keeps it valid until revoked.
    """
    user = session.scalar(select(models.User).where(models.User.username == username))
    if user is None:
        raise UserError(f"用户“{username}”不存在")
    if expires_in_days is not None and expires_in_days < 1:
        raise UserError(f"令牌有效期须为正整数天，收到：{expires_in_days}")
    expires_at = (
        datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days is not None else None
    )
    token = secrets.token_urlsafe(32)
    session.add(
        models.ApiToken(
            user_id=user.id, name=name, token_hash=_token_hash(token), expires_at=expires_at
        )
    )
    session.flush()
    return token


def revoke_token(session: Session, token_id: int) -> None:
    row = session.get(models.ApiToken, token_id)
    if row is None:
        raise UserError(f"令牌 {token_id} 不存在")
    row.revoked_at = datetime.now(UTC)


def user_for_token(session: Session, token: str) -> models.User | None:
    """The active user a valid token belongs to: unrevoked and not expired.

    Expiry is compared in SQL, as the audit log's rate limit does, so SQLite
    (which returns naive datetimes) and PostgreSQL judge it the same way.
    """
    t = models.ApiToken
    row = session.scalar(
        select(t).where(
            t.token_hash == _token_hash(token),
            t.revoked_at.is_(None),
            or_(t.expires_at.is_(None), t.expires_at > datetime.now(UTC)),
        )
    )
    if row is None:
        return None
    user = session.get(models.User, row.user_id)
    return user if user is not None and user.active else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, username: str, password: str) -> models.User | None:
    """The active user with this name and password; None for any mismatch (the
    caller says only that the pair is wrong, never which half)."""
    user = session.scalar(select(models.User).where(models.User.username == username))
    if user is None:
        hash_password(password)  # same work either way: no timing hint that the name exists
        return None
    if not user.active or not verify_password(password, user.password_hash):
        return None
    return user


def account_of(user: models.User) -> Account:
    return Account(
        user.id,
        user.username,
        user.display_name,
        user.role,
        frozenset(r.region_code for r in user.regions),
    )


def load_account(session: Session, user_id: int) -> Account | None:
    user = session.get(models.User, user_id)
    return account_of(user) if user is not None and user.active else None
