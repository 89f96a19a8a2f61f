"""Sign-in throttling with back-off, kept in the database so that every app
worker (gunicorn runs several) sees the same counts.

Three counters are charged for each attempt, each with its own limit:

==========  ==========================================  =====  ===================
counter     what it stops                               limit  counted over
==========  ==========================================  =====  ===================
``pair``    guessing one name's password from one       5      a streak: until a
            address                                            success, or an hour
                                                               with no failure
``address`` one address trying many names (an office    30     15 minutes
            behind one NAT shares an address: higher)
``name``    many addresses guessing one name together   100    15 minutes
==========  ==========================================  =====  ===================

A counter that reaches its limit earns a wait, and every further failure
counted by it after the wait doubles it: 1, 2, 4, 8, then 15 minutes (the
cap). Attempts during a wait are answered at once (HTTP 429, the wait in
Chinese) without checking the password; they are not counted as failures again
and are not each written to the audit log, only their number (``refused``),
reported with the next wait. Nothing is ever locked for good: the waits end
by themselves, and the worst an attacker holding a counter can do is make one
guess per 15 minutes from that address.

Why the name counter is keyed by name+address: an attacker's failures for a
name, from the attacker's address, charge the attacker's ``pair`` and
``address`` counters; the real owner signing in from another address uses
other ones, so the attacker cannot lock the owner out (the fault of the
earlier 5-failures-per-name lock, which anyone could hold). The ``name``
counter across all addresses stays as a ceiling against a distributed guess;
it lies 20 times above the pair limit and counts only 15 minutes, so one
address under back-off (about 9 failures in its first 15 minutes, then 1 every
15) cannot reach it: holding it takes on the order of 100 addresses every 15
minutes — and even then the owner waits at most 15 minutes at a time.

A success resets the ``pair`` and ``name`` counters (only the owner can
succeed) but not the ``address`` counter (an attacker with an account of their
own would otherwise reset it between guesses); the attempt is refunded there.

Attempts are charged *before* the password is checked (:func:`admit`, a
short transaction), and refunded on success (:func:`succeeded`): parallel
requests cannot slip past a limit while the first ones are still hashing, and
no row lock is held during the deliberately slow hash.

The audit log (:func:`log_failure`) gets the first failure of a pair's streak
and every failure that earns a wait (with the counts), never the others; and
at most :data:`LOG_ROWS_PER_MINUTE` failed-sign-in rows a minute over the whole
site, the rest counted in one summary row — so a flood of failures from many
addresses cannot flood the log.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import overload

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db import audit, models

PAIR, ADDRESS, NAME, LOG = "pair", "address", "name", "log"
LIMITS = {PAIR: 5, ADDRESS: 30, NAME: 100}
# counters that count over a fixed window (the pair counter counts a streak)
WINDOWS = {ADDRESS: timedelta(minutes=15), NAME: timedelta(minutes=15)}
FIRST_WAIT, MAX_WAIT = timedelta(minutes=1), timedelta(minutes=15)
QUIET = timedelta(hours=1)  # no failure for this long: the counter starts again
LOG_WINDOW, LOG_ROWS_PER_MINUTE = timedelta(minutes=1), 30
SCOPE_ZH = {PAIR: "此用户名从此地址", ADDRESS: "此地址", NAME: "此用户名"}

T = models.SignInThrottle


def _key(scope: str, *parts: str) -> str:
    return hashlib.sha256("\x1f".join((scope, *parts)).encode()).hexdigest()


def _keys(username: str, address: str) -> dict[str, str]:
    return {
        PAIR: _key(PAIR, username, address),
        ADDRESS: _key(ADDRESS, address),
        NAME: _key(NAME, username),
    }


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: None) -> None: ...
@overload
def _aware(moment: datetime | None) -> datetime | None: ...
def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def wait_for(level: int) -> timedelta:
    """The wait a counter earns the ``level``-th time in a streak: 1, 2, 4 … 15 minutes."""
    return min(FIRST_WAIT * (1 << min(max(level - 1, 0), 16)), MAX_WAIT)


def minutes(wait: timedelta) -> int:
    """A wait in whole minutes, rounded up, as told to the person waiting."""
    return max(1, math.ceil(wait.total_seconds() / 60))


@dataclass
class Attempt:
    """What :func:`admit` decided for one sign-in attempt."""

    keys: dict[str, str]
    refused_for: timedelta | None = None  # throttled: the wait still to run
    first: bool = False  # the first attempt of the pair's streak
    waits: dict[str, timedelta] = field(default_factory=dict)  # earned by this attempt
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def wait(self) -> timedelta | None:
        return max(self.waits.values()) if self.waits else None


def _lock(
    session: Session, keys: dict[str, str], now: datetime
) -> dict[str, models.SignInThrottle]:
    """The counters of these keys, created if new, locked for this transaction."""
    values = [
        {
            "key": key,
            "scope": scope,
            "failures": 0,
            "level": 0,
            "refused": 0,
            "started_at": now,
            "last_at": now,
        }
        for scope, key in sorted(keys.items(), key=lambda item: item[1])
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(T).values(values).on_conflict_do_nothing(index_elements=["key"]))
    rows = session.scalars(
        select(T)
        .where(T.key.in_(list(keys.values())))
        .order_by(T.key)  # one order for every worker: no deadlock
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    by_key = {row.key: row for row in rows}
    return {scope: by_key[key] for scope, key in keys.items()}


def _forget(session: Session, keys: dict[str, str], now: datetime) -> None:
    """Delete some counters that nobody has touched for an hour and that do not
    wait (they would start again anyway); rows other workers hold are skipped."""
    stale = session.scalars(
        select(T.key)
        .where(
            T.last_at < now - QUIET,
            T.scope != LOG,
            or_(T.blocked_until.is_(None), T.blocked_until < now),
            T.key.not_in(list(keys.values())),
        )
        .limit(200)
        .with_for_update(skip_locked=True)
    ).all()
    if stale:
        session.execute(delete(T).where(T.key.in_(stale)))


def _restart_if_due(row: models.SignInThrottle, now: datetime) -> None:
    blocked = _aware(row.blocked_until)
    if blocked is not None and blocked > now:
        return
    if _aware(row.last_at) <= now - QUIET:
        row.failures, row.level, row.started_at = 0, 0, now
    elif row.scope in WINDOWS and _aware(row.started_at) <= now - WINDOWS[row.scope]:
        row.failures, row.started_at = 0, now


def admit(session: Session, username: str, address: str, now: datetime | None = None) -> Attempt:
    """Charge one attempt to its counters before the password is checked.

    Throttled (some counter waits): nothing is charged, the refusal is counted
    on the counter with the longest wait, and ``refused_for`` says how long.
    Otherwise every counter counts the attempt as a failure (refunded by
    :func:`succeeded`), and a counter that reaches its limit starts its wait
    now, so that attempts made in parallel are refused at once.
    """
    now = now or datetime.now(UTC)
    keys = _keys(username, address)
    rows = _lock(session, keys, now)
    _forget(session, keys, now)
    attempt = Attempt(keys)
    waiting = {
        scope: _aware(row.blocked_until) - now
        for scope, row in rows.items()
        if row.blocked_until is not None and _aware(row.blocked_until) > now
    }
    if waiting:
        longest = max(waiting, key=waiting.__getitem__)
        rows[longest].refused += 1
        attempt.refused_for = waiting[longest]
        return attempt
    for scope, row in rows.items():
        _restart_if_due(row, now)
        row.failures += 1
        row.last_at = now
        attempt.failures[scope] = row.failures
        if row.failures >= LIMITS[scope]:
            row.level += 1
            attempt.waits[scope] = wait_for(row.level)
            row.blocked_until = now + attempt.waits[scope]
    attempt.first = rows[PAIR].failures == 1
    return attempt


def succeeded(session: Session, attempt: Attempt) -> None:
    """The password was right: the pair and name counters start again; the
    address counter gets its attempt back (and the wait it may have earned)."""
    session.execute(delete(T).where(T.key.in_([attempt.keys[PAIR], attempt.keys[NAME]])))
    row = session.get(T, attempt.keys[ADDRESS], with_for_update=True)
    if row is None:
        return
    row.failures = max(row.failures - 1, 0)
    if ADDRESS in attempt.waits:
        row.level = max(row.level - 1, 0)
        row.blocked_until = None


def log_failure(
    session: Session,
    username: str,
    address: str,
    attempt: Attempt,
    now: datetime | None = None,
) -> models.AuditEvent | None:
    """Write a failed sign-in to the audit log when it is worth a row (the first
    of a streak, or one that earned a wait), within the site-wide row budget."""
    if not attempt.first and not attempt.waits:
        return None
    now = now or datetime.now(UTC)
    budget = _lock(session, {LOG: _key(LOG)}, now)[LOG]
    if _aware(budget.started_at) <= now - LOG_WINDOW:
        if budget.refused:
            audit.record(
                session,
                audit.SIGN_IN_FAILED,
                "-",
                object_type="user",
                detail=f"另有 {budget.refused} 次登录失败未逐条记录（每分钟至多记录 "
                f"{LOG_ROWS_PER_MINUTE} 条）",
            )
        budget.failures, budget.refused, budget.started_at = 0, 0, now
    budget.last_at = now
    if budget.failures >= LOG_ROWS_PER_MINUTE:
        budget.refused += 1
        return None
    budget.failures += 1
    detail = address
    if attempt.waits:
        refused = _take_refused(session, attempt)
        reasons = "；".join(
            f"{SCOPE_ZH[scope]}失败 {attempt.failures[scope]} 次，暂停 {minutes(wait)} 分钟"
            for scope, wait in attempt.waits.items()
        )
        detail = f"{address}；{reasons}" + (
            f"；此前暂停期间另有 {refused} 次尝试被拒" if refused else ""
        )
    name = username[:80] or "-"
    return audit.record(
        session,
        audit.SIGN_IN_FAILED,
        name,
        object_type="user",
        object_id=name,
        detail=detail,
    )


def _take_refused(session: Session, attempt: Attempt) -> int:
    """The refusals counted on this attempt's counters since they were last reported."""
    rows = session.scalars(
        select(T)
        .where(and_(T.key.in_(list(attempt.keys.values())), T.refused > 0))
        .order_by(T.key)
        .with_for_update()
    ).all()
    total = sum(row.refused for row in rows)
    for row in rows:
        row.refused = 0
    return total
