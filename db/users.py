"""Users, roles and their regions; passwords kept only as scrypt hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models

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
