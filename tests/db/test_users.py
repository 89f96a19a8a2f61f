from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from db import migrate, models
from db.session import transaction
from db.users import (
    UserError,
    create_token,
    create_user,
    hash_password,
    user_for_token,
    verify_password,
)


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
