"""Overdue reminders: created once, seen by the right people, gone once reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.reminders import (
    count_unseen,
    create_overdue_reminders,
    mark_all_seen,
    mark_seen,
    recipients,
    reminders_for,
)
from db.session import transaction
from db.users import create_user
from tests.helpers import UNITS, build_world, observe


@pytest.fixture
def db_url(schema_url: str) -> str:
    """Each test here gets its own copy of the migrated, empty 'schema' seed
    (tests/conftest.py SEEDS) instead of migrating an empty database itself."""
    return schema_url


TODAY = date(2026, 4, 1)


@dataclass(frozen=True)
class Account:
    """The shape of the web layer's signed-in account (codes, not rows)."""

    id: int
    role: str
    regions: frozenset[str] = field(default_factory=frozenset)


@pytest.fixture
def world(engine: Engine, factory: sessionmaker[Session]) -> sessionmaker[Session]:
    build_world(engine, factory)
    return factory


def _count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(models.Reminder))


def test_rem001_one_reminder_per_overdue_cell_and_never_twice(
    world: sessionmaker[Session],
) -> None:
    with transaction(world) as session:
        new = create_overdue_reminders(session, TODAY, since="2025")
        messages = {(r.region_code, r.indicator_id, r.period): r.message for r in new}
        assert all(r.id is not None and r.kind == "overdue" for r in new)
    # due before 2026-04-01: the year 2025 of all three indicators, retail's four
    # quarters of 2025, power's months from 2025-01 to 2026-02; 5 of those arrived
    assert len(new) == len(UNITS) * (3 + 4 + 14) - 5
    assert messages[("510100", "retail", "2025Q3")] == (
        "成都市 2025年第3季度 社会消费品零售总额 数据已逾期（应于 2025-10-20 前报送）"
    )
    assert messages[("511000", "gdp", "2025")] == (
        "内江市 2025年 地区生产总值 数据已逾期（应于 2026-03-31 前报送）"
    )
    assert ("510100", "gdp", "2025") not in messages  # approved
    assert ("500101", "gdp", "2025") not in messages  # received, awaiting review
    assert ("510100", "power", "2026-03") not in messages  # due 04-15
    with transaction(world) as session:
        assert create_overdue_reminders(session, TODAY, since="2025") == []
    assert _count(world) == len(new)


def test_rem002_the_due_date_itself_is_on_time_and_since_limits_the_past(
    world: sessionmaker[Session],
) -> None:
    with transaction(world) as session:
        on_the_day = create_overdue_reminders(session, date(2026, 3, 31), since="2025")
        assert not any(r.period == "2025" for r in on_the_day)
    with transaction(world) as session:
        next_day = create_overdue_reminders(session, TODAY, since="2025")
        assert {r.period for r in next_day} == {"2025"}
        assert len(next_day) == 3 * len(UNITS) - 2  # GDP approved in 成都, pending in 万州
    with transaction(world) as session:
        default = create_overdue_reminders(session, date(2026, 1, 16))  # since 2025 by default
        assert default == []  # 2025-12 (due 01-15) was already written above
        assert create_overdue_reminders(session, TODAY, since="2026-03") == []


def test_rem003_the_constraint_refuses_a_second_copy(world: sessionmaker[Session]) -> None:
    values = {
        "region_code": "510100",
        "indicator_id": "gdp",
        "period": "2024",
        "due_date": date(2025, 3, 31),
        "kind": "overdue",
        "message": "x",
    }
    with transaction(world) as session:
        session.add(models.Reminder(**values))
    with pytest.raises(IntegrityError), transaction(world) as session:
        session.add(models.Reminder(**values))


def test_rem004_who_sees_what(world: sessionmaker[Session]) -> None:
    with transaction(world) as session:
        create_overdue_reminders(session, TODAY, since="2025")
        chengdu = create_user(session, "cd", "a-long-password", "reporter", regions=["510100"])
        two = create_user(
            session, "two", "a-long-password", "reporter", regions=["500101", "511000"]
        )
        reviewer = create_user(session, "rv", "a-long-password", "reviewer")
        viewer = create_user(session, "vw", "a-long-password", "viewer")
        session.add(
            models.Reminder(
                region_code="510100",
                indicator_id="gdp",
                period="2024",
                due_date=date(2025, 3, 31),
                kind="overdue",
                message="只给另一位填报员",
                user_id=two.id,
            )
        )
        ids = (chengdu.id, two.id, reviewer.id, viewer.id)
    with world() as session:
        chengdu, two, reviewer, viewer = (session.get(models.User, i) for i in ids)
        mine = reminders_for(session, chengdu)
        assert {r.region_code for r in mine} == {"510100"}
        assert "只给另一位填报员" not in {r.message for r in mine}
        assert len(mine) == 21 - 4  # 21 overdue cells less the four that arrived
        assert [r.due_date for r in mine] == sorted((r.due_date for r in mine), reverse=True)
        theirs = reminders_for(session, two)
        assert {r.region_code for r in theirs} == {"500101", "511000", "510100"}
        assert len(theirs) == 20 + 21 + 1
        assert len(reminders_for(session, reviewer)) == _count(world)
        assert reminders_for(session, viewer) == []
        as_account = Account(chengdu.id, "reporter", frozenset({"510100"}))
        assert [r.id for r in reminders_for(session, as_account)] == [r.id for r in mine]
        assert len(reminders_for(session, reviewer, limit=5)) == 5


