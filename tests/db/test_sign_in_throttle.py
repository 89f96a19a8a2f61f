"""Sign-in throttling (issue 17 row 8) with the clock in the test's hands: the
back-off doubles to its cap, refusals are not counted, the owner from another
address is never held, a success refunds, and the audit log stays bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from db import migrate, models
from db import sign_in_throttle as throttle
from db.session import transaction

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_url(schema_url: str) -> str:
    """Each test here gets its own copy of the migrated, empty 'schema' seed
    (tests/conftest.py SEEDS) instead of migrating an empty database itself."""
    return schema_url


@pytest.fixture
def db(engine: Engine, factory: sessionmaker[Session]) -> sessionmaker[Session]:
    migrate.upgrade(engine)
    return factory


def fail(db: sessionmaker[Session], name: str, address: str, now: datetime) -> throttle.Attempt:
    """One attempt with a wrong password, as dashboard/auth.py makes it."""
    with transaction(db) as session:
        attempt = throttle.admit(session, name, address, now)
    if attempt.refused_for is None:
        with transaction(db) as session:
            throttle.log_failure(session, name, address, attempt, now)
    return attempt


def row(db: sessionmaker[Session], scope: str, *subject: str) -> models.SignInThrottle | None:
    with db() as session:
        return session.get(models.SignInThrottle, throttle._key(scope, *subject))


def failed_rows(db: sessionmaker[Session]) -> list[models.AuditEvent]:
    with db() as session:
        return list(
            session.scalars(
                select(models.AuditEvent)
                .where(models.AuditEvent.action == "sign_in_failed")
                .order_by(models.AuditEvent.id)
            )
        )


def test_thr001_the_wait_doubles_to_fifteen_minutes_and_refusals_do_not_count(db) -> None:
    now = T0
    for n in range(1, 5):
        attempt = fail(db, "admin1", "203.0.113.9", now)
        assert attempt.wait is None and attempt.first == (n == 1)
    waits = []
    attempt = fail(db, "admin1", "203.0.113.9", now)
    for _ in range(6):
        waits.append(throttle.minutes(attempt.wait))
        for _ in range(3):  # during the wait: refused at once, not counted
            refused = fail(db, "admin1", "203.0.113.9", now + attempt.wait / 2)
            assert refused.refused_for is not None and not refused.waits
        now += attempt.wait
        attempt = fail(db, "admin1", "203.0.113.9", now)
    assert waits == [1, 2, 4, 8, 15, 15]
    pair = row(db, "pair", "admin1", "203.0.113.9")
    assert pair.failures == 5 + 6 and pair.level == 7
    # the audit log: the first failure and one row per wait, never the 18 refusals
    rows = failed_rows(db)
    assert len(rows) == 1 + 7
    assert rows[0].detail == "203.0.113.9"
    assert "此用户名从此地址失败 5 次，暂停 1 分钟" in rows[1].detail
    assert "暂停 15 分钟" in rows[-1].detail and "另有 3 次尝试被拒" in rows[-1].detail


def test_thr002_the_owner_from_another_address_is_never_held(db) -> None:
    """An attacker failing for admin1 every time a wait ends, for a whole day,
    charges only their own counters; the name's own ceiling (100 in 15 minutes)
    is not reached from one address."""
    now, attempts = T0, 0
    while now < T0 + timedelta(days=1):
        attempt = fail(db, "admin1", "203.0.113.66", now)
        attempts += 1
        now += attempt.wait or timedelta(seconds=1)
    assert attempts > 100
    during_a_wait = now - timedelta(seconds=1)
    with transaction(db) as session:
        attacker = throttle.admit(session, "admin1", "203.0.113.66", during_a_wait)
        owner = throttle.admit(session, "admin1", "198.51.100.7", during_a_wait)
    assert attacker.refused_for is not None
    assert owner.refused_for is None and owner.wait is None
    assert row(db, "pair", "admin1", "203.0.113.66").level > 90  # a day at the 15-minute cap


def test_thr003_many_addresses_together_meet_the_name_ceiling(db) -> None:
    for i in range(100):
        fail(db, "admin1", f"203.0.113.{i}", T0 + timedelta(seconds=i))
    name = row(db, "name", "admin1")
    assert name.failures == 100 and name.level == 1
    with transaction(db) as session:
        owner = throttle.admit(session, "admin1", "198.51.100.7", T0 + timedelta(minutes=2))
    assert owner.refused_for is not None and throttle.minutes(owner.refused_for) == 1
    with transaction(db) as session:  # and the wait ends by itself
        later = throttle.admit(session, "admin1", "198.51.100.7", T0 + timedelta(minutes=3))
    assert later.refused_for is None


def test_thr004_a_success_refunds_the_attempt(db) -> None:
    for _ in range(4):
        fail(db, "cd", "192.0.2.1", T0)
    with transaction(db) as session:
        attempt = throttle.admit(session, "cd", "192.0.2.1", T0)
        assert "pair" in attempt.waits  # the 5th attempt earns a wait before the check…
    with transaction(db) as session:
        throttle.succeeded(session, attempt)  # …which a right password undoes
    assert row(db, "pair", "cd", "192.0.2.1") is None and row(db, "name", "cd") is None
    address = row(db, "address", "192.0.2.1")
    assert address.failures == 4 and address.blocked_until is None


def test_thr005_the_address_counter_is_not_reset_by_a_success(db) -> None:
    """One address trying many names: 30 failures in 15 minutes earn a wait; a
    success of another account from that address in between does not reset it."""
    for i in range(29):
        fail(db, f"name{i}", "192.0.2.50", T0)
    with transaction(db) as session:
        own = throttle.admit(session, "attacker-own", "192.0.2.50", T0)
        throttle.succeeded(session, own)
    assert row(db, "address", "192.0.2.50").failures == 29
    attempt = fail(db, "name29", "192.0.2.50", T0)
    assert throttle.minutes(attempt.wait) == 1 and list(attempt.waits) == ["address"]
    assert fail(db, "anyone", "192.0.2.50", T0).refused_for is not None


def test_thr006_counters_start_again_after_a_quiet_hour_or_their_window(db) -> None:
    for _ in range(5):
        fail(db, "cq", "192.0.2.7", T0)
    assert row(db, "pair", "cq", "192.0.2.7").level == 1
    later = T0 + timedelta(hours=1, minutes=1)
    attempt = fail(db, "cq", "192.0.2.7", later)
    assert attempt.first and attempt.wait is None
    pair = row(db, "pair", "cq", "192.0.2.7")
    assert pair.failures == 1 and pair.level == 0
    for i in range(20):  # the address's 15-minute window
        fail(db, f"n{i}", "192.0.2.8", T0)
    fail(db, "n20", "192.0.2.8", T0 + timedelta(minutes=16))
    assert row(db, "address", "192.0.2.8").failures == 1


def test_thr007_a_flood_from_many_addresses_writes_a_bounded_audit_log(db) -> None:
    for i in range(45):
        fail(db, f"guess{i}", f"198.51.100.{i}", T0 + timedelta(seconds=i))
    assert len(failed_rows(db)) == throttle.LOG_ROWS_PER_MINUTE
    fail(db, "guess-late", "198.51.100.200", T0 + timedelta(minutes=2))
    rows = failed_rows(db)
    assert len(rows) == throttle.LOG_ROWS_PER_MINUTE + 2
    assert rows[-2].actor == "-" and "另有 15 次登录失败未逐条记录" in rows[-2].detail
    assert rows[-1].actor == "guess-late"


def test_thr008_long_names_are_kept_to_the_audit_columns(db) -> None:
    fail(db, "x" * 500, "192.0.2.9", T0)
    (event,) = failed_rows(db)
    assert event.actor == "x" * 80 and event.object_id == "x" * 80


def test_thr009_forgotten_counters_are_removed(db) -> None:
    for i in range(10):
        fail(db, f"old{i}", "192.0.2.10", T0)
    fail(db, "fresh", "192.0.2.11", T0 + timedelta(hours=2))
    with db() as session:
        scopes = session.execute(
            select(models.SignInThrottle.scope, func.count()).group_by(models.SignInThrottle.scope)
        ).all()
    assert dict(scopes) == {"pair": 1, "address": 1, "name": 1, "log": 1}
