from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from db import migrate, models
from db.admin import add_user, change_user, command_line
from db.session import transaction
from db.users import (
    UserError,
    authenticate,
    check_password,
    common_passwords,
    create_token,
    create_user,
    hash_password,
    load_account,
    needs_rehash,
    password_problem,
    user_for_token,
    verify_password,
)


@pytest.fixture
def db_url(schema_url: str) -> str:
    """Each test here gets its own copy of the migrated, empty 'schema' seed
    (tests/conftest.py SEEDS) instead of migrating an empty database itself."""
    return schema_url


def test_usr001_passwords_are_stored_as_salted_scrypt_hashes() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("scrypt:32768:8:1$") and first != second
    assert verify_password("correct horse", first)
    assert not verify_password("wrong horse", first)
    assert not verify_password("correct horse", "garbage")


def _token_world(engine: Engine, factory: sessionmaker[Session]) -> None:
    migrate.upgrade(engine)
    with transaction(factory) as session:
        create_user(session, "partner", "partner-password", "viewer")


def test_usr002_a_token_expires_after_its_days(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    _token_world(engine, factory)
    with transaction(factory) as session:
        forever = create_token(session, "partner", "长期令牌")
        week = create_token(session, "partner", "一周令牌", expires_in_days=7)
    with factory() as session:
        assert user_for_token(session, forever).username == "partner"
        assert user_for_token(session, week).username == "partner"
        row = session.scalar(select(models.ApiToken).where(models.ApiToken.name == "一周令牌"))
        assert row.expires_at is not None
    with transaction(factory) as session:  # a week later
        row = session.scalar(select(models.ApiToken).where(models.ApiToken.name == "一周令牌"))
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    with factory() as session:
        assert user_for_token(session, week) is None
        assert user_for_token(session, forever) is not None
        assert user_for_token(session, "not-a-token") is None


def test_usr003_an_expiry_must_be_whole_days_ahead(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    _token_world(engine, factory)
    with transaction(factory) as session, pytest.raises(UserError, match="正整数天"):
        create_token(session, "partner", "零天令牌", expires_in_days=0)


def _legacy_hash(password: str) -> str:
    """A hash as this module wrote them before werkzeug: scrypt$n$r$p$salt$hash."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    b64 = base64.b64encode
    return f"scrypt$16384$8$1${b64(salt).decode()}${b64(digest).decode()}"


def test_usr004_an_old_format_hash_still_verifies_and_is_rehashed_at_sign_in(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    old = _legacy_hash("旧格式的-密码-2025")
    assert verify_password("旧格式的-密码-2025", old)
    assert not verify_password("旧格式的-密码-2026", old)
    assert needs_rehash(old) and not needs_rehash(hash_password("x"))
    migrate.upgrade(engine)
    with transaction(factory) as session:
        create_user(session, "veteran", "placeholder-password", "viewer")
        session.scalar(
            select(models.User).where(models.User.username == "veteran")
        ).password_hash = old
    with transaction(factory) as session:
        assert authenticate(session, "veteran", "wrong-password-2025") is None
    with factory() as session:  # a failed sign-in leaves the hash alone
        assert session.scalar(select(models.User.password_hash)) == old
    with transaction(factory) as session:
        assert authenticate(session, "veteran", "旧格式的-密码-2025") is not None
    with factory() as session:
        stored = session.scalar(select(models.User.password_hash))
    assert stored.startswith("scrypt:32768:8:1$") and verify_password("旧格式的-密码-2025", stored)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("", "至少 12 位"),
        ("aaaaaaaaaa", "至少 12 位"),  # the password of row 14
        ("short-pass1", "至少 12 位"),
        ("aaaaaaaaaaaa", "重复"),
        ("abcabcabcabc", "重复"),
        ("qwertyqwerty", "重复"),
        ("1q2w1q2w1q2w", "重复"),
        ("password1234", "过于常见"),
        ("PASSWORD1234", "过于常见"),
        ("Password-2026!", "过于常见"),
        ("!!baseball2026", "过于常见"),
        ("123456789012", "过于常见"),
        ("iloveyou!!!!!", "过于常见"),
        ("Chengdu_Stat", "与用户名相同"),
        ("chengdu_stat2026", "与用户名相同"),
    ],
)
def test_usr005_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    problem = password_problem(password, "chengdu_stat")
    assert problem is not None and reason in problem
    with pytest.raises(UserError, match=reason):
        check_password(password, "chengdu_stat")


@pytest.mark.parametrize(
    "password",
    ["成都统计-2026-春季报", "correct horse battery staple", "a-long-password", "Tz8#qLw2!mVx"],
)
def test_usr006_long_uncommon_passwords_and_pass_phrases_are_accepted(password: str) -> None:
    assert password_problem(password, "chengdu_stat") is None


def test_usr007_the_shipped_list_is_the_public_top_ten_thousand() -> None:
    common = common_passwords()
    assert len(common) == 10_000
    assert {"password", "123456", "qwerty", "iloveyou", "1q2w3e4r", "trustno1"} <= common


def test_usr008_every_administration_path_applies_the_password_rules(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    migrate.upgrade(engine)
    by = command_line("test")
    with transaction(factory) as session, pytest.raises(UserError, match="至少 12 位"):
        add_user(session, by, "newbie", "aaaaaaaaaa", "viewer", None, [])
    with transaction(factory) as session, pytest.raises(UserError, match="过于常见"):
        add_user(session, by, "newbie", "football2026", "viewer", None, [])
    with transaction(factory) as session:
        add_user(session, by, "newbie", "新用户-一个足够长的密码", "viewer", None, [])
    with transaction(factory) as session, pytest.raises(UserError, match="与用户名相同"):
        change_user(session, by, "newbie", password="newbie-2026-01")
    with transaction(factory) as session, pytest.raises(UserError, match="至少 12 位"):
        change_user(session, by, "newbie", password="abc")
    with factory() as session:
        user = session.scalar(select(models.User).where(models.User.username == "newbie"))
        assert verify_password("新用户-一个足够长的密码", user.password_hash)
        assert [e.action for e in session.scalars(select(models.AuditEvent))] == ["user_create"]


def test_usr009_account_changes_end_sessions_and_a_no_op_does_not(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    """Row 6 at the source: every change that matters raises the session version;
    re-activation does not lower it, so an old cookie stays dead."""
    migrate.upgrade(engine)
    by = command_line("test")
    with transaction(factory) as session:
        for code, name in (("510000", "四川省"), ("500000", "重庆市")):
            session.add(models.Region(code=code, name_zh=name, name_en=name, level="province"))
    with transaction(factory) as session:
        add_user(session, by, "moving", "移动的-密码-2026-长", "reporter", None, ["510000"])

    def version() -> int:
        with factory() as session:
            return session.scalar(
                select(models.User.session_version).where(models.User.username == "moving")
            )

    seen = [version()]
    for changes in (
        {"password": "新的-密码-2026-长"},
        {"role": "viewer"},
        {"regions": ["510000", "500000"]},
        {"active": False},
        {"active": True},
    ):
        with transaction(factory) as session:
            change_user(session, by, "moving", **changes)
        seen.append(version())
    assert seen == [0, 1, 2, 3, 4, 5]
    with transaction(factory) as session:  # 保存 with the same values: nothing ends
        change_user(session, by, "moving", role="viewer", active=True, regions=None)
    assert version() == 5
    with factory() as session:
        assert load_account(session, 1, 5) is not None
        assert load_account(session, 1, 4) is None and load_account(session, 1, 0) is None
        last = session.scalars(
            select(models.AuditEvent).order_by(models.AuditEvent.id.desc())
        ).first()
    assert last.detail is None