def test_rem005_marking_seen_is_limited_to_what_one_may_see(world: sessionmaker[Session]) -> None:
    with transaction(world) as session:
        create_overdue_reminders(session, TODAY, since="2025")
        chengdu = create_user(session, "cd", "a-long-password", "reporter", regions=["510100"])
    account = Account(chengdu.id, "reporter", frozenset({"510100"}))
    with world() as session:
        mine = [r.id for r in reminders_for(session, account)]
        others = [r.id for r in reminders_for(session, Account(0, "admin")) if r.id not in mine]
        assert count_unseen(session, account) == len(mine)
    with transaction(world) as session:
        assert mark_seen(session, mine[:3] + others[:3], account) == 3
        assert mark_seen(session, mine[:3], account) == 0  # already seen
        assert mark_seen(session, [], account) == 0
    with world() as session:
        assert count_unseen(session, account) == len(mine) - 3
        unseen = reminders_for(session, account, include_seen=False)
        assert len(unseen) == len(mine) - 3 and not set(mine[:3]) & {r.id for r in unseen}
        seen = session.scalars(select(models.Reminder).where(models.Reminder.id.in_(mine[:3])))
        assert all(r.seen_at is not None for r in seen)
        untouched = session.scalars(
            select(models.Reminder).where(models.Reminder.id.in_(others[:3]))
        )
        assert all(r.seen_at is None for r in untouched)


def test_rem005b_dismissing_marks_all_of_ones_own_and_no_one_elses(
    world: sessionmaker[Session],
) -> None:
    with transaction(world) as session:
        create_overdue_reminders(session, TODAY, since="2025")
        chengdu = create_user(session, "cd", "a-long-password", "reporter", regions=["510100"])
    account = Account(chengdu.id, "reporter", frozenset({"510100"}))
    admin = Account(0, "admin")
    with world() as session:
        mine, everyone = count_unseen(session, account), count_unseen(session, admin)
    assert 0 < mine < everyone
    with transaction(world) as session:
        assert mark_all_seen(session, account) == mine
        assert mark_all_seen(session, account) == 0
    with world() as session:
        assert count_unseen(session, account) == 0
        assert count_unseen(session, admin) == everyone - mine


def test_rem006_a_figure_that_arrives_ends_its_reminder(world: sessionmaker[Session]) -> None:
    with transaction(world) as session:
        create_overdue_reminders(session, TODAY, since="2025")
    admin = Account(0, "admin")
    with transaction(world) as session:
        before = len(reminders_for(session, admin))
        rejected = session.scalar(
            select(models.Observation).where(
                models.Observation.region_code == "511000",
                models.Observation.indicator_id == "gdp",
            )
        )
        rejected.is_current = False
        session.flush()
        observe(session, "gdp", "511000", "2025", "pending", revision=2)  # sent again
        observe(session, "retail", "511000", "2025Q1", "rejected")  # a rejection does not
    with world() as session:
        after = reminders_for(session, admin)
        assert len(after) == before - 1
        assert ("511000", "gdp", "2025") not in {
            (r.region_code, r.indicator_id, r.period) for r in after
        }
        assert len(reminders_for(session, admin, outstanding_only=False)) == before


def test_rem007_recipients_are_active_reporters_with_an_address(
    world: sessionmaker[Session],
) -> None:
    with transaction(world) as session:
        for name, role, regions, email, active in [
            ("a", "reporter", ["510100"], "a@example.cn", True),
            ("b", "reporter", ["510100", "511000"], "b@example.cn", True),
            ("c", "reporter", ["510100"], None, True),
            ("d", "reporter", ["510100"], "d@example.cn", False),
            ("e", "reviewer", [], "e@example.cn", True),
        ]:
            user = create_user(session, name, "a-long-password", role, regions=regions)
            user.email, user.active = email, active
    with world() as session:
        found = recipients(session, ["510100", "511000", "500101"])
    assert {k: [r.email for r in v] for k, v in found.items()} == {
        "510100": ["a@example.cn", "b@example.cn"],
        "511000": ["b@example.cn"],
    }
