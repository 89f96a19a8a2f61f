"""What intake does with files it must not keep or must not talk about: files over
the size or shape limits are recorded (hash, size, who, why) without their bytes;
the sender's right to the rows is settled before anyone hears of a duplicate; a
viewer stores nothing; control characters never reach a text column; anonymous
checks are counted per address across workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.intake import sha256
from db.session import transaction
from db.uploads import ANONYMOUS_CHECK, REFUSED
from db.users import create_user
from indicators.access import AccessDenied
from loaders.readers.sandbox import Limits
from tests.attack_files import HEADER, declared_rows, xfd_bomb
from workflows.intake import (
    Sender,
    allow_anonymous_check,
    check,
    filename_problem,
    receive,
    safe_filename,
)


@pytest.fixture
def db_url(ready_url: str) -> str:
    """Each test here gets its own copy of the 'ready' seed (tests/conftest.py SEEDS)."""
    return ready_url


@pytest.fixture
def ready(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(factory) as session:
        create_user(session, "cq", "重庆-密码-2026-x", "reporter", regions=["500000"])
        create_user(session, "cd", "成都-密码-2026-x", "reporter", regions=["510100"])
    return factory


def _count(factory: sessionmaker[Session], model: type, **where: object) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _refusals(factory: sessionmaker[Session]) -> list[models.AuditEvent]:
    with factory() as session:
        query = select(models.AuditEvent).where(models.AuditEvent.action == REFUSED)
        return list(session.scalars(query.order_by(models.AuditEvent.id)))


def _user_id(factory: sessionmaker[Session], name: str) -> int:
    with factory() as session:
        return session.scalar(select(models.User.id).where(models.User.username == name))


def test_lim001_a_file_refused_for_its_shape_is_recorded_not_stored(
    ready: sessionmaker[Session],
) -> None:
    content = xfd_bomb()
    cq = _user_id(ready, "cq")
    outcome = receive(
        ready, "攻击.xlsx", content, channel="api", user_id=cq, allowed_regions={"500000"}
    )
    assert outcome.submission_id is None and outcome.status == "refused" and not outcome.ok
    assert "工作表声明了 1,048,576 行 × 16,384 列" in outcome.report["problems"][0]["message"]
    assert _count(ready, models.Submission) == 0  # no bytes kept
    (event,) = _refusals(ready)
    assert (event.actor, event.user_id, event.object_id) == ("cq", cq, sha256(content))
    assert event.after["size"] == len(content) and event.after["channel"] == "api"
    assert event.after["filename"] == "攻击.xlsx"
    assert event.after["reason"].startswith("工作表声明了 1,048,576 行")


def test_lim002_a_file_over_the_size_limit_is_recorded_by_hash_and_size(
    ready: sessionmaker[Session],
) -> None:
    content = (HEADER + "重庆市,地区生产总值,2022年,29129.03,亿元,\n" * 100).encode()
    outcome = receive(
        ready, "big.csv", content, channel="drop", limits=Limits(max_upload_bytes=1000)
    )
    assert outcome.submission_id is None
    assert "超过上限 1,000 字节" in outcome.report["problems"][0]["message"]
    assert _count(ready, models.Submission) == 0
    (event,) = _refusals(ready)
    assert (event.actor, event.object_id, event.after["size"]) == (
        "投放目录",
        sha256(content),
        len(content),
    )


def test_lim003_the_dry_run_records_a_refusal_when_told_who_sent_it(
    ready: sessionmaker[Session],
) -> None:
    who = Sender("匿名", "check", None, "203.0.113.9")
    _, report = check(ready, "八百万行.xlsx", declared_rows(8_000_000), sender=who)
    assert (
        "工作表声明了 8,000,000 行 × 6 列，超过上限 1,000,000 行"
        in report["problems"][0]["message"]
    )
    (event,) = _refusals(ready)
    assert event.actor == "匿名" and event.after["address"] == "203.0.113.9"
    # an ordinary refusal (a file that is merely wrong) is no size or shape refusal
    check(ready, "bad.csv", b"nothing,here\n1,2\n", sender=who)
    assert len(_refusals(ready)) == 1
    assert _count(ready, models.Submission) == 0


def test_lim004_blank_rows_under_the_header_are_refused_not_a_crash(
    ready: sessionmaker[Session],
) -> None:
    """The issue's 200,000 blank rows over 1 MB took the fast reader's path and
    ended in a TypeError (bitwise_and) in the validator: HTTP 500 on every path."""
    content = (HEADER + ",,,,,\n" * 200_000).encode()
    assert len(content) > 1_000_000
    result, report = check(ready, "空行.csv", content)
    assert result is None and report["errors"] == 1
    assert report["problems"][0]["message"] == "空行.csv（第1行）：找到了表头，但表头下面没有数据行"
    outcome = receive(ready, "空行.csv", content, recompute=False)
    assert outcome.status == "refused"


def test_lim005_nobody_hears_of_a_duplicate_they_may_not_send(
    ready: sessionmaker[Session],
) -> None:
    chengdu = (HEADER + "成都市,地区生产总值,2024年,23511.3,亿元,\n").encode()
    first = receive(
        ready,
        "成都.csv",
        chengdu,
        user_id=_user_id(ready, "cd"),
        allowed_regions={"510100"},
        recompute=False,
    )
    assert first.status == "imported"
    # Chongqing's reporter sends the very same bytes: refused for the region, and
    # nothing says that they were received before
    other = receive(
        ready,
        "成都.csv",
        chengdu,
        user_id=_user_id(ready, "cq"),
        allowed_regions={"500000"},
        recompute=False,
    )
    text = str(other.report)
    assert other.status == "refused" and "您无权报送“成都市”的数据" in text
    assert "已收到过" not in text and f"提交编号 {first.submission_id}" not in text
    # Chengdu's own reporter is told
    again = receive(
        ready,
        "成都.csv",
        chengdu,
        user_id=_user_id(ready, "cd"),
        allowed_regions={"510100"},
        recompute=False,
    )
    assert again.status == "duplicate"
    assert f"已收到过内容完全相同的文件（提交编号 {first.submission_id}）" in str(again.report)


def test_lim006_a_viewer_stores_nothing(ready: sessionmaker[Session]) -> None:
    content = (HEADER + "成都市,地区生产总值,2024年,23511.3,亿元,\n").encode()
    with pytest.raises(AccessDenied, match="无报送权限"):
        receive(ready, "x.csv", content, allowed_regions=set())
    assert _count(ready, models.Submission) == 0


def test_lim007_control_characters_never_reach_a_text_column(
    ready: sessionmaker[Session],
) -> None:
    """On PostgreSQL a NUL in a text column raises (the issue's HTTP 500)."""
    assert filename_problem("a\x00b.csv") and filename_problem("abc\u202excod.csv")
    assert filename_problem("a\nb.csv") and filename_problem("统计\x7f.csv")
    assert filename_problem("成都 2024（初步）.csv") is None
    assert safe_filename("a\x00b\r\n.csv") == "ab.csv"
    long = "名" * 300 + ".xlsx"
    assert len(safe_filename(long)) == 255 and safe_filename(long).endswith("名.xlsx")
    content = (HEADER + "重庆市,地区生产总值,2022年,29129.03,亿元,\n").encode()
    outcome = receive(ready, "重庆\x00.csv", content, recompute=False)
    assert outcome.ok
    with ready() as session:
        assert session.get(models.Submission, outcome.submission_id).filename == "重庆.csv"
    bad = receive(ready, long.replace(".xlsx", ".csv"), b"x\x00y", recompute=False)
    assert bad.status == "refused"  # stored, with a name that fits the column


def test_lim008_anonymous_checks_are_counted_per_address_in_the_database(
    ready: sessionmaker[Session],
) -> None:
    assert [allow_anonymous_check(ready, "198.51.100.7", 3, "a.csv", 10) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert allow_anonymous_check(ready, "198.51.100.8", 3)  # another client
    later = datetime.now(UTC) + timedelta(minutes=11)
    assert allow_anonymous_check(ready, "198.51.100.7", 3, now=later)
    # the refused attempt was not recorded: a flood adds nothing to the log
    assert _count(ready, models.AuditEvent, action=ANONYMOUS_CHECK) == 5
