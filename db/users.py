"""Users, roles and their regions; passwords kept only as salted scrypt hashes.

Passwords are hashed by werkzeug.security (``scrypt:32768:8:1$salt$hash``).
Hashes written before it (``scrypt$n$r$p$salt$hash``, hashlib with n=2**14)
still verify, and :func:`authenticate` replaces any hash not in the current
format on the next successful sign-in.

The password rules (:func:`check_password`) are applied by every path a person
sets a password through — ``manage.py create-user`` / ``change-user`` and
用户管理 all go through db/admin.py. :func:`create_user` itself is the primitive
those paths call after the check; it stores what it is given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from db import models
from indicators.access import Account

ROLES = {
    "viewer": "浏览者（领导，只读）",
    "reporter": "填报员（绑定地区）",
    "reviewer": "审核员（联合办公室）",
    "admin": "管理员",
}
PASSWORD_METHOD = "scrypt:32768:8:1"  # werkzeug's scrypt, n=2**15, r=8, p=1
MIN_PASSWORD_LENGTH = 12
MIN_DISTINCT_CHARACTERS = 4
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "config" / "common_passwords.txt"
# digits, punctuation and spaces that people add around a common word ("Password-2024!")
_DECORATION = re.compile(r"^[\d\W_]+|[\d\W_]+$")


class UserError(ValueError):
    """A user cannot be created or changed as asked."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (config/common_passwords.txt), in lower case."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """Why this password may not be set, in Chinese, or None when it may.

    At least 12 characters (ASVS 2.1.1); not the user name; not a password of the
    shipped common list, also when only digits or symbols were put around one
    ("Password-2024!", "123456789012"); not one character or one short run
    repeated ("aaaaaaaaaaaa", "abcabcabcabc"). Nothing else: no rules on classes
    of characters (ASVS 2.1.9), so a long pass phrase is welcome.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位（当前 {len(password)} 位）"
    lowered = password.lower()
    name = username.strip().lower()
    if name and name in (lowered, _DECORATION.sub("", lowered)):
        return "密码不能与用户名相同"
    core = _DECORATION.sub("", lowered)
    if lowered in common_passwords() or not core or core in common_passwords():
        return "密码过于常见（在常见密码表中，或只是常见密码加上数字、符号），请换一个"
    if len(set(password)) < MIN_DISTINCT_CHARACTERS or _repeats(password):
        return "密码不能由少数几个字符或同一段字符重复组成"
    return None


def _repeats(password: str) -> bool:
    """The whole password is one shorter run written two or more times."""
    n = len(password)
    return any(n % k == 0 and password[:k] * (n // k) == password for k in range(1, n // 2 + 1))


def check_password(password: str, username: str = "") -> None:
    """Raise :class:`UserError` with the reason if the password may not be set."""
    problem = password_problem(password, username)
    if problem:
        raise UserError(problem)


def hash_password(password: str) -> str:
    """werkzeug's salted scrypt: ``scrypt:32768:8:1$salt$hash``."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``, in the current format or the old one."""
    if stored.startswith("scrypt$"):
        return _verify_legacy(password, stored)
    try:
        return check_password_hash(stored, password)
    except (ValueError, TypeError):
        return False


def needs_rehash(stored: str) -> bool:
    """A hash not made with the current method and parameters."""
    return stored.split("$", 1)[0] != PASSWORD_METHOD


def _verify_legacy(password: str, stored: str) -> bool:
    """``scrypt$n$r$p$salt$hash`` (base64), as this module wrote them before werkzeug."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest, validate=True)
        candidate = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, expected)


@cache
def _decoy_hash() -> str:
    """A hash to verify against when the name is unknown: the same work either way."""
    return hash_password(secrets.token_urlsafe(16))


def end_sessions(user: models.User) -> None:
    """End every session of the account, copies of its cookie included: the
    version stored in each session at sign-in no longer matches."""
    user.session_version = (user.session_version or 0) + 1


def user_named(session: Session, username: str) -> models.User | None:
    """The account of this user name, active or not; None if there is none."""
    return session.scalar(select(models.User).where(models.User.username == username))


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
    if user_named(session, username):
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
    session: Session,
    username: str,
    name: str,
    expires_in_days: int | None = None,
    *,
    trusted: bool = False,
) -> str:
    """Issue an API token for a user; returns it once — only its hash is kept.

    ``expires_in_days`` bounds the damage of a token that leaks from a partner
    system nobody remembers to revoke; None keeps it valid until revoked.
    ``trusted`` (直报): the files it sends are imported at once instead of waiting
    for review.
    """
    user = user_named(session, username)
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
            user_id=user.id,
            name=name,
            token_hash=_token_hash(token),
            expires_at=expires_at,
            trusted=trusted,
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
    """The active user a valid token belongs to: unrevoked and not expired."""
    held = token_holder(session, token)
    return held[0] if held else None


def token_holder(session: Session, token: str) -> tuple[models.User, bool] | None:
    """The active user a valid token belongs to, and whether the token is trusted
    (直报); None for an unknown, revoked or expired token or an inactive user.

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
    return (user, bool(row.trusted)) if user is not None and user.active else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, username: str, password: str) -> models.User | None:
    """The active user with this name and password; None for any mismatch (the
    caller says only that the pair is wrong, never which half). A hash in an
    older format is replaced by a current one, in the caller's transaction."""
    user = user_named(session, username)
    if user is None:
        verify_password(password, _decoy_hash())  # no timing hint that the name exists
        return None
    if not verify_password(password, user.password_hash) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def account_of(user: models.User) -> Account:
    return Account(
        user.id,
        user.username,
        user.display_name,
        user.role,
        frozenset(r.region_code for r in user.regions),
    )


def load_account(
    session: Session, user_id: int, session_version: int | None = None
) -> Account | None:
    """The active account with this id; with ``session_version``, only if the
    account's sessions have not been ended since that version was handed out."""
    user = session.get(models.User, user_id)
    if user is None or not user.active:
        return None
    if session_version is not None and session_version != user.session_version:
        return None
    return account_of(user)
